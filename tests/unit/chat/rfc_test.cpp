// The RFC 2812 / Modern IRC additions: registration timeout, USER's 461, TIME, VERSION,
// INFO, ADMIN, LUSERS maxima, INVITE to a channel not created yet, 696, several modes in
// one MODE.
#include "chat_harness.hpp"

#include <algorithm>

using namespace hiconn::chat::test;
using hiconn::core::CloseReason;

TEST_CASE("rfc: a connection not registered in time is closed", "[chat][rfc]") {
    auto config = test_config();
    config.chat.registration_timeout_s = 20;
    Harness h(config);
    auto& c = h.connect();
    CHECK(c.record->timer == 20);
    h.send(c, "NICK slow\r\n");
    h.clock_ms += 10'000;
    h.server.on_timer(*c.client);  // early
    CHECK_FALSE(c.record->closed);
    CHECK(c.record->timer == 10);
    h.clock_ms += 10'000;
    h.server.on_timer(*c.client);
    h.settle();
    CHECK(h.lines(c) == std::vector<std::string>{"ERROR :Closing Link: 127.0.0.1 (Registration timeout)"});
    CHECK(c.record->closed);
    // Its nick is free again.
    auto& d = h.connect();
    CHECK(has_numeric(h.exchange(d, "NICK slow\r\nUSER s 0 * :S\r\n"), 1));
}

TEST_CASE("rfc: registering in time cancels the registration timer", "[chat][rfc]") {
    auto config = test_config();
    config.chat.registration_timeout_s = 20;
    Harness h(config);
    auto& c = h.connect();
    h.send(c, "NICK quick\r\nUSER q 0 * :Q\r\n");
    CHECK(c.record->timer == -1);
    h.clock_ms += 60'000;
    h.server.on_timer(*c.client);
    CHECK_FALSE(c.record->closed);
}

TEST_CASE("rfc: the registration and ping deadlines share the one timer", "[chat][rfc]") {
    auto config = test_config();
    config.chat.registration_timeout_s = 50;
    config.chat.ping_timeout_s = 30;
    Harness h(config);
    auto& c = h.connect();
    h.clock_ms += 40'000;
    h.server.on_idle(*c.client);   // pinged before registering: the registration deadline is sooner
    CHECK(c.record->timer == 10);
    h.send(c, "PONG :irc.test\r\n");  // an answer does not register it
    h.clock_ms += 10'000;
    h.server.on_timer(*c.client);
    h.settle();
    CHECK(c.record->closed);
    CHECK(count_containing(h.lines(c), "(Registration timeout)") == 1);
}

TEST_CASE("rfc: registration_timeout_s 0 sets no timer", "[chat][rfc]") {
    auto config = test_config();
    config.chat.registration_timeout_s = 0;
    Harness h(config);
    auto& c = h.connect();
    CHECK(c.record->timer == -1);
}

TEST_CASE("rfc: USER with an empty realname or too few parameters is 461", "[chat][rfc]") {
    Harness h;
    auto& c = h.connect();
    CHECK(h.exchange(c, "USER u 0 * :\r\n") ==
          std::vector<std::string>{":irc.test 461 * USER :Not enough parameters"});
    CHECK(numerics(h.exchange(c, "USER u 0 *\r\n")) == std::vector<int>{461});
    CHECK(numerics(h.exchange(c, "USER :\r\n")) == std::vector<int>{461});
    CHECK(has_numeric(h.exchange(c, "NICK u\r\nUSER u 0 * :U\r\n"), 1));
}

TEST_CASE("rfc: TIME, VERSION, INFO, ADMIN", "[chat][rfc]") {
    Harness h;
    auto& a = h.user("a");
    auto out = h.exchange(a, "TIME\r\n");
    REQUIRE(numerics(out) == std::vector<int>{391});
    CHECK(out[0].rfind(":irc.test 391 a irc.test :", 0) == 0);
    out = h.exchange(a, "VERSION\r\n");
    REQUIRE(numerics(out).at(0) == 351);
    CHECK(out[0].rfind(":irc.test 351 a hiconn-", 0) == 0);
    CHECK(out[0].find(" irc.test :") != std::string::npos);
    CHECK(numerics(out).at(1) == 5);
    out = h.exchange(a, "INFO\r\n");
    CHECK(numerics(out) == std::vector<int>{371, 371, 371, 374});
    CHECK(out.back() == ":irc.test 374 a :End of INFO list");
    out = h.exchange(a, "ADMIN\r\n");
    CHECK(numerics(out) == std::vector<int>{256, 257, 258, 259});
    CHECK(out[0] == ":irc.test 256 a irc.test :Administrative info");
    CHECK(numerics(h.exchange(a, "ADMIN irc.test\r\n")) == std::vector<int>{256, 257, 258, 259});
    CHECK(h.exchange(a, "TIME other.server\r\n") ==
          std::vector<std::string>{":irc.test 402 a other.server :No such server"});
}

TEST_CASE("rfc: LUSERS keeps the maxima", "[chat][rfc]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.user("c");
    h.send(b, "QUIT\r\n");
    auto out = h.exchange(a, "LUSERS\r\n");
    CHECK(count_containing(out, ":irc.test 265 a 2 3 :Current local users 2, max 3") == 1);
    CHECK(count_containing(out, ":irc.test 266 a 2 3 :Current global users 2, max 3") == 1);
}

TEST_CASE("rfc: INVITE to a channel that does not exist is delivered", "[chat][rfc]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    CHECK(h.exchange(a, "INVITE b #new\r\n") == std::vector<std::string>{":irc.test 341 a b #new"});
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 INVITE b :#new"});
    CHECK(numerics(h.exchange(a, "INVITE b nochan\r\n")) == std::vector<int>{403});
}

TEST_CASE("rfc: invalid +k and +l values get 696", "[chat][rfc]") {
    Harness h;
    auto& a = h.user("a");
    h.send(a, "JOIN #m\r\n");
    CHECK(h.exchange(a, "MODE #m +l x\r\n") ==
          std::vector<std::string>{":irc.test 696 a #m l x :Invalid limit: a positive number"});
    CHECK(numerics(h.exchange(a, "MODE #m +l 0\r\n")) == std::vector<int>{696});
    CHECK(h.exchange(a, "MODE #m +k :two words\r\n") ==
          std::vector<std::string>{":irc.test 696 a #m k * :Invalid key: one word without commas"});
    CHECK(numerics(h.exchange(a, "MODE #m +k a,b\r\n")) == std::vector<int>{696});
    CHECK(numerics(h.exchange(a, "MODE #m +k\r\n")) == std::vector<int>{461});
    CHECK(numerics(h.exchange(a, "MODE #m +l\r\n")) == std::vector<int>{461});
}

TEST_CASE("rfc: several mode changes in one MODE, one combined reply", "[chat][rfc]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    auto& c = h.user("c");
    h.send(a, "JOIN #m\r\n");
    h.send(b, "JOIN #m\r\n");
    h.send(c, "JOIN #m\r\n");
    h.lines(b);
    CHECK(h.exchange(a, "MODE #m +ov b c\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 MODE #m +ov b c"});
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 MODE #m +ov b c"});
    CHECK(h.exchange(a, "MODE #m +lk 10 key\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 MODE #m +lk 10 key"});
    CHECK(h.exchange(a, "MODE #m -o+v b b\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 MODE #m -o+v b b"});
    // Unknown letters: one 472 each; the rest still applies.
    auto out = h.exchange(a, "MODE #m +yzm\r\n");
    CHECK(numerics(out) == std::vector<int>{472, 472});
    CHECK(out.at(0) == ":irc.test 472 a y :is unknown mode char to me for #m");
    CHECK(out.at(2) == ":a!~a@127.0.0.1 MODE #m +m");
    // MODES=4: a fifth mode with a parameter is ignored.
    out = h.exchange(a, "MODE #m -vvvvv a b c a b\r\n");
    CHECK(out == std::vector<std::string>{":a!~a@127.0.0.1 MODE #m -vv b c"});
}

TEST_CASE("rfc: LIST with masks, negated masks and member counts", "[chat][rfc]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #hello,#help,#other\r\n");
    h.send(b, "JOIN #help,#other\r\n");
    auto listed = [&](const std::string& args) {
        std::vector<std::string> names;
        for (const std::string& line : h.exchange(a, "LIST " + args + "\r\n"))
            if (numeric_of(line) == 322) {
                const std::string prefix = ":irc.test 322 a ";
                names.push_back(line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size()));
            }
        std::sort(names.begin(), names.end());
        return names;
    };
    using Names = std::vector<std::string>;
    CHECK(listed("#hel*") == Names{"#hello", "#help"});
    CHECK(listed("!#hel*") == Names{"#other"});
    CHECK(listed(">1") == Names{"#help", "#other"});
    CHECK(listed("<2") == Names{"#hello"});
    CHECK(listed("#h*,>1") == Names{"#help"});
    CHECK(listed("#HELLO") == Names{"#hello"});
    CHECK(listed("#hello,>1") == Names{});
    CHECK(listed("#nothere") == Names{});
}

TEST_CASE("rfc: 005 lists ELIST, WHOX and MODES in lines of at most 13 tokens", "[chat][rfc]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "NICK n\r\nUSER n 0 * :N\r\n");
    std::string all;
    for (const std::string& line : out) {
        if (numeric_of(line) != 5) continue;
        const std::string tokens = line.substr(0, line.find(" :"));
        CHECK(std::count(tokens.begin(), tokens.end(), ' ') - 2 <= 13);
        all += tokens + " ";
    }
    for (const char* token : {" ELIST=MNU ", " WHOX ", " MODES=4 ", " CASEMAPPING=rfc1459 "})
        CHECK(all.find(token) != std::string::npos);
}
