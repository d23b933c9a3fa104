#include "workloads/chat/line_framer.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using hiconn::chat::LineFramer;

namespace {
struct Collected {
    std::vector<std::string> lines;
    int too_long = 0;
};

LineFramer::Status feed(LineFramer& framer, std::string_view data, Collected& out) {
    return framer.feed(data, [&](LineFramer::Event event, std::string_view line) {
        if (event == LineFramer::Event::too_long) ++out.too_long;
        else out.lines.emplace_back(line);
        return true;
    });
}
}  // namespace

TEST_CASE("framer: CRLF and bare LF both end a line", "[chat][framer]") {
    LineFramer framer(4096);
    Collected c;
    CHECK(feed(framer, "NICK a\r\nUSER a 0 * :x\nPING 1\r\n", c) == LineFramer::Status::ok);
    REQUIRE(c.lines.size() == 3);
    CHECK(c.lines[0] == "NICK a\r");  // the CR is left to the parser
    CHECK(c.lines[1] == "USER a 0 * :x");
    CHECK(framer.pending_bytes() == 0);
}

TEST_CASE("framer: a line split over many reads", "[chat][framer]") {
    LineFramer framer(4096);
    Collected c;
    for (char ch : std::string("PRIVMSG #a :hello\r\n")) feed(framer, std::string_view(&ch, 1), c);
    REQUIRE(c.lines.size() == 1);
    CHECK(c.lines[0] == "PRIVMSG #a :hello\r");
}

TEST_CASE("framer: 512 bytes with CRLF pass, 513 are too long and dropped", "[chat][framer]") {
    LineFramer framer(4096);
    Collected c;
    std::string ok(510, 'a');
    feed(framer, ok + "\r\n", c);
    CHECK(c.lines.size() == 1);
    CHECK(c.too_long == 0);
    feed(framer, std::string(511, 'b') + "\r\n", c);
    CHECK(c.too_long == 1);
    CHECK(c.lines.size() == 1);
    feed(framer, "PING after\r\n", c);  // the stream stays in sync
    REQUIRE(c.lines.size() == 2);
    CHECK(c.lines[1] == "PING after\r");
}

TEST_CASE("framer: a 600-byte line arriving in pieces is too long once", "[chat][framer]") {
    LineFramer framer(4096);
    Collected c;
    std::string line = "PRIVMSG #a :" + std::string(600, 'x') + "\r\n";
    for (std::size_t i = 0; i < line.size(); i += 100) feed(framer, line.substr(i, 100), c);
    CHECK(c.too_long == 1);
    CHECK(c.lines.empty());
}

TEST_CASE("framer: no newline beyond max_partial overflows", "[chat][framer]") {
    LineFramer framer(1024);
    Collected c;
    CHECK(feed(framer, std::string(1000, 'x'), c) == LineFramer::Status::ok);
    CHECK(feed(framer, std::string(25, 'x'), c) == LineFramer::Status::overflow);
}

TEST_CASE("framer: the sink can stop the feed", "[chat][framer]") {
    LineFramer framer(4096);
    int calls = 0;
    auto status = framer.feed("QUIT\r\nPING x\r\n", [&](LineFramer::Event, std::string_view) {
        ++calls;
        return false;
    });
    CHECK(status == LineFramer::Status::stopped);
    CHECK(calls == 1);
}

TEST_CASE("framer: empty lines are delivered as empty", "[chat][framer]") {
    LineFramer framer(4096);
    Collected c;
    feed(framer, "\r\n\n", c);
    REQUIRE(c.lines.size() == 2);
    CHECK(c.lines[0] == "\r");
    CHECK(c.lines[1].empty());
}
