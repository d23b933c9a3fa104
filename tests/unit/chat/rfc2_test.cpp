// STATUSMSG, LINKS, HELP, KNOCK, MONITOR.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("rfc2: STATUSMSG @#chan reaches only operators, +#chan voiced and operators", "[chat][rfc2]") {
    Harness h;
    auto& op = h.user("op");
    auto& v = h.user("v");
    auto& plain = h.user("plain");
    h.send(op, "JOIN #s\r\n");
    h.send(v, "JOIN #s\r\n");
    h.send(plain, "JOIN #s\r\n");
    h.send(op, "MODE #s +v v\r\n");
    h.lines(op), h.lines(v), h.lines(plain);
    h.send(plain, "PRIVMSG @#s :to ops\r\n");
    CHECK(h.lines(op) == std::vector<std::string>{":plain!~plain@127.0.0.1 PRIVMSG @#s :to ops"});
    CHECK(h.lines(v).empty());
    CHECK(h.lines(plain).empty());
    h.send(plain, "NOTICE +#s :to voices\r\n");
    CHECK(h.lines(op) == std::vector<std::string>{":plain!~plain@127.0.0.1 NOTICE +#s :to voices"});
    CHECK(h.lines(v) == std::vector<std::string>{":plain!~plain@127.0.0.1 NOTICE +#s :to voices"});
    CHECK(h.lines(plain).empty());
    // The channel rules of #s apply: +n keeps outsiders out.
    auto& out = h.user("out");
    CHECK(numerics(h.exchange(out, "PRIVMSG @#s :hi\r\n")) == std::vector<int>{404});
    CHECK(h.lines(op).empty());
    CHECK(numerics(h.exchange(out, "PRIVMSG @#nope :hi\r\n")) == std::vector<int>{401});
    CHECK(count_containing(h.exchange(out, "VERSION\r\n"), " STATUSMSG=@+ ") == 1);
}

TEST_CASE("rfc2: LINKS lists this server", "[chat][rfc2]") {
    Harness h;
    auto& c = h.user("c");
    auto lines = h.exchange(c, "LINKS\r\n");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind(":irc.test 364 c * irc.test :0 ", 0) == 0);
    CHECK(lines[1] == ":irc.test 365 c * :End of /LINKS list");
}

TEST_CASE("rfc2: HELP, HELPOP and 524", "[chat][rfc2]") {
    Harness h;
    auto& c = h.user("c");
    CHECK(h.exchange(c, "HELP JOIN\r\n") == std::vector<std::string>{
              ":irc.test 704 c JOIN :JOIN #a,#b [key,key] | JOIN 0",
              ":irc.test 705 c JOIN :Joins channels (creating them); JOIN 0 parts all.",
              ":irc.test 706 c JOIN :End of /HELP"});
    auto index = h.exchange(c, "HELPOP\r\n");
    CHECK(numerics(index) == std::vector<int>{704, 705, 706});
    CHECK(index[0] == ":irc.test 704 c * :hiconn help");
    CHECK(count_containing(index, " KICK ") == 1);
    CHECK(h.exchange(c, "HELP frobnicate\r\n") ==
          std::vector<std::string>{":irc.test 524 c frobnicate :No help available on this topic"});
}

TEST_CASE("rfc2: KNOCK on a +i channel, 711, 712, 713, 714", "[chat][rfc2]") {
    Harness h;
    auto& op = h.user("op");
    auto& member = h.user("member");
    auto& k = h.user("k");
    h.send(op, "JOIN #k\r\n");
    h.send(member, "JOIN #k\r\n");
    h.lines(op), h.lines(member);
    CHECK(h.exchange(k, "KNOCK #k\r\n") == std::vector<std::string>{":irc.test 713 k #k :Channel is open"});
    h.send(op, "MODE #k +i\r\n");
    h.lines(op), h.lines(member);
    CHECK(h.exchange(k, "KNOCK #k :let me in\r\n") ==
          std::vector<std::string>{":irc.test 711 k #k :Your KNOCK has been delivered"});
    CHECK(h.lines(op) == std::vector<std::string>{":irc.test 710 op #k k!~k@127.0.0.1 :let me in"});
    CHECK(h.lines(member).empty());
    CHECK(h.exchange(k, "KNOCK #k\r\n") == std::vector<std::string>{":irc.test 712 k #k :Too many KNOCKs (channel)"});
    CHECK(h.lines(op).empty());
    CHECK(numerics(h.exchange(member, "KNOCK #k\r\n")) == std::vector<int>{714});
    CHECK(numerics(h.exchange(k, "KNOCK #none\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(k, "KNOCK\r\n")) == std::vector<int>{461});
    CHECK(count_containing(h.exchange(k, "VERSION\r\n"), " KNOCK ") == 1);
}

TEST_CASE("rfc2: MONITOR + - C L S, notifications, 734", "[chat][rfc2]") {
    Harness h;
    auto& w = h.user("w");
    auto& on = h.user("On");
    CHECK(h.exchange(w, "MONITOR + on,off\r\n") == std::vector<std::string>{
              ":irc.test 730 w :On!~On@127.0.0.1", ":irc.test 731 w :off"});
    CHECK(h.exchange(w, "MONITOR L\r\n") == std::vector<std::string>{
              ":irc.test 732 w :on", ":irc.test 732 w :off", ":irc.test 733 w :End of MONITOR list"});
    auto& off = h.user("off");
    CHECK(h.lines(w) == std::vector<std::string>{":irc.test 730 w :off!~off@127.0.0.1"});
    h.send(on, "NICK gone\r\n");
    CHECK(h.lines(w) == std::vector<std::string>{":irc.test 731 w :On"});
    h.send(off, "QUIT\r\n");
    CHECK(h.lines(w) == std::vector<std::string>{":irc.test 731 w :off"});
    CHECK(numerics(h.exchange(w, "MONITOR S\r\n")) == std::vector<int>{731, 731});
    h.send(w, "MONITOR - on\r\n");
    CHECK(numerics(h.exchange(w, "MONITOR L\r\n")) == std::vector<int>{732, 733});
    h.send(w, "MONITOR C\r\n");
    CHECK(numerics(h.exchange(w, "MONITOR L\r\n")) == std::vector<int>{733});
    std::string many;
    for (int i = 0; i < 100; ++i) many += (i ? "," : "") + ("n" + std::to_string(i));
    CHECK(numerics(h.exchange(w, "MONITOR + " + many + "\r\n")) == std::vector<int>(100, 731));
    CHECK(h.exchange(w, "MONITOR + x,y\r\n") ==
          std::vector<std::string>{":irc.test 734 w 100 x,y :Monitor list is full"});
    CHECK(count_containing(h.exchange(w, "VERSION\r\n"), " MONITOR=100 ") == 1);
}
