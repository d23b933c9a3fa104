// chat.utf8_only (IRCv3 UTF8ONLY): 005 advertises it, text that is not UTF-8 is refused with
// FAIL <command> INVALID_UTF8 and never relayed; off (the default), bytes go through as today.
#include "ircv3_helpers.hpp"

#include "websocket/utf8_validator.hpp"

using namespace hiconn::chat::test;

namespace {

const std::string latin1 = "caf\xe9";          // ISO-8859-1 "café": not UTF-8
const std::string utf8 = "caf\xc3\xa9";        // the same in UTF-8

hiconn::config::Config utf8_only_config() {
    auto c = test_config();
    c.chat.utf8_only = true;
    return c;
}

std::string fail_line(const std::string& command) {
    return ":irc.test FAIL " + command +
           " INVALID_UTF8 :Message rejected, your IRC software MUST use UTF-8 encoding on this network";
}

}  // namespace

TEST_CASE("utf8_valid: whole characters only", "[chat][utf8]") {
    using hiconn::websocket::utf8_valid;
    CHECK(utf8_valid(utf8.data(), utf8.size()));
    CHECK(utf8_valid("", 0));
    CHECK_FALSE(utf8_valid(latin1.data(), latin1.size()));
    CHECK_FALSE(utf8_valid("\xc3", 1));            // cut off
    CHECK_FALSE(utf8_valid("\xed\xa0\x80", 3));    // a surrogate
}

TEST_CASE("utf8_only: 005 carries UTF8ONLY only when on", "[chat][utf8]") {
    Harness off;
    auto& a = off.connect();
    CHECK(count_containing(off.exchange(a, "NICK a\r\nUSER a 0 * :A\r\n"), " UTF8ONLY") == 0);
    Harness on(utf8_only_config());
    auto& b = on.connect();
    auto welcome = on.exchange(b, "NICK b\r\nUSER b 0 * :B\r\n");
    CHECK(count_containing(welcome, " 005 b ") >= 1);
    CHECK(count_containing(welcome, " UTF8ONLY") == 1);
}

TEST_CASE("utf8_only: PRIVMSG, NOTICE, TOPIC, PART, KICK, AWAY, SETNAME refused and not relayed",
          "[chat][utf8]") {
    Harness h(utf8_only_config());
    auto& a = h.user("a");
    auto& b = h.user("b");
    join_all(h, "#c", {&a, &b});
    const std::pair<const char*, std::string> refused[] = {
        {"PRIVMSG", "PRIVMSG #c :" + latin1}, {"PRIVMSG", "PRIVMSG b :" + latin1},
        {"NOTICE", "NOTICE #c :" + latin1},   {"TOPIC", "TOPIC #c :" + latin1},
        {"PART", "PART #c :" + latin1},       {"KICK", "KICK #c b :" + latin1},
        {"AWAY", "AWAY :" + latin1},          {"SETNAME", "SETNAME :" + latin1},
        {"JOIN", "JOIN #" + latin1},
    };
    for (const auto& [command, line] : refused) {
        INFO(line);
        CHECK(h.exchange(a, line + "\r\n") == std::vector<std::string>{fail_line(command)});
        CHECK(h.lines(b).empty());
    }
    // Still in the channel, still able to talk in UTF-8.
    CHECK(h.exchange(a, "PRIVMSG #c :" + utf8 + "\r\n").empty());
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG #c :" + utf8});
}

TEST_CASE("utf8_only: a bad realname at registration, client tags, and QUIT", "[chat][utf8]") {
    Harness h(utf8_only_config());
    auto& c = h.connect();
    CHECK(h.exchange(c, "NICK c\r\nUSER c 0 * :" + latin1 + "\r\n") == std::vector<std::string>{fail_line("USER")});
    CHECK(has_numeric(h.exchange(c, "USER c 0 * :" + utf8 + "\r\n"), 1));

    auto& t = cap_user(h, "t", "message-tags");
    auto& u = cap_user(h, "u", "message-tags");
    CHECK(h.exchange(t, "@+x=" + latin1 + " TAGMSG u\r\n") == std::vector<std::string>{fail_line("TAGMSG")});
    CHECK(h.lines(u).empty());

    join_all(h, "#q", {&t, &u});
    auto bye = h.exchange(t, "QUIT :" + latin1 + "\r\n");  // quits all the same, without the reason
    CHECK(count_containing(bye, "ERROR :Closing Link") == 1);
    CHECK(h.lines(u) == std::vector<std::string>{":t!~t@127.0.0.1 QUIT :Client Quit"});
}

TEST_CASE("utf8_only off: bytes are relayed as they come", "[chat][utf8]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    CHECK(h.exchange(a, "PRIVMSG b :" + latin1 + "\r\n").empty());
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG b :" + latin1});
}

TEST_CASE("utf8_only: the FAIL of a labeled command carries the label", "[chat][utf8][labeled]") {
    Harness h(utf8_only_config());
    auto& a = cap_user(h, "a", "batch labeled-response");
    CHECK(h.exchange(a, "@label=z PRIVMSG a :" + latin1 + "\r\n") ==
          std::vector<std::string>{"@label=z " + fail_line("PRIVMSG")});
}
