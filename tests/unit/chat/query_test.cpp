// WHO, WHOIS, ISON, AWAY, LUSERS, MOTD over the in-memory link.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("query: WHO #chan and WHO nick", "[chat][query]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #w\r\n");
    h.send(b, "JOIN #w\r\nAWAY :brb\r\n");
    auto out = h.exchange(a, "WHO #w\r\n");
    REQUIRE(numerics(out) == std::vector<int>{352, 352, 315});
    CHECK(count_containing(out, ":irc.test 352 a #w ~a 127.0.0.1 irc.test a H@ :0 Real a") == 1);
    CHECK(count_containing(out, ":irc.test 352 a #w ~b 127.0.0.1 irc.test b G :0 Real b") == 1);
    CHECK(out[2] == ":irc.test 315 a #w :End of WHO list");
    out = h.exchange(a, "WHO b\r\n");
    CHECK(numerics(out) == std::vector<int>{352, 315});
    CHECK(numerics(h.exchange(a, "WHO nobody\r\n")) == std::vector<int>{315});
}

TEST_CASE("query: WHOIS", "[chat][query]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(b, "JOIN #x\r\nAWAY :away msg\r\n");
    auto out = h.exchange(a, "WHOIS b\r\n");
    CHECK(numerics(out) == std::vector<int>{311, 319, 312, 301, 318});
    CHECK(out[0] == ":irc.test 311 a b ~b 127.0.0.1 * :Real b");
    CHECK(out[1] == ":irc.test 319 a b :@#x");
    CHECK(numerics(h.exchange(a, "WHOIS nobody\r\n")) == std::vector<int>{401, 318});
    CHECK(numerics(h.exchange(a, "WHOIS\r\n")) == std::vector<int>{461});
}

TEST_CASE("query: ISON", "[chat][query]") {
    Harness h;
    auto& a = h.user("a");
    h.user("Bob");
    CHECK(h.exchange(a, "ISON bob carol a\r\n") == std::vector<std::string>{":irc.test 303 a :Bob a"});
    CHECK(h.exchange(a, "ISON :carol BOB\r\n") == std::vector<std::string>{":irc.test 303 a :Bob"});
    CHECK(numerics(h.exchange(a, "ISON\r\n")) == std::vector<int>{461});
}

TEST_CASE("query: AWAY sets and clears", "[chat][query]") {
    Harness h;
    auto& a = h.user("a");
    CHECK(numerics(h.exchange(a, "AWAY :gone\r\n")) == std::vector<int>{306});
    CHECK(numerics(h.exchange(a, "AWAY\r\n")) == std::vector<int>{305});
}

TEST_CASE("query: LUSERS and MOTD", "[chat][query]") {
    Harness h;
    auto& a = h.user("a");
    h.user("b");
    h.send(a, "JOIN #1,#2\r\n");
    h.lines(a);
    auto out = h.exchange(a, "LUSERS\r\n");
    REQUIRE(numerics(out) == std::vector<int>{251, 254, 255, 265, 266});
    CHECK(out[0] == ":irc.test 251 a :There are 2 users and 0 invisible on 1 servers");
    CHECK(out[1] == ":irc.test 254 a 2 :channels formed");
    CHECK(out[3] == ":irc.test 265 a 2 2 :Current local users 2, max 2");
    CHECK(out[4] == ":irc.test 266 a 2 2 :Current global users 2, max 2");
    CHECK(numerics(h.exchange(a, "MOTD\r\n")) == std::vector<int>{422});
}

TEST_CASE("query: unknown command after registration is 421", "[chat][query]") {
    Harness h;
    auto& a = h.user("a");
    CHECK(h.exchange(a, "FROB x\r\n") == std::vector<std::string>{":irc.test 421 a FROB :Unknown command"});
    // OPER and KILL exist (commands_oper.cpp): no operators configured, no privilege.
    CHECK(numerics(h.exchange(a, "OPER a b\r\n")) == std::vector<int>{464});
    CHECK(numerics(h.exchange(a, "KILL a :b\r\n")) == std::vector<int>{481});
}
