// PRIVMSG and NOTICE over the in-memory link, including fan-out across "threads".
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("messaging: a channel message reaches every other member once", "[chat][messaging]") {
    Harness h;
    std::vector<Harness::Peer*> users;
    for (int i = 0; i < 12; ++i) {
        auto& u = h.user("u" + std::to_string(i), i % 4);  // four fake I/O threads
        h.send(u, "JOIN #fan\r\n");
        users.push_back(&u);
    }
    for (auto* u : users) h.lines(*u);
    h.send(*users[0], "PRIVMSG #fan :hello \xC3\xA9 \xFF\r\n");
    CHECK(h.lines(*users[0]).empty());  // the sender does not get its own message
    for (std::size_t i = 1; i < users.size(); ++i)
        CHECK(h.lines(*users[i]) == std::vector<std::string>{":u0!~u0@127.0.0.1 PRIVMSG #fan :hello \xC3\xA9 \xFF"});
    std::vector<hiconn::core::Metric> metrics;
    h.server.collect_metrics(metrics);
    REQUIRE(metrics.size() == 4);
    CHECK(metrics[0].name == "chat_clients");
    CHECK(metrics[0].value == 12);
    CHECK(metrics[1].value == 1);
    CHECK(metrics[2].name == "chat_messages_total");
    CHECK(metrics[2].value == 1);
    CHECK(metrics[3].name == "chat_deliveries_total");
    CHECK(metrics[3].value == 11);
}

TEST_CASE("messaging: remote deliveries are posted once per thread", "[chat][messaging]") {
    Harness h;
    auto& a = h.user("a", 0);
    std::vector<Harness::Peer*> users;
    for (int i = 0; i < 9; ++i) users.push_back(&h.user("b" + std::to_string(i), 1 + i % 3));
    h.send(a, "JOIN #p\r\n");
    for (auto* u : users) h.send(*u, "JOIN #p\r\n");
    h.server.on_data(*a.client, "PRIVMSG #p :x\r\n");  // without settle(): count the posts
    CHECK(h.posted.size() == 3);
    h.settle();
    for (auto* u : users) CHECK(count_containing(h.lines(*u), "PRIVMSG #p :x") == 1);
}

TEST_CASE("messaging: private messages, several targets, NOTICE", "[chat][messaging]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b", 1);
    auto& c = h.user("c", 2);
    h.send(c, "JOIN #c\r\n");
    h.lines(c);
    CHECK(h.exchange(a, "PRIVMSG B :hi b\r\n").empty());
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG b :hi b"});
    h.send(c, "MODE #c -n\r\n");
    h.lines(c);
    CHECK(h.exchange(a, "NOTICE b,#c :note\r\n").empty());
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 NOTICE b :note"});
    CHECK(h.lines(c) == std::vector<std::string>{":a!~a@127.0.0.1 NOTICE #c :note"});
}

TEST_CASE("messaging: 401, 404, 411, 412, and NOTICE never answers", "[chat][messaging]") {
    Harness h;
    auto& a = h.user("a");
    auto& op = h.user("op");
    h.send(op, "JOIN #n\r\n");
    CHECK(numerics(h.exchange(a, "PRIVMSG\r\n")) == std::vector<int>{411});
    CHECK(numerics(h.exchange(a, "PRIVMSG op\r\n")) == std::vector<int>{412});
    CHECK(numerics(h.exchange(a, "PRIVMSG op :\r\n")) == std::vector<int>{412});
    CHECK(numerics(h.exchange(a, "PRIVMSG ghost :x\r\n")) == std::vector<int>{401});
    CHECK(numerics(h.exchange(a, "PRIVMSG #ghost :x\r\n")) == std::vector<int>{401});
    CHECK(numerics(h.exchange(a, "PRIVMSG #n :x\r\n")) == std::vector<int>{404});  // +n
    CHECK(numerics(h.exchange(a, "PRIVMSG ghost,op :x\r\n")) == std::vector<int>{401});
    CHECK(h.exchange(a, "NOTICE ghost :x\r\nNOTICE #n :x\r\nNOTICE\r\nNOTICE op\r\n").empty());
}

TEST_CASE("messaging: +m lets only operators and voiced members speak", "[chat][messaging]") {
    Harness h;
    auto& op = h.user("op");
    auto& v = h.user("v");
    h.send(op, "JOIN #m\r\nMODE #m +m\r\n");
    h.send(v, "JOIN #m\r\n");
    h.lines(op);
    CHECK(numerics(h.exchange(v, "PRIVMSG #m :x\r\n")) == std::vector<int>{404});
    CHECK(h.lines(op).empty());
    h.send(op, "MODE #m +v v\r\n");
    h.lines(v);
    h.lines(op);
    CHECK(h.exchange(v, "PRIVMSG #m :now\r\n").empty());
    CHECK(h.lines(op) == std::vector<std::string>{":v!~v@127.0.0.1 PRIVMSG #m :now"});
}

TEST_CASE("messaging: PRIVMSG to an away user returns 301", "[chat][messaging]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(b, "AWAY :at lunch\r\n");
    auto out = h.exchange(a, "PRIVMSG b :hi\r\n");
    CHECK(out == std::vector<std::string>{":irc.test 301 a b :at lunch"});
}

TEST_CASE("messaging: QUIT is seen once by each peer", "[chat][messaging]") {
    Harness h;
    auto& q = h.user("q");
    auto& p1 = h.user("p1", 1);
    auto& p2 = h.user("p2", 2);
    auto& other = h.user("other");
    h.send(q, "JOIN #a,#b\r\n");
    h.send(p1, "JOIN #a,#b\r\n");
    h.send(p2, "JOIN #b\r\n");
    for (auto* p : {&q, &p1, &p2, &other}) h.lines(*p);
    auto out = h.exchange(q, "QUIT :gone fishing\r\n");
    CHECK(out == std::vector<std::string>{"ERROR :Closing Link: 127.0.0.1 (Quit: gone fishing)"});
    CHECK(q.record->closed);
    CHECK(h.lines(p1) == std::vector<std::string>{":q!~q@127.0.0.1 QUIT :Quit: gone fishing"});
    CHECK(h.lines(p2) == std::vector<std::string>{":q!~q@127.0.0.1 QUIT :Quit: gone fishing"});
    CHECK(h.lines(other).empty());
    CHECK(numerics(h.exchange(p1, "PRIVMSG q :x\r\n")) == std::vector<int>{401});
}

TEST_CASE("messaging: a dropped connection is a QUIT for the peers", "[chat][messaging]") {
    Harness h;
    auto& q = h.user("q");
    auto& p = h.user("p");
    h.send(q, "JOIN #a\r\n");
    h.send(p, "JOIN #a\r\n");
    h.lines(p);
    h.disconnect(q);
    CHECK(h.lines(p) == std::vector<std::string>{":q!~q@127.0.0.1 QUIT :Connection closed"});
    CHECK(h.server.client_count() == 1);
}
