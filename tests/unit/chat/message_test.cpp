#include "workloads/chat/message.hpp"

#include <catch2/catch.hpp>

using hiconn::chat::Message;
using hiconn::chat::parse_message;
using hiconn::chat::ParseResult;

TEST_CASE("parser: command, middle and trailing parameters", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message("privmsg #chan :hello world", m) == ParseResult::ok);
    CHECK(m.command == "PRIVMSG");
    CHECK(m.prefix.empty());
    REQUIRE(m.params.size() == 2);
    CHECK(m.params[0] == "#chan");
    CHECK(m.params[1] == "hello world");
    CHECK(m.has_trailing);
}

TEST_CASE("parser: prefix is split off", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message(":nick!u@h NICK other", m) == ParseResult::ok);
    CHECK(m.prefix == "nick!u@h");
    CHECK(m.command == "NICK");
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0] == "other");
    CHECK_FALSE(m.has_trailing);
}

TEST_CASE("parser: empty line and only spaces are ignored", "[chat][parser]") {
    Message m;
    CHECK(parse_message("", m) == ParseResult::empty);
    CHECK(parse_message("     ", m) == ParseResult::empty);
    CHECK(parse_message("\r", m) == ParseResult::empty);
}

TEST_CASE("parser: NUL bytes make the line invalid", "[chat][parser]") {
    Message m;
    std::string line = "PRIVMSG #a :x";
    line.push_back('\0');
    line += "y";
    CHECK(parse_message(line, m) == ParseResult::nul_byte);
    CHECK(parse_message(std::string("\0", 1), m) == ParseResult::nul_byte);
}

TEST_CASE("parser: prefix without command, bad command words", "[chat][parser]") {
    Message m;
    CHECK(parse_message(":prefix", m) == ParseResult::no_command);
    CHECK(m.command.empty());
    CHECK(parse_message(":prefix   ", m) == ParseResult::no_command);
    CHECK(parse_message("PRIV-MSG x", m) == ParseResult::no_command);
    CHECK(m.command == "PRIV-MSG");
    CHECK(parse_message("12 x", m) == ParseResult::no_command);
    CHECK(parse_message("001 x", m) == ParseResult::ok);
    CHECK(m.command == "001");
}

TEST_CASE("parser: trailing-colon cases", "[chat][parser]") {
    Message m;
    SECTION("empty trailing is a present, empty parameter") {
        REQUIRE(parse_message("TOPIC #a :", m) == ParseResult::ok);
        REQUIRE(m.params.size() == 2);
        CHECK(m.params[1].empty());
        CHECK(m.has_trailing);
    }
    SECTION("colon inside the trailing stays") {
        REQUIRE(parse_message("PRIVMSG #a ::) a:b", m) == ParseResult::ok);
        REQUIRE(m.params.size() == 2);
        CHECK(m.params[1] == ":) a:b");
    }
    SECTION("colon inside a middle parameter is part of it") {
        REQUIRE(parse_message("PRIVMSG a:b :x", m) == ParseResult::ok);
        CHECK(m.params[0] == "a:b");
    }
    SECTION("only a colon") {
        REQUIRE(parse_message("NICK :", m) == ParseResult::ok);
        REQUIRE(m.params.size() == 1);
        CHECK(m.params[0].empty());
    }
    SECTION("trailing keeps its inner and final spaces") {
        REQUIRE(parse_message("PRIVMSG #a :  two  spaces ", m) == ParseResult::ok);
        CHECK(m.params[1] == "  two  spaces ");
    }
}

TEST_CASE("parser: missing parameters leave the list short", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message("JOIN", m) == ParseResult::ok);
    CHECK(m.params.empty());
    REQUIRE(parse_message("USER a b", m) == ParseResult::ok);
    CHECK(m.params.size() == 2);
}

TEST_CASE("parser: repeated spaces separate like one", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message("  MODE   #a   +o    bob  ", m) == ParseResult::ok);
    CHECK(m.command == "MODE");
    CHECK(m.params == std::vector<std::string>{"#a", "+o", "bob"});
}

TEST_CASE("parser: the 15th parameter takes the rest of the line", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", m) == ParseResult::ok);
    REQUIRE(m.params.size() == 15);
    CHECK(m.params[14] == "15 16 17");
}

TEST_CASE("parser: UTF-8 and invalid UTF-8 pass through byte for byte", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message("PRIVMSG #a :gr\xC3\xBC\xC3\x9F dich \xE2\x9C\x93", m) == ParseResult::ok);
    CHECK(m.params[1] == "gr\xC3\xBC\xC3\x9F dich \xE2\x9C\x93");
    REQUIRE(parse_message("PRIVMSG #a :bad \xC3\x28 \xFF\xFE", m) == ParseResult::ok);
    CHECK(m.params[1] == "bad \xC3\x28 \xFF\xFE");
    REQUIRE(parse_message("PRIVMSG #\xC3\xA9t\xC3\xA9 :x", m) == ParseResult::ok);
    CHECK(m.params[0] == "#\xC3\xA9t\xC3\xA9");
}

TEST_CASE("parser: a 600-byte line still parses (the framer enforces the limit)", "[chat][parser]") {
    Message m;
    std::string line = "PRIVMSG #a :" + std::string(600, 'x');
    REQUIRE(parse_message(line, m) == ParseResult::ok);
    CHECK(m.params[1].size() == 600);
}

TEST_CASE("parser: a stray CR at the end is dropped", "[chat][parser]") {
    Message m;
    REQUIRE(parse_message("PING x\r\r", m) == ParseResult::ok);
    CHECK(m.params == std::vector<std::string>{"x"});
}
