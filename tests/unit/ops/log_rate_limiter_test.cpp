#include "core/log_rate_limiter.hpp"

#include <catch2/catch.hpp>

using hiconn::log::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("rate limiter: first occurrence written, repeats counted into the next line", "[ops][log]") {
    RateLimiter limiter(10s);
    const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
    auto d = limiter.on_event("accept", "accept failed: EMFILE", t0);
    CHECK(d.emit);
    CHECK(d.repeats == 1);
    for (int i = 1; i <= 1233; ++i) CHECK_FALSE(limiter.on_event("accept", "accept failed: EMFILE", t0 + 5ms * i).emit);
    // Another key is independent.
    CHECK(limiter.on_event("other", "x", t0 + 1s).emit);
    d = limiter.on_event("accept", "accept failed: EMFILE", t0 + 10s);
    CHECK(d.emit);
    CHECK(d.repeats == 1234);
    CHECK(d.span == 10s);
    CHECK(hiconn::log::with_repeat_suffix("accept failed: EMFILE", d.repeats, d.span) ==
          "accept failed: EMFILE (x1234 in the last 10 s)");
    // A new window started with that line.
    CHECK_FALSE(limiter.on_event("accept", "accept failed: EMFILE", t0 + 11s).emit);
}

TEST_CASE("rate limiter: a single occurrence has no suffix", "[ops][log]") {
    CHECK(hiconn::log::with_repeat_suffix("m", 1, 10s) == "m");
}

TEST_CASE("rate limiter: suppressed repeats are owed once the window ends", "[ops][log]") {
    RateLimiter limiter(10s);
    const auto t0 = RateLimiter::Clock::time_point{} + 50s;
    limiter.on_event("a", "first", t0, 4);
    limiter.on_event("a", "second", t0 + 1s, 4);
    limiter.on_event("a", "third", t0 + 2s, 4);
    limiter.on_event("b", "only once", t0);
    CHECK(limiter.take_expired(t0 + 9s).empty());  // window still open
    auto owed = limiter.take_expired(t0 + 10s);
    REQUIRE(owed.size() == 1);  // "b" had nothing suppressed
    CHECK(owed[0].key == "a");
    CHECK(owed[0].last_message == "third");
    CHECK(owed[0].suppressed == 2);
    CHECK(owed[0].tag == 4);
    CHECK(owed[0].span == 10s);
    CHECK(limiter.tracked_keys() == 0);  // both forgotten
    CHECK(limiter.take_expired(t0 + 30s).empty());
    // After the summary the next occurrence is written at once.
    CHECK(limiter.on_event("a", "again", t0 + 31s).emit);
}

TEST_CASE("rate limiter: keys beyond the cap are written, not remembered", "[ops][log]") {
    RateLimiter limiter(10s, 2);
    const auto t = RateLimiter::Clock::time_point{} + 5s;
    CHECK(limiter.on_event("1", "m", t).emit);
    CHECK(limiter.on_event("2", "m", t).emit);
    CHECK(limiter.on_event("3", "m", t).emit);
    CHECK(limiter.on_event("3", "m", t).emit);
    CHECK(limiter.tracked_keys() == 2);
    CHECK_FALSE(limiter.on_event("1", "m", t).emit);
}
