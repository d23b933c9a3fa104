#include "auth/accounts_file.hpp"
#include "auth/password_hash.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

using namespace hiconn::auth;

namespace {

const std::string& sample_hash() {
    static const std::string hash = hash_password("pw", min_iterations);
    return hash;
}

std::string error_of(const std::string& text) {
    try {
        Accounts::parse(text, "accounts.txt");
    } catch (const AccountsFileError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("The accounts file parses names and hashes, skipping comments and blank lines", "[auth]")
{
    const auto accounts = Accounts::parse("# comment\n\nAlice " + sample_hash() + "\r\nbob " +
                                              sample_hash(), "accounts.txt");
    CHECK(accounts.size() == 2);
    REQUIRE(accounts.find("alice"));
    CHECK(accounts.find("ALICE")->name == "Alice");
    CHECK(accounts.find("bob")->password_hash == sample_hash());
    CHECK_FALSE(accounts.find("carol"));
}

TEST_CASE("Accounts file errors name the file, the line and what was expected", "[auth]")
{
    CHECK(error_of("\nalice") == "accounts.txt:2: expected \"NAME HASH\" (one space between), got one word");
    CHECK(error_of("alice secret") .rfind("accounts.txt:1: account 'alice': not a password hash", 0) == 0);
    CHECK(error_of("#x\nal!ce " + sample_hash()).rfind("accounts.txt:2: invalid account name 'al!ce'", 0) == 0);
    CHECK(error_of("a " + sample_hash() + "\nA " + sample_hash()) ==
          "accounts.txt:2: account 'A' appears twice (names ignore case)");
    CHECK(error_of("a  " + sample_hash()).rfind("accounts.txt:1: account 'a': not a password hash", 0) == 0);
}

TEST_CASE("Account names are single IRC words of at most 32 characters", "[auth]")
{
    CHECK(valid_account_name("a"));
    CHECK(valid_account_name("Some_one-2.[x]{y}\\`^|"));
    CHECK(valid_account_name(std::string(32, 'n')));
    CHECK_FALSE(valid_account_name(std::string(33, 'n')));
    for (const char* bad : {"", "a b", "a:b", "a,b", "a@b", "#chan", "a*", "\xc3\xa9"}) {
        INFO(bad);
        CHECK_FALSE(valid_account_name(bad));
    }
}

TEST_CASE("The accounts file round-trips through format and is saved owner-only", "[auth]")
{
    Accounts accounts;
    accounts.set({"zed", sample_hash()});
    accounts.set({"Amy", sample_hash()});
    accounts.set({"amy", sample_hash()});  // replaces Amy: names ignore case
    CHECK(accounts.size() == 2);
    CHECK(accounts.remove("ZED"));
    CHECK_FALSE(accounts.remove("zed"));
    accounts.set({"zed", sample_hash()});

    const auto dir = std::filesystem::temp_directory_path() / ("hiconn-accounts-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "accounts").string();
    save_accounts_file(path, accounts);
    const auto loaded = load_accounts_file(path);
    CHECK(loaded.format() == accounts.format());
    CHECK(loaded.find("AMY")->name == "amy");
    // Owner read/write only (on Windows std::filesystem reports the read-only bit alone).
    namespace fs = std::filesystem;
    const auto perms = fs::status(path).permissions();
#ifndef _WIN32
    CHECK(perms == (fs::perms::owner_read | fs::perms::owner_write));
#else
    CHECK((perms & fs::perms::owner_write) != fs::perms::none);
#endif
    // Only the file itself is left: the temporary was renamed over it.
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);

    CHECK(load_accounts_file((dir / "missing").string(), true).size() == 0);
    CHECK_THROWS_AS(load_accounts_file((dir / "missing").string()), AccountsFileError);
    std::filesystem::remove_all(dir);
}
