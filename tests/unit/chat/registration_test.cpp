// Registration over the in-memory link: CAP, PASS, NICK, USER, the welcome burst.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("registration: NICK + USER gives 001-005, LUSERS and 422", "[chat][registration]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "NICK alice\r\nUSER al 0 * :Alice A\r\n");
    auto n = numerics(out);
    REQUIRE(n.size() >= 9);
    CHECK(std::vector<int>(n.begin(), n.begin() + 5) == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(out[0] == ":irc.test 001 alice :Welcome to the TestNet Internet Relay Chat Network alice!~al@127.0.0.1");
    CHECK(out[3].find(" Biow Ibeiklmnostv") != std::string::npos);
    CHECK(out[4].find("CASEMAPPING=rfc1459") != std::string::npos);
    CHECK(out[4].find("CHANTYPES=#") != std::string::npos);
    CHECK(out[4].find("PREFIX=(ov)@+") != std::string::npos);
    CHECK(out[4].find("NICKLEN=30") != std::string::npos);
    CHECK(out[4].find("NETWORK=TestNet") != std::string::npos);
    CHECK(has_numeric(out, 251));
    CHECK(n.back() == 422);
}

TEST_CASE("registration: USER first, then NICK", "[chat][registration]") {
    Harness h;
    auto& c = h.connect();
    CHECK(h.exchange(c, "USER al 0 * :Alice\r\n").empty());
    CHECK(has_numeric(h.exchange(c, "NICK alice\r\n"), 1));
}

TEST_CASE("registration: MOTD text gives 375/372/376", "[chat][registration]") {
    auto config = test_config();
    config.chat.motd = "line one\nline two";
    Harness h(config);
    auto& c = h.connect();
    auto out = h.exchange(c, "NICK a\r\nUSER a 0 * :A\r\n");
    CHECK(has_numeric(out, 375));
    CHECK(count_containing(out, " 372 a :- line ") == 2);
    CHECK(numerics(out).back() == 376);
}

TEST_CASE("registration: CAP LS holds registration until CAP END", "[chat][registration]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "CAP LS 302\r\nNICK bob\r\nUSER b 0 * :Bob\r\n");
    REQUIRE(out.size() == 1);
    CHECK(out[0].rfind(":irc.test CAP * LS :account-notify account-tag away-notify batch cap-notify ", 0) == 0);  // ircv3_test.cpp: the rest
    CHECK(h.exchange(c, "CAP REQ :sasl\r\n") == std::vector<std::string>{":irc.test CAP bob NAK :sasl"});
    CHECK(has_numeric(h.exchange(c, "CAP END\r\n"), 1));
    CHECK(h.exchange(c, "CAP LIST\r\n") == std::vector<std::string>{":irc.test CAP bob LIST :cap-notify"});
    CHECK(numerics(h.exchange(c, "CAP FOO\r\n")) == std::vector<int>{410});
}

TEST_CASE("registration: commands before registration get 451", "[chat][registration]") {
    Harness h;
    auto& c = h.connect();
    for (const char* line : {"JOIN #a\r\n", "PRIVMSG x :y\r\n", "WHOIS x\r\n", "MODE x\r\n", "FOO\r\n"})
        CHECK(numerics(h.exchange(c, line)) == std::vector<int>{451});
    // PING works before registration (clients probe with it).
    CHECK(h.exchange(c, "PING :tok\r\n") == std::vector<std::string>{":irc.test PONG irc.test :tok"});
}

TEST_CASE("registration: 461, 462 and the nick errors", "[chat][registration]") {
    Harness h;
    auto& c = h.connect();
    CHECK(numerics(h.exchange(c, "USER a 0 *\r\n")) == std::vector<int>{461});
    CHECK(numerics(h.exchange(c, "NICK\r\n")) == std::vector<int>{431});
    CHECK(numerics(h.exchange(c, "NICK :\r\n")) == std::vector<int>{431});
    CHECK(numerics(h.exchange(c, "NICK 9lives\r\n")) == std::vector<int>{432});
    CHECK(numerics(h.exchange(c, "NICK " + std::string(31, 'a') + "\r\n")) == std::vector<int>{432});
    CHECK(has_numeric(h.exchange(c, "NICK ok\r\nUSER a 0 * :A\r\n"), 1));
    CHECK(numerics(h.exchange(c, "USER a 0 * :A\r\n")) == std::vector<int>{462});
    CHECK(numerics(h.exchange(c, "PASS x\r\n")) == std::vector<int>{462});
}

TEST_CASE("registration: nick collision, case-insensitively", "[chat][registration]") {
    Harness h;
    h.user("Alice[1]");
    auto& c = h.connect();
    auto out = h.exchange(c, "NICK alice{1}\r\n");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == ":irc.test 433 * alice{1} :Nickname is already in use");
    // An unregistered client's nick is reserved too.
    auto& d = h.connect();
    h.exchange(c, "NICK carol\r\n");
    CHECK(numerics(h.exchange(d, "NICK CAROL\r\n")) == std::vector<int>{433});
}

TEST_CASE("registration: PASS when a password is configured", "[chat][registration]") {
    auto config = test_config();
    config.chat.password = "s3cret";
    Harness h(config);
    SECTION("right password") {
        auto& c = h.connect();
        CHECK(has_numeric(h.exchange(c, "PASS s3cret\r\nNICK a\r\nUSER a 0 * :A\r\n"), 1));
        CHECK_FALSE(c.record->closed);
    }
    SECTION("wrong password: 464, ERROR, close") {
        auto& c = h.connect();
        auto out = h.exchange(c, "PASS nope\r\nNICK a\r\nUSER a 0 * :A\r\n");
        REQUIRE(out.size() == 2);
        CHECK(numeric_of(out[0]) == 464);
        CHECK(out[1] == "ERROR :Closing Link: 127.0.0.1 (Bad Password)");
        CHECK(c.record->closed);
        CHECK(h.server.client_count() == 0);
    }
    SECTION("missing password") {
        auto& c = h.connect();
        auto out = h.exchange(c, "NICK a\r\nUSER a 0 * :A\r\n");
        CHECK(numerics(out) == std::vector<int>{464});
        CHECK(c.record->closed);
    }
}

TEST_CASE("registration: QUIT before registration closes with ERROR", "[chat][registration]") {
    Harness h;
    auto& c = h.connect(0, "::1");
    auto out = h.exchange(c, "NICK x\r\nQUIT :bye\r\nNICK y\r\n");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == "ERROR :Closing Link: 0::1 (Quit: bye)");
    CHECK(c.record->closed);
    // The nick is free again.
    auto& d = h.connect();
    CHECK(has_numeric(h.exchange(d, "NICK x\r\nUSER x 0 * :X\r\n"), 1));
}

TEST_CASE("registration: NICK change is seen once by every peer and by the client", "[chat][registration]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b", 1);
    auto& c = h.user("c", 2);
    auto& lonely = h.user("lonely");
    h.send(a, "JOIN #x,#y\r\n");
    h.send(b, "JOIN #x,#y\r\n");  // shares two channels with a: still one line
    h.send(c, "JOIN #y\r\n");
    for (auto* p : {&a, &b, &c, &lonely}) h.lines(*p);
    h.send(a, "NICK A2\r\n");
    for (auto* p : {&a, &b, &c}) {
        auto out = h.lines(*p);
        REQUIRE(out.size() == 1);
        CHECK(out[0] == ":a!~a@127.0.0.1 NICK :A2");
    }
    CHECK(h.lines(lonely).empty());
    CHECK(numerics(h.exchange(b, "NICK a2\r\n")) == std::vector<int>{433});
    // A case change is allowed.
    CHECK(h.exchange(a, "NICK a2\r\n") == std::vector<std::string>{":A2!~a@127.0.0.1 NICK :a2"});
}
