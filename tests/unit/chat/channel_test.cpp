// JOIN, PART, TOPIC, NAMES, LIST, KICK, INVITE over the in-memory link.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("channel: JOIN creates the channel with its creator as operator", "[chat][channel]") {
    Harness h;
    auto& a = h.user("alice");
    auto out = h.exchange(a, "JOIN #Room\r\n");
    REQUIRE(out.size() == 3);
    CHECK(out[0] == ":alice!~alice@127.0.0.1 JOIN #Room");
    CHECK(out[1] == ":irc.test 353 alice = #Room :@alice");
    CHECK(out[2] == ":irc.test 366 alice #Room :End of NAMES list");
    auto& b = h.user("bob", 1);
    out = h.exchange(b, "JOIN #room\r\n");  // casemapped: the same channel
    CHECK(out[0] == ":bob!~bob@127.0.0.1 JOIN #Room");
    CHECK(h.lines(a) == std::vector<std::string>{":bob!~bob@127.0.0.1 JOIN #Room"});
    CHECK(count_containing(out, "353 bob = #Room :") == 1);
    CHECK(count_containing(out, "@alice") == 1);
    // Joining again is a no-op.
    CHECK(h.exchange(b, "JOIN #ROOM\r\n").empty());
}

TEST_CASE("channel: JOIN errors 403, 405, 461", "[chat][channel]") {
    auto config = test_config();
    config.chat.max_channels_per_client = 2;
    Harness h(config);
    auto& a = h.user("a");
    CHECK(numerics(h.exchange(a, "JOIN\r\n")) == std::vector<int>{461});
    CHECK(numerics(h.exchange(a, "JOIN nohash\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(a, "JOIN #a\a\r\n")) == std::vector<int>{403});
    h.send(a, "JOIN #1,#2\r\n");
    h.lines(a);
    CHECK(numerics(h.exchange(a, "JOIN #3\r\n")) == std::vector<int>{405});
}

TEST_CASE("channel: JOIN 0 parts every channel", "[chat][channel]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #1,#2\r\n");
    h.send(b, "JOIN #1\r\n");
    h.lines(b);
    auto out = h.exchange(a, "JOIN 0\r\n");
    CHECK(count_containing(out, " PART #") == 2);
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 PART #1 :Left all channels"});
}

TEST_CASE("channel: PART with and without reason; 403, 442", "[chat][channel]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b", 1);
    h.send(a, "JOIN #x\r\n");
    h.send(b, "JOIN #x\r\n");
    h.lines(a);
    CHECK(h.exchange(b, "PART #x :see you\r\n") == std::vector<std::string>{":b!~b@127.0.0.1 PART #x :see you"});
    CHECK(h.lines(a) == std::vector<std::string>{":b!~b@127.0.0.1 PART #x :see you"});
    CHECK(numerics(h.exchange(b, "PART #x\r\n")) == std::vector<int>{442});
    CHECK(numerics(h.exchange(b, "PART #nope\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(b, "PART\r\n")) == std::vector<int>{461});
    CHECK(h.exchange(a, "PART #x\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 PART #x"});
    // The channel is gone with its last member.
    CHECK(numerics(h.exchange(a, "TOPIC #x\r\n")) == std::vector<int>{403});
}

TEST_CASE("channel: TOPIC query, set, +t, clear", "[chat][channel]") {
    Harness h;
    h.clock_ms = 5;
    auto& op = h.user("op");
    auto& v = h.user("v", 1);
    h.send(op, "JOIN #t\r\n");
    h.send(v, "JOIN #t\r\n");
    h.lines(op);
    h.lines(v);
    CHECK(numerics(h.exchange(v, "TOPIC #t\r\n")) == std::vector<int>{331});
    CHECK(numerics(h.exchange(v, "TOPIC #t :mine\r\n")) == std::vector<int>{482});
    auto out = h.exchange(op, "TOPIC #t :Hello there\r\n");
    CHECK(out == std::vector<std::string>{":op!~op@127.0.0.1 TOPIC #t :Hello there"});
    CHECK(h.lines(v) == out);
    out = h.exchange(v, "TOPIC #t\r\n");
    REQUIRE(numerics(out) == std::vector<int>{332, 333});
    CHECK(out[0] == ":irc.test 332 v #t :Hello there");
    CHECK(out[1].rfind(":irc.test 333 v #t op!~op@127.0.0.1 ", 0) == 0);
    // A later joiner gets the topic before the names.
    auto& w = h.user("w");
    CHECK(numerics(h.exchange(w, "JOIN #t\r\n")) == std::vector<int>{332, 333, 353, 366});
    CHECK(numerics(h.exchange(w, "TOPIC #t :x\r\n")) == std::vector<int>{482});
    h.send(op, "MODE #t -t\r\n");
    h.lines(w);
    CHECK(h.exchange(w, "TOPIC #t :\r\n") == std::vector<std::string>{":w!~w@127.0.0.1 TOPIC #t :"});
    CHECK(numerics(h.exchange(w, "TOPIC #t\r\n")) == std::vector<int>{331});
    auto& outsider = h.user("out");
    CHECK(numerics(h.exchange(outsider, "TOPIC #t :x\r\n")) == std::vector<int>{442});
    CHECK(numerics(h.exchange(outsider, "TOPIC #none\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(outsider, "TOPIC\r\n")) == std::vector<int>{461});
}

TEST_CASE("channel: NAMES and LIST", "[chat][channel]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #pub\r\nTOPIC #pub :the topic\r\nJOIN #sec\r\nMODE #sec +s\r\n");
    h.send(b, "JOIN #pub\r\n");
    h.lines(b);
    auto out = h.exchange(b, "NAMES #pub\r\n");
    REQUIRE(numerics(out) == std::vector<int>{353, 366});
    std::string names = out[0].substr(out[0].find(" :") + 2);
    CHECK((names == "@a b" || names == "b @a"));
    CHECK(numerics(h.exchange(b, "NAMES #sec\r\n")) == std::vector<int>{366});  // secret: hidden
    CHECK(numerics(h.exchange(b, "NAMES\r\n")) == std::vector<int>{353, 366, 366});
    out = h.exchange(b, "LIST\r\n");
    CHECK(numerics(out) == std::vector<int>{321, 322, 323});
    CHECK(count_containing(out, "322 b #pub 2 :the topic") == 1);
    out = h.exchange(a, "LIST #sec,#pub\r\n");
    CHECK(numerics(out) == std::vector<int>{321, 322, 322, 323});
}

TEST_CASE("channel: NAMES of a big channel is split to fit 512 bytes", "[chat][channel]") {
    Harness h;
    std::vector<Harness::Peer*> users;
    for (int i = 0; i < 120; ++i) {
        auto& u = h.user("user" + std::to_string(i) + std::string(20, 'x'));
        h.send(u, "JOIN #big\r\n");
        users.push_back(&u);
    }
    h.lines(*users[0]);
    auto out = h.exchange(*users[0], "NAMES #big\r\n");
    std::size_t names = 0;
    for (const auto& line : out) {
        CHECK(line.size() + 2 <= 512);
        if (numeric_of(line) == 353) names += std::count(line.begin(), line.end(), ' ') - 4;
    }
    CHECK(names == 120);
    CHECK(numerics(out).back() == 366);
}

TEST_CASE("channel: KICK by an operator; 482, 441, 442, 401, 403", "[chat][channel]") {
    Harness h;
    auto& op = h.user("op");
    auto& v = h.user("victim", 1);
    auto& o = h.user("other", 2);
    h.send(op, "JOIN #k\r\n");
    h.send(v, "JOIN #k\r\n");
    h.send(o, "JOIN #k\r\n");
    for (auto* p : {&op, &v, &o}) h.lines(*p);
    CHECK(numerics(h.exchange(v, "KICK #k other\r\n")) == std::vector<int>{482});
    auto out = h.exchange(op, "KICK #k victim :bye now\r\n");
    CHECK(out == std::vector<std::string>{":op!~op@127.0.0.1 KICK #k victim :bye now"});
    CHECK(h.lines(v) == out);
    CHECK(h.lines(o) == out);
    CHECK(numerics(h.exchange(v, "PRIVMSG #k :hi\r\n")) == std::vector<int>{404});  // +n: no longer in
    CHECK(numerics(h.exchange(op, "KICK #k victim\r\n")) == std::vector<int>{441});
    CHECK(numerics(h.exchange(op, "KICK #k nobody\r\n")) == std::vector<int>{401});
    CHECK(numerics(h.exchange(v, "KICK #k other\r\n")) == std::vector<int>{442});
    CHECK(numerics(h.exchange(op, "KICK #none other\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(op, "KICK #k\r\n")) == std::vector<int>{461});
    CHECK(h.exchange(op, "KICK #k other\r\n") == std::vector<std::string>{":op!~op@127.0.0.1 KICK #k other :op"});
}

TEST_CASE("channel: +i with INVITE; 473, 341, 443, 442, 482", "[chat][channel]") {
    Harness h;
    auto& op = h.user("op");
    auto& guest = h.user("guest", 1);
    auto& member = h.user("member");
    h.send(op, "JOIN #inv\r\n");
    h.send(member, "JOIN #inv\r\n");
    h.send(op, "MODE #inv +i\r\n");
    h.lines(op);
    h.lines(member);
    CHECK(numerics(h.exchange(guest, "JOIN #inv\r\n")) == std::vector<int>{473});
    CHECK(numerics(h.exchange(member, "INVITE guest #inv\r\n")) == std::vector<int>{482});
    CHECK(numerics(h.exchange(guest, "INVITE op #inv\r\n")) == std::vector<int>{442});
    CHECK(numerics(h.exchange(op, "INVITE member #inv\r\n")) == std::vector<int>{443});
    CHECK(numerics(h.exchange(op, "INVITE ghost #inv\r\n")) == std::vector<int>{401});
    // A channel not created yet: delivered (Modern IRC); not a channel name: 403.
    CHECK(numerics(h.exchange(op, "INVITE guest #nochan\r\n")) == std::vector<int>{341});
    CHECK(h.lines(guest) == std::vector<std::string>{":op!~op@127.0.0.1 INVITE guest :#nochan"});
    CHECK(numerics(h.exchange(op, "INVITE guest nochan\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(op, "INVITE guest\r\n")) == std::vector<int>{461});
    auto out = h.exchange(op, "INVITE guest #inv\r\n");
    CHECK(out == std::vector<std::string>{":irc.test 341 op guest #inv"});
    CHECK(h.lines(guest) == std::vector<std::string>{":op!~op@127.0.0.1 INVITE guest :#inv"});
    CHECK(numerics(h.exchange(guest, "JOIN #inv\r\n")) == std::vector<int>{353, 366});
}

TEST_CASE("channel: +k and +l on JOIN: 475, 471", "[chat][channel]") {
    Harness h;
    auto& op = h.user("op");
    auto& x = h.user("x");
    auto& y = h.user("y");
    h.send(op, "JOIN #kl\r\nMODE #kl +kl pw 2\r\n");
    CHECK(numerics(h.exchange(x, "JOIN #kl\r\n")) == std::vector<int>{475});
    CHECK(numerics(h.exchange(x, "JOIN #kl wrong\r\n")) == std::vector<int>{475});
    CHECK(numerics(h.exchange(x, "JOIN #kl pw\r\n")) == std::vector<int>{353, 366});
    CHECK(numerics(h.exchange(y, "JOIN #kl pw\r\n")) == std::vector<int>{471});
}
