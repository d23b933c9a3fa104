// load_file() / from_json_text() and ConfigError: the public entry points of src/config.
#include "config/config_document.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hiconn::config {
namespace {

std::string compose(const std::string& file, const std::string& json_path, const std::string& message)
{
    std::string out = file.empty() ? "<config>" : file;
    if (!json_path.empty()) out += ": " + json_path;
    return out + ": " + message;
}

}  // namespace

ConfigError::ConfigError(std::string file, std::string json_path, std::string message)
    : std::runtime_error(compose(file, json_path, message)),
      file_(std::move(file)),
      json_path_(std::move(json_path)),
      message_(std::move(message))
{
}

std::string beside_config(const Config& c, const std::string& path)
{
    if (path.empty() || c.source_file.empty()) return path;
    const std::filesystem::path p(path);
    if (p.is_absolute()) return path;
    return (std::filesystem::path(c.source_file).parent_path() / p).lexically_normal().string();
}

Config from_json_text(const std::string& text, const std::string& file,
                      const std::vector<std::string>& overrides)
{
    detail::Json doc = detail::parse_document(text, file);
    const auto overridden = detail::apply_overrides(doc, overrides, file);
    Config config = detail::read_document(doc, file, overridden);
    config.source_file = file;
    return config;
}

Config load_file(const std::string& file, const std::vector<std::string>& overrides)
{
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw ConfigError(file, "", "cannot read: is a directory");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(file, "", std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(file, "", std::string("cannot read: ") + std::strerror(errno));
    return from_json_text(text.str(), file, overrides);
}

}  // namespace hiconn::config
