// Per-connection behaviour: PING/PONG, idle pings and the ping timeout, flood control,
// over-long lines, malformed input, SendQ.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;
using hiconn::core::CloseReason;

TEST_CASE("session: PING is answered with PONG", "[chat][session]") {
    Harness h;
    auto& a = h.user("a");
    CHECK(h.exchange(a, "PING :12345\r\n") == std::vector<std::string>{":irc.test PONG irc.test :12345"});
    CHECK(h.exchange(a, "PING irc.test\r\n") == std::vector<std::string>{":irc.test PONG irc.test :irc.test"});
    CHECK(numerics(h.exchange(a, "PING\r\n")) == std::vector<int>{461});
    CHECK(h.exchange(a, "PONG :x\r\n").empty());
}

TEST_CASE("session: an idle client is pinged and closed without an answer", "[chat][session]") {
    auto config = test_config();
    config.chat.ping_timeout_s = 30;
    Harness h(config);
    auto& a = h.user("a");
    auto& peer = h.user("peer");
    h.send(a, "JOIN #p\r\n");
    h.send(peer, "JOIN #p\r\n");
    h.lines(peer);
    h.lines(a);
    h.server.on_idle(*a.client);
    CHECK(h.lines(a) == std::vector<std::string>{"PING :irc.test"});
    CHECK(a.record->timer == 30);
    h.clock_ms += 10'000;
    h.server.on_timer(*a.client);  // early: still waiting
    CHECK_FALSE(a.record->closed);
    CHECK(a.record->timer == 20);
    h.clock_ms += 20'000;
    h.server.on_timer(*a.client);
    h.settle();
    CHECK(h.lines(a) == std::vector<std::string>{"ERROR :Closing Link: 127.0.0.1 (Ping timeout: 30 seconds)"});
    CHECK(a.record->closed);
    CHECK(a.record->reason == CloseReason::idle_timeout);
    CHECK(h.lines(peer) == std::vector<std::string>{":a!~a@127.0.0.1 QUIT :Ping timeout: 30 seconds"});
}

TEST_CASE("session: an answered PING keeps the client", "[chat][session]") {
    Harness h;
    auto& a = h.user("a");
    h.server.on_idle(*a.client);
    h.lines(a);
    h.send(a, "PONG :irc.test\r\n");
    h.clock_ms += 120'000;
    h.server.on_timer(*a.client);
    CHECK_FALSE(a.record->closed);
    CHECK(a.record->timer == -1);
}

TEST_CASE("session: flood control delays the excess, then releases it", "[chat][session]") {
    auto config = test_config();
    config.chat.flood.messages_per_second = 2;
    config.chat.flood.burst = 3;
    config.chat.flood.max_queued = 10;
    Harness h(config);
    auto& a = h.user("a");  // registration took 2 tokens, leaving 1
    h.clock_ms += 10'000;  // refilled to the burst
    std::string lines;
    for (int i = 0; i < 8; ++i) lines += "PING " + std::to_string(i) + "\r\n";
    auto out = h.exchange(a, lines);
    CHECK(out.size() == 3);  // the burst
    CHECK(a.record->timer == 1);
    h.clock_ms += 1000;
    h.server.on_timer(*a.client);
    CHECK(h.lines(a).size() == 2);  // two tokens a second
    h.clock_ms += 2000;
    h.server.on_timer(*a.client);
    out = h.lines(a);
    REQUIRE(out.size() == 3);
    CHECK(out.back() == ":irc.test PONG irc.test :7");  // in order, none lost
    CHECK(a.record->timer == -1);
}

TEST_CASE("session: far over the flood limit is an Excess Flood", "[chat][session]") {
    auto config = test_config();
    config.chat.flood.messages_per_second = 1;
    config.chat.flood.burst = 5;
    config.chat.flood.max_queued = 10;
    Harness h(config);
    auto& a = h.user("a");
    auto& peer = h.user("peer");
    h.send(a, "JOIN #f\r\n");
    h.send(peer, "JOIN #f\r\n");
    h.lines(peer);
    std::string flood;
    for (int i = 0; i < 40; ++i) flood += "PRIVMSG #f :spam\r\n";
    h.send(a, flood);
    auto out = h.lines(a);
    REQUIRE_FALSE(out.empty());
    CHECK(out.back() == "ERROR :Closing Link: 127.0.0.1 (Excess Flood)");
    CHECK(a.record->closed);
    auto seen = h.lines(peer);
    CHECK(seen.back() == ":a!~a@127.0.0.1 QUIT :Excess Flood");
    CHECK(count_containing(seen, "PRIVMSG #f :spam") <= 5);
}

TEST_CASE("session: a line over 512 bytes gets 417 and is dropped", "[chat][session]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(b, "JOIN #l\r\n");
    h.send(a, "JOIN #l\r\n");
    h.lines(b);
    auto out = h.exchange(a, "PRIVMSG #l :" + std::string(600, 'x') + "\r\nPRIVMSG #l :short\r\n");
    CHECK(out == std::vector<std::string>{":irc.test 417 a :Input line was too long"});
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG #l :short"});
    CHECK_FALSE(a.record->closed);
}

TEST_CASE("session: no newline within chat.max_line_bytes closes", "[chat][session]") {
    auto config = test_config();
    config.chat.max_line_bytes = 1024;
    Harness h(config);
    auto& a = h.user("a");
    h.send(a, std::string(800, 'x'));
    CHECK_FALSE(a.record->closed);
    h.send(a, std::string(800, 'x'));
    CHECK(h.lines(a) == std::vector<std::string>{"ERROR :Closing Link: 127.0.0.1 (Input line was too long)"});
    CHECK(a.record->closed);
}

TEST_CASE("session: malformed input never breaks the stream", "[chat][session]") {
    Harness h;
    auto& a = h.user("a");
    std::string nul_line = std::string("PRIVMSG a :x\0y", 14) + "\r\n";
    CHECK(h.exchange(a, "\r\n   \r\n\n" + nul_line).empty());
    CHECK(numerics(h.exchange(a, ":prefix-only\r\n")).empty());
    CHECK(numerics(h.exchange(a, "B@D x\r\n")) == std::vector<int>{421});
    CHECK(h.exchange(a, "PING bare-lf\n") == std::vector<std::string>{":irc.test PONG irc.test :bare-lf"});
    CHECK(h.exchange(a, ":a!x@y PING pfx\r\n") == std::vector<std::string>{":irc.test PONG irc.test :pfx"});
}

TEST_CASE("session: a full send queue closes with Max SendQ exceeded", "[chat][session]") {
    Harness h;
    auto& slow = h.user("slow");
    auto& peer = h.user("peer", 1);
    h.send(slow, "JOIN #q\r\n");
    h.send(peer, "JOIN #q\r\n");
    h.lines(peer);
    h.server.on_send_queue_full(*slow.client);
    h.settle();
    CHECK(h.lines(slow).back() == "ERROR :Closing Link: 127.0.0.1 (Max SendQ exceeded)");
    CHECK(slow.record->reason == CloseReason::send_queue_full);
    CHECK(h.lines(peer) == std::vector<std::string>{":slow!~slow@127.0.0.1 QUIT :Max SendQ exceeded"});
    // Messages to the channel keep flowing to the others, none to the closed one.
    auto& third = h.user("third");
    h.send(third, "JOIN #q\r\n");
    h.lines(peer);
    h.send(third, "PRIVMSG #q :still here\r\n");
    CHECK(h.lines(peer) == std::vector<std::string>{":third!~third@127.0.0.1 PRIVMSG #q :still here"});
}

TEST_CASE("session: reload replaces the MOTD and password", "[chat][session]") {
    Harness h;
    auto config = test_config();
    config.chat.motd = "new motd";
    h.server.reload(config);
    auto& a = h.user("a");
    CHECK(count_containing(h.exchange(a, "MOTD\r\n"), "372 a :- new motd") == 1);
}
