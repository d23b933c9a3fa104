// The committed schema and docs table are generated from the field table; these tests fail
// when either drifts. Regenerate both with: hiconn_unit_tests "[regenerate]"
#include "config/config.hpp"
#include "config/config_fields.hpp"
#include "config/config_reference.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace hiconn::config;

namespace {

const fs::path source_dir = HICONN_SOURCE_DIR;
const fs::path schema_path = source_dir / "config" / "hiconn.schema.json";
// Both hold the table of every key: the README for users, docs/config.md beside the rules.
const fs::path docs_paths[] = {source_dir / "docs" / "config.md", source_dir / "README.md"};
const std::string begin_marker = "<!-- BEGIN KEYS (generated from src/config/config_fields.cpp) -->\n";
const std::string end_marker = "<!-- END KEYS -->\n";

std::string read(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

/// docs/config.md with the generated table between the markers.
std::string docs_with_table(const std::string& docs)
{
    const auto begin = docs.find(begin_marker);
    const auto end = docs.find(end_marker);
    if (begin == std::string::npos || end == std::string::npos || end < begin) return "";
    return docs.substr(0, begin + begin_marker.size()) + detail::keys_markdown() + docs.substr(end);
}

}  // namespace

TEST_CASE("config/hiconn.schema.json is the schema generated from the field table", "[config][schema]")
{
    INFO("regenerate with: hiconn_unit_tests \"[regenerate]\"");
    CHECK(read(schema_path) == detail::json_schema_text());
}

TEST_CASE("docs/config.md and README.md hold the key table generated from the field table", "[config][schema]")
{
    INFO("regenerate with: hiconn_unit_tests \"[regenerate]\"");
    for (const auto& docs_path : docs_paths) {
        INFO(docs_path.string());
        const std::string docs = read(docs_path);
        REQUIRE_FALSE(docs_with_table(docs).empty());
        CHECK(docs == docs_with_table(docs));
    }
}

TEST_CASE("the schema lists every key with its default", "[config][schema]")
{
    const auto schema = detail::Json::parse(detail::json_schema_text());
    for (const auto& field : detail::fields()) {
        INFO(field.path);
        const detail::Json* node = &schema;
        std::string rest = field.path;
        for (auto dot = rest.find('.');; dot = rest.find('.')) {
            node = &node->at("properties").at(rest.substr(0, dot));
            if (dot == std::string::npos) break;
            rest = rest.substr(dot + 1);
        }
        CHECK(node->at("default") == field.get(Config{}));
        CHECK_FALSE(node->at("description").get<std::string>().empty());
    }
    CHECK(schema.at("additionalProperties") == false);
}

TEST_CASE("every example config in config/ loads", "[config][schema]")
{
    int count = 0;
    for (const auto& entry : fs::directory_iterator(source_dir / "config")) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() != ".json" || name == "hiconn.schema.json") continue;
        INFO(name);
        CHECK_NOTHROW(load_file(entry.path().string()));
        CHECK(read(entry.path()).find("\"$schema\": \"./hiconn.schema.json\"") != std::string::npos);
        ++count;
    }
    CHECK(count >= 2);
}

TEST_CASE("regenerate config/hiconn.schema.json and the docs/config.md table", "[.regenerate]")
{
    write(schema_path, detail::json_schema_text());
    for (const auto& docs_path : docs_paths) {
        const std::string docs = docs_with_table(read(docs_path));
        REQUIRE_FALSE(docs.empty());
        write(docs_path, docs);
    }
}
