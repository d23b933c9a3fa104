// chat.bans_file: the atomic save, the load, and a corrupt file as an error naming it.
#include "workloads/chat/ban_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace hiconn::chat;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("hiconn-bans-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" +
                std::to_string(std::rand()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("bans file: a saved list loads back; a missing file is an empty list", "[chat][bans]") {
    TempDir dir;
    const std::string file = (dir.path / "bans.json").string();
    BanList list;
    REQUIRE(list.add(Ban{*BanMask::parse("2001:db8::/48"), "abuse", "admin ::1", 10, 0}));
    REQUIRE(list.add(Ban{*BanMask::parse("*!*@evil.*"), "", "oper a!b@c", 11, 99}));
    save_ban_file(file, list.to_json());
    CHECK_FALSE(std::filesystem::exists(file + ".tmp"));  // renamed into place

    BanList loaded;
    REQUIRE(loaded.add(Ban{*BanMask::parse("stale"), "", "x", 1, 0}));
    load_ban_file(file, loaded);
    REQUIRE(loaded.all().size() == 2);
    CHECK(loaded.all()[0].mask.text() == "2001:db8::/48");
    CHECK(loaded.all()[1].expires_at == 99);

    save_ban_file(file, BanList().to_json());  // replaces the old file
    load_ban_file(file, loaded);
    CHECK(loaded.all().empty());

    BanList none;
    REQUIRE(none.add(Ban{*BanMask::parse("stale"), "", "x", 1, 0}));
    load_ban_file((dir.path / "missing.json").string(), none);
    CHECK(none.all().empty());
}

TEST_CASE("bans file: a corrupt file is an error naming the file", "[chat][bans]") {
    TempDir dir;
    const std::string file = (dir.path / "bans.json").string();
    for (const char* text : {"{not json", "[]", R"({"version": 1, "bans": [{"mask": "*"}]})"}) {
        std::ofstream(file, std::ios::trunc) << text;
        BanList list;
        INFO(text);
        try {
            load_ban_file(file, list);
            FAIL("no error");
        } catch (const BanFileError& e) {
            CHECK(std::string(e.what()).find(file) != std::string::npos);
            CHECK(std::string(e.what()).find("corrupt") != std::string::npos);
        }
    }
}

TEST_CASE("bans file: an unwritable place is an error naming the file", "[chat][bans]") {
    TempDir dir;
    const std::string file = (dir.path / "no-such-dir" / "bans.json").string();
    CHECK_THROWS_AS(save_ban_file(file, BanList().to_json()), BanFileError);
}
