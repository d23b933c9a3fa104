// The +b / +e / +I lists: 367/368, 348/349, 346/347, 474 on JOIN, 404 for a banned member,
// +I past +i, 478 when full.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("lists: +b, +e and +I are kept, listed and removed", "[chat][lists]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #l\r\n");
    CHECK(h.exchange(a, "MODE #l +b bad\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 MODE #l +b bad!*@*"});
    CHECK(h.exchange(a, "MODE #l +b bad\r\n").empty());  // already there
    CHECK(h.exchange(a, "MODE #l +eI *!*@10.* ~friend@*\r\n") ==
          std::vector<std::string>{":a!~a@127.0.0.1 MODE #l +eI *!*@10.* *!~friend@*"});
    auto out = h.exchange(b, "MODE #l b\r\n");  // anyone may list
    REQUIRE(numerics(out) == std::vector<int>{367, 368});
    CHECK(out[0].rfind(":irc.test 367 b #l bad!*@* a ", 0) == 0);
    CHECK(out[1] == ":irc.test 368 b #l :End of channel ban list");
    CHECK(numerics(h.exchange(b, "MODE #l e\r\n")) == std::vector<int>{348, 349});
    CHECK(numerics(h.exchange(b, "MODE #l +I\r\n")) == std::vector<int>{346, 347});
    CHECK(numerics(h.exchange(b, "MODE #l bI\r\n")) == std::vector<int>{367, 368, 346, 347});
    CHECK(numerics(h.exchange(b, "MODE #l +b x\r\n")) == std::vector<int>{482});
    CHECK(h.exchange(a, "MODE #l -b BAD!*@*\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 MODE #l -b bad!*@*"});
    CHECK(numerics(h.exchange(a, "MODE #l b\r\n")) == std::vector<int>{368});
}

TEST_CASE("lists: a ban refuses JOIN with 474 unless excepted", "[chat][lists]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #l\r\nMODE #l +b *!*@127.0.0.1\r\n");
    CHECK(h.exchange(b, "JOIN #l\r\n") == std::vector<std::string>{":irc.test 474 b #l :Cannot join channel (+b)"});
    h.send(a, "MODE #l +e b!*@*\r\n");
    CHECK(count_containing(h.exchange(b, "JOIN #l\r\n"), ":b!~b@127.0.0.1 JOIN #l") == 1);
}

TEST_CASE("lists: a banned member may not speak unless voiced", "[chat][lists]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #l\r\n");
    h.send(b, "JOIN #l\r\n");
    h.send(a, "MODE #l +b b\r\n");
    h.lines(a);
    CHECK(h.exchange(b, "PRIVMSG #l :hi\r\n") == std::vector<std::string>{":irc.test 404 b #l :Cannot send to channel"});
    CHECK(h.exchange(b, "NOTICE #l :hi\r\n").empty());
    CHECK(h.lines(a).empty());
    h.send(a, "MODE #l +v b\r\n");
    h.lines(a);
    CHECK(h.exchange(b, "PRIVMSG #l :hi\r\n").empty());
    CHECK(h.lines(a) == std::vector<std::string>{":b!~b@127.0.0.1 PRIVMSG #l :hi"});
}

TEST_CASE("lists: +I lets a matching user into a +i channel", "[chat][lists]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    auto& c = h.user("c");
    h.send(a, "JOIN #l\r\nMODE #l +iI b!*@*\r\n");
    CHECK(count_containing(h.exchange(b, "JOIN #l\r\n"), ":b!~b@127.0.0.1 JOIN #l") == 1);
    CHECK(numerics(h.exchange(c, "JOIN #l\r\n")) == std::vector<int>{473});
}

TEST_CASE("lists: at most 100 entries in all (478)", "[chat][lists]") {
    Harness h;
    auto& a = h.user("a");
    h.send(a, "JOIN #l\r\n");
    for (int i = 0; i < 100; ++i) h.send(a, "MODE #l +" + std::string(i % 2 ? "b" : "e") + " n" + std::to_string(i) + "\r\n");
    h.lines(a);
    CHECK(h.exchange(a, "MODE #l +I last\r\n") == std::vector<std::string>{":irc.test 478 a #l I :Channel list is full"});
}

TEST_CASE("lists: 005 advertises the lists", "[chat][lists]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "NICK n\r\nUSER n 0 * :N\r\n");
    for (const char* token : {" CHANMODES=beI,k,l,imnst ", " EXCEPTS=e ", " INVEXCEPTS=I ", " MAXLIST=beI:100 "})
        CHECK(count_containing(out, token) == 1);
}
