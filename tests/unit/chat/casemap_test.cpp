#include "workloads/chat/casemap.hpp"

#include <catch2/catch.hpp>

using namespace hiconn::chat;

TEST_CASE("casemap: rfc1459 folds []\\~ with {}|^", "[chat][casemap]") {
    CHECK(irc_lower("Nick[A]\\~") == "nick{a}|^");
    CHECK(irc_equal("FOO[]", "foo{}"));
    CHECK(irc_equal("#Chan", "#chan"));
    CHECK_FALSE(irc_equal("a", "b"));
    CHECK_FALSE(irc_equal("ab", "a"));
}

TEST_CASE("casemap: nick validity", "[chat][casemap]") {
    CHECK(valid_nick("alice", 30));
    CHECK(valid_nick("[bot]_-1", 30));
    CHECK(valid_nick("`x|y^", 30));
    CHECK_FALSE(valid_nick("", 30));
    CHECK_FALSE(valid_nick("1abc", 30));
    CHECK_FALSE(valid_nick("-abc", 30));
    CHECK_FALSE(valid_nick("a b", 30));
    CHECK_FALSE(valid_nick("a!b", 30));
    CHECK_FALSE(valid_nick("#a", 30));
    CHECK_FALSE(valid_nick("\xC3\xA9t\xC3\xA9", 30));
    CHECK(valid_nick(std::string(9, 'a'), 9));
    CHECK_FALSE(valid_nick(std::string(10, 'a'), 9));
}

TEST_CASE("casemap: channel name validity", "[chat][casemap]") {
    CHECK(valid_channel_name("#a", 50));
    CHECK(valid_channel_name("#\xC3\xA9t\xC3\xA9", 50));
    CHECK_FALSE(valid_channel_name("#", 50));
    CHECK_FALSE(valid_channel_name("a", 50));
    CHECK_FALSE(valid_channel_name("&local", 50));
    CHECK_FALSE(valid_channel_name("#a b", 50));
    CHECK_FALSE(valid_channel_name("#a,b", 50));
    CHECK_FALSE(valid_channel_name("#a\a", 50));
    CHECK_FALSE(valid_channel_name("#" + std::string(50, 'x'), 50));
}
