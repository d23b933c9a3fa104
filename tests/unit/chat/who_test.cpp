// WHO with masks and flags, WHOX (354), USERHOST.
#include "chat_harness.hpp"

#include <algorithm>

using namespace hiconn::chat::test;

namespace {

/// The nicks (5th field after the target) of the 352 lines, in order.
std::vector<std::string> who_nicks(const std::vector<std::string>& lines) {
    std::vector<std::string> nicks;
    for (const std::string& line : lines) {
        if (numeric_of(line) != 352) continue;
        std::vector<std::string> words;
        std::size_t start = 0;
        while (start < line.size()) {
            std::size_t space = line.find(' ', start);
            if (space == std::string::npos) space = line.size();
            words.push_back(line.substr(start, space - start));
            start = space + 1;
        }
        nicks.push_back(words.at(7));
    }
    std::sort(nicks.begin(), nicks.end());
    return nicks;
}

using Nicks = std::vector<std::string>;

}  // namespace

TEST_CASE("who: wildcards match nick, user, host, realname and nick!user@host", "[chat][who]") {
    Harness h;
    auto& a = h.user("alice");
    h.user("albert");
    h.user("bob");
    CHECK(who_nicks(h.exchange(a, "WHO al*\r\n")) == Nicks{"albert", "alice"});
    CHECK(who_nicks(h.exchange(a, "WHO AL?CE\r\n")) == Nicks{"alice"});
    CHECK(who_nicks(h.exchange(a, "WHO *\r\n")) == Nicks{"albert", "alice", "bob"});
    CHECK(who_nicks(h.exchange(a, "WHO 0\r\n")) == Nicks{"albert", "alice", "bob"});
    CHECK(who_nicks(h.exchange(a, "WHO\r\n")) == Nicks{"albert", "alice", "bob"});
    CHECK(who_nicks(h.exchange(a, "WHO *!~b*@127.*\r\n")) == Nicks{"bob"});
    CHECK(who_nicks(h.exchange(a, "WHO *@10.*\r\n")).empty());
    CHECK(who_nicks(h.exchange(a, "WHO :Real b*\r\n")) == Nicks{"bob"});       // realname
    CHECK(who_nicks(h.exchange(a, "WHO irc.te?t\r\n")).size() == 3);          // server
    CHECK(who_nicks(h.exchange(a, "WHO ~bob\r\n")) == Nicks{"bob"});          // exact user name
    auto out = h.exchange(a, "WHO z*\r\n");
    CHECK(out == std::vector<std::string>{":irc.test 315 alice z* :End of WHO list"});
    // The "o" flag: server operators only; there are none.
    CHECK(numerics(h.exchange(a, "WHO * o\r\n")) == std::vector<int>{315});
    CHECK(numerics(h.exchange(a, "WHO bob o\r\n")) == std::vector<int>{315});
}

TEST_CASE("who: invisible users only to those sharing a channel; secret channels hidden", "[chat][who]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    auto& c = h.user("c");
    h.send(b, "MODE b +i\r\nJOIN #s\r\nMODE #s +s\r\n");
    CHECK(who_nicks(h.exchange(c, "WHO *\r\n")) == Nicks{"a", "c"});
    CHECK(who_nicks(h.exchange(c, "WHO b\r\n")).empty());
    CHECK(who_nicks(h.exchange(c, "WHO #s\r\n")).empty());
    h.send(a, "JOIN #s\r\n");
    CHECK(who_nicks(h.exchange(a, "WHO *\r\n")) == Nicks{"a", "b", "c"});
    // The channel field is a channel the asker may see: "*" for c, #s for a.
    auto out = h.exchange(c, "WHO a\r\n");
    CHECK(out.at(0) == ":irc.test 352 c * ~a 127.0.0.1 irc.test a H :0 Real a");
    out = h.exchange(a, "WHO b\r\n");
    CHECK(out.at(0) == ":irc.test 352 a #s ~b 127.0.0.1 irc.test b H@ :0 Real b");
}

TEST_CASE("who: WHOX fields come back in the standard order with the token", "[chat][who]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(b, "JOIN #x\r\nAWAY :gone\r\n");
    h.send(a, "JOIN #x\r\n");
    auto out = h.exchange(a, "WHO b %rnuhct,42\r\n");
    CHECK(out == std::vector<std::string>{":irc.test 354 a 42 #x ~b 127.0.0.1 b :Real b",
                                          ":irc.test 315 a b :End of WHO list"});
    out = h.exchange(a, "WHO #x %tcuihsnfdlaor,7\r\n");
    REQUIRE(numerics(out) == std::vector<int>{354, 354, 315});
    CHECK(count_containing(out, ":irc.test 354 a 7 #x ~b 127.0.0.1 127.0.0.1 irc.test b G@ 0 0 0 n/a :Real b") == 1);
    CHECK(count_containing(out, ":irc.test 354 a 7 #x ~a 127.0.0.1 127.0.0.1 irc.test a H 0 0 0 n/a :Real a") == 1);
    out = h.exchange(a, "WHO b %na\r\n");
    CHECK(out.at(0) == ":irc.test 354 a b 0");
    // No 352 at all in WHOX mode.
    CHECK_FALSE(has_numeric(h.exchange(a, "WHO * %n\r\n"), 352));
}

TEST_CASE("who: 005 advertises WHOX", "[chat][who]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "NICK n\r\nUSER n 0 * :N\r\n");
    CHECK(count_containing(out, " WHOX") == 1);
}

TEST_CASE("userhost: up to 5 nicks, away flag, unknown ones left out", "[chat][who]") {
    Harness h;
    auto& a = h.user("a");
    h.user("b");
    auto& c = h.user("C");
    h.send(c, "AWAY :out\r\n");
    CHECK(h.exchange(a, "USERHOST b c nobody\r\n") ==
          std::vector<std::string>{":irc.test 302 a :b=+~b@127.0.0.1 C=-~C@127.0.0.1"});
    CHECK(h.exchange(a, "USERHOST x x x x x b\r\n") == std::vector<std::string>{":irc.test 302 a :"});
    CHECK(numerics(h.exchange(a, "USERHOST\r\n")) == std::vector<int>{461});
}

TEST_CASE("whowas: a nick left by QUIT or NICK is remembered, newest first", "[chat][who]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("bob");
    h.send(b, "NICK bobby\r\n");
    h.send(b, "QUIT :bye\r\n");
    auto out = h.exchange(a, "WHOWAS bob\r\n");
    REQUIRE(numerics(out) == std::vector<int>{314, 312, 369});
    CHECK(out[0] == ":irc.test 314 a bob ~bob 127.0.0.1 * :Real bob");
    CHECK(out[1].rfind(":irc.test 312 a bob irc.test :", 0) == 0);
    CHECK(out[2] == ":irc.test 369 a bob :End of WHOWAS");
    CHECK(numerics(h.exchange(a, "WHOWAS BOBBY,nobody\r\n")) == std::vector<int>{314, 312, 369, 406, 369});
    CHECK(numerics(h.exchange(a, "WHOWAS\r\n")) == std::vector<int>{431});
    // Three more holders of "bob": a count limits the answer.
    for (int i = 0; i < 3; ++i) {
        auto& c = h.user("bob");
        h.send(c, "QUIT\r\n");
    }
    CHECK(numerics(h.exchange(a, "WHOWAS bob\r\n")).size() == 4 * 2 + 1);
    CHECK(numerics(h.exchange(a, "WHOWAS bob 2\r\n")) == std::vector<int>{314, 312, 314, 312, 369});
}

TEST_CASE("whowas: the history is bounded per nick and in all", "[chat][who]") {
    using hiconn::chat::WhowasHistory;
    WhowasHistory history;
    for (std::size_t i = 0; i < WhowasHistory::per_nick + 3; ++i)
        history.add({"Nick", "~u" + std::to_string(i), "h", "r", "s", std::int64_t(i)});
    auto kept = history.find("nick", 0);
    REQUIRE(kept.size() == WhowasHistory::per_nick);
    CHECK(kept.front()->user == "~u" + std::to_string(WhowasHistory::per_nick + 2));  // newest first
    for (std::size_t i = 0; i < WhowasHistory::total; ++i)
        history.add({"n" + std::to_string(i), "~u", "h", "r", "s", 0});
    CHECK(history.find("nick", 0).empty());  // the oldest went first
    CHECK(history.find("n0", 0).size() == 1);
    history.add({"extra", "~u", "h", "r", "s", 0});
    CHECK(history.find("n0", 0).empty());
    CHECK(history.find("extra", 0).size() == 1);
}
