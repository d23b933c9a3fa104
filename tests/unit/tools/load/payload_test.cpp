// hiconn-load's echo payload: a prime-length pattern stored twice; each connection's stream
// starts at its own offset, and count_mismatches compares received bytes with it.
#include "tools/load/payload.hpp"

#include <catch2/catch.hpp>

#include <vector>

namespace payload = hiconn::load::payload;

namespace {
std::vector<unsigned char> stream(std::uint64_t start, std::uint64_t offset, std::size_t n) {
    std::vector<unsigned char> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = payload::pattern()[payload::position(start, offset + i)];
    return out;
}
}  // namespace

TEST_CASE("payload: the pattern is stored twice, so every slice is contiguous", "[load][payload]") {
    const unsigned char* p = payload::pattern();
    for (std::size_t i = 0; i < payload::period; i += 97) CHECK(p[i] == p[i + payload::period]);
    CHECK(p == payload::pattern());  // built once
    // Not a constant run: a moved byte must be visible.
    std::size_t distinct_neighbours = 0;
    for (std::size_t i = 1; i < 1000; ++i) distinct_neighbours += p[i] != p[i - 1];
    CHECK(distinct_neighbours > 900);
}

TEST_CASE("payload: position wraps at the period", "[load][payload]") {
    CHECK(payload::position(0, 0) == 0);
    CHECK(payload::position(5, 10) == 15);
    CHECK(payload::position(payload::period - 1, 1) == 0);
    CHECK(payload::position(3, 2 * payload::period) == 3);
}

TEST_CASE("payload: the right bytes match, others are counted", "[load][payload]") {
    const std::uint64_t start = 12345;
    for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{777}, std::uint64_t{payload::period - 10}}) {
        auto bytes = stream(start, offset, 3000);
        CHECK(payload::count_mismatches(bytes.data(), bytes.size(), start, offset) == 0);
        bytes[0] ^= 1;
        bytes[1500] ^= 0x80;
        bytes[2999] = static_cast<unsigned char>(~bytes[2999]);
        CHECK(payload::count_mismatches(bytes.data(), bytes.size(), start, offset) == 3);
    }
    // Another connection's bytes (another start), or the right bytes one position late.
    const auto other = stream(start + 1, 0, 1000);
    CHECK(payload::count_mismatches(other.data(), other.size(), start, 0) > 900);
    CHECK(payload::count_mismatches(other.data(), other.size(), start, 1) == 0);
}

TEST_CASE("payload: a stream longer than the period", "[load][payload]") {
    const auto bytes = stream(9, 100, 3 * payload::period + 17);
    CHECK(payload::count_mismatches(bytes.data(), bytes.size(), 9, 100) == 0);
    CHECK(payload::count_mismatches(bytes.data(), 0, 9, 100) == 0);
}
