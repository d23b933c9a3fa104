#include "core/operation_limiter.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using hiconn::core::OperationLimiter;

TEST_CASE("limiter hands out at most its capacity", "[limiter]") {
    OperationLimiter limiter(2);
    CHECK(limiter.try_acquire());
    CHECK(limiter.try_acquire());
    CHECK_FALSE(limiter.try_acquire());
    CHECK(limiter.in_use() == 2);
    limiter.release();
    CHECK(limiter.try_acquire());
}

TEST_CASE("limiter serves waiters first in, first out", "[limiter]") {
    OperationLimiter limiter(1);
    REQUIRE(limiter.try_acquire());
    std::vector<int> order;
    for (int i = 0; i < 3; ++i) limiter.wait([&order, i] { order.push_back(i); });
    CHECK(limiter.waiting() == 3);
    CHECK(order.empty());
    // Nobody may overtake the queue, even when a slot is momentarily free.
    limiter.release();
    CHECK(order == std::vector<int>{0});
    CHECK_FALSE(limiter.try_acquire());
    limiter.release();
    limiter.release();
    CHECK(order == std::vector<int>{0, 1, 2});
    CHECK(limiter.in_use() == 1);
    limiter.release();
    CHECK(limiter.in_use() == 0);
}

TEST_CASE("limiter wait takes a free slot at once", "[limiter]") {
    OperationLimiter limiter(1);
    bool granted = false;
    limiter.wait([&] { granted = true; });
    CHECK(granted);
    CHECK(limiter.in_use() == 1);
}

TEST_CASE("limiter capacity change serves waiters and sheds slots", "[limiter]") {
    OperationLimiter limiter(1);
    REQUIRE(limiter.try_acquire());
    int granted = 0;
    limiter.wait([&] { ++granted; });
    limiter.wait([&] { ++granted; });
    limiter.set_capacity(3);
    CHECK(granted == 2);
    CHECK(limiter.in_use() == 3);
    limiter.set_capacity(1);
    limiter.release();
    limiter.release();
    CHECK(limiter.in_use() == 1);
    CHECK_FALSE(limiter.try_acquire());
}

TEST_CASE("limiter never exceeds its capacity under threads", "[limiter]") {
    OperationLimiter limiter(3);
    std::atomic<int> inside{0};
    std::atomic<int> peak{0};
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                if (!limiter.try_acquire()) continue;
                const int now = ++inside;
                int p = peak.load();
                while (now > p && !peak.compare_exchange_weak(p, now)) {
                }
                --inside;
                limiter.release();
                ++done;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(peak.load() <= 3);
    CHECK(done.load() > 0);
    CHECK(limiter.in_use() == 0);
}
