#include "core/send_queue.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <string>

using hiconn::core::make_shared_buffer;
using hiconn::core::SendQueue;

namespace {
/// The bytes the next gathered write would carry, in order.
std::string front(const SendQueue& q, std::size_t max = SendQueue::max_gather) {
    std::array<boost::asio::const_buffer, SendQueue::max_gather> buffers;
    const std::size_t n = q.gather(buffers.data(), max);
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out.append(static_cast<const char*>(buffers[i].data()), buffers[i].size());
    return out;
}
}  // namespace

TEST_CASE("SendQueue: empty holds nothing and gathers nothing", "[send_queue]") {
    SendQueue q;
    CHECK(q.empty());
    CHECK(q.bytes() == 0);
    CHECK(front(q).empty());
    q.consume(10);  // nothing to drop: no effect
    CHECK(q.empty());
}

TEST_CASE("SendQueue: push from an offset keeps only the unwritten part", "[send_queue]") {
    SendQueue q;
    q.push(make_shared_buffer("hello world"), 6);
    CHECK(q.bytes() == 5);
    CHECK(front(q) == "world");
    q.push(make_shared_buffer("abc"), 3);  // nothing left of it
    q.push(nullptr);
    CHECK(q.bytes() == 5);
}

TEST_CASE("SendQueue: gather keeps order and stops at max", "[send_queue]") {
    SendQueue q;
    for (char c = 'a'; c <= 'e'; ++c) q.push(make_shared_buffer(std::string(2, c)));
    CHECK(q.bytes() == 10);
    CHECK(front(q) == "aabbccddee");
    CHECK(front(q, 2) == "aabb");
}

TEST_CASE("SendQueue: consume drops whole and partial segments from the front", "[send_queue]") {
    SendQueue q;
    q.push(make_shared_buffer("abc"));
    q.push(make_shared_buffer("defg"));
    q.consume(2);
    CHECK(front(q) == "cdefg");
    q.consume(1);  // exactly the end of the first segment
    CHECK(front(q) == "defg");
    q.consume(3);
    CHECK(front(q) == "g");
    CHECK(q.bytes() == 1);
    q.consume(5);  // more than is left: clamps
    CHECK(q.empty());
    CHECK(front(q).empty());
}

TEST_CASE("SendQueue: a shared buffer is not copied and outlives its other owners", "[send_queue]") {
    auto buffer = make_shared_buffer("shared");
    SendQueue a, b;
    a.push(buffer);
    b.push(buffer, 3);
    CHECK(buffer.use_count() == 3);
    buffer.reset();
    CHECK(front(a) == "shared");
    CHECK(front(b) == "red");
    a.consume(6);
    CHECK(front(b) == "red");
}

TEST_CASE("SendQueue: a long-lived queue compacts and keeps its bytes right", "[send_queue]") {
    SendQueue q;
    std::string expected;
    // Many more segments than max_gather pass through without the queue ever emptying.
    for (int i = 0; i < 1000; ++i) {
        const std::string line = std::to_string(i) + ";";
        q.push(make_shared_buffer(line));
        expected += line;
        if (i % 3 == 2) {
            const std::size_t n = expected.size() / 2;
            q.consume(n);
            expected.erase(0, n);
        }
        REQUIRE(q.bytes() == expected.size());
    }
    std::string all;
    while (!q.empty()) {
        const std::string part = front(q);
        all += part;
        q.consume(part.size());
    }
    CHECK(all == expected);
}

TEST_CASE("SendQueue: clear reports what was dropped", "[send_queue]") {
    SendQueue q;
    q.push(make_shared_buffer("12345"));
    q.push(make_shared_buffer("678"), 1);
    CHECK(q.clear() == 7);
    CHECK(q.empty());
    CHECK(q.clear() == 0);
}
