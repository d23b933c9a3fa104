// hiconn-load's pacing (launch_budget: how many connection attempts one tick may start) and
// the Launcher that applies it on an I/O pool.
#include "tools/load/launcher.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using hiconn::load::launch_budget;

TEST_CASE("pacing: unpaced, bounded by what is left and by the concurrency", "[load][pacing]") {
    // total, launched, settled, rate, since_s, concurrency
    CHECK(launch_budget(100, 0, 0, 0, 0, 1000) == 100);
    CHECK(launch_budget(100, 0, 0, 0, 0, 10) == 10);
    CHECK(launch_budget(100, 10, 0, 0, 5, 10) == 0);   // 10 in flight: none more
    CHECK(launch_budget(100, 10, 4, 0, 5, 10) == 4);   // 4 settled: 4 more
    CHECK(launch_budget(100, 95, 95, 0, 5, 10) == 5);  // only 5 left
    CHECK(launch_budget(100, 100, 50, 0, 5, 10) == 0); // all launched
    CHECK(launch_budget(1000000, 0, 0, 0, 0, 1000000) == 4096);  // a tick stays short
    CHECK(launch_budget(1000000, 0, 0, 0, 0, 1000000, 10) == 10);
}

TEST_CASE("pacing: at a rate, attempt n is due n / rate seconds after the first", "[load][pacing]") {
    // 100/s: at t = 0 the first one, at 0.5 s 51 in all, at 10 s all 1000 but 1001st.
    CHECK(launch_budget(1000, 0, 0, 100, 0.0, 1000) == 1);
    CHECK(launch_budget(1000, 1, 1, 100, 0.0, 1000) == 0);
    CHECK(launch_budget(1000, 1, 1, 100, 0.5, 1000) == 50);
    CHECK(launch_budget(1000, 51, 51, 100, 0.5, 1000) == 0);
    CHECK(launch_budget(1000, 51, 51, 100, 0.509, 1000) == 0);
    CHECK(launch_budget(1000, 51, 51, 100, 0.515, 1000) == 1);
    CHECK(launch_budget(1000, 0, 0, 100, 10.0, 1000) == 1000);
    CHECK(launch_budget(1000, 0, 0, 100, 10.0, 30) == 30);   // the concurrency still caps
    // Behind schedule (a slow tick): catches up at once, within the other bounds.
    CHECK(launch_budget(1000, 10, 10, 100, 2.0, 1000) == 191);
    // A fractional rate: one every 4 s.
    CHECK(launch_budget(10, 1, 1, 0.25, 3.9, 10) == 0);
    CHECK(launch_budget(10, 1, 1, 0.25, 4.0, 10) == 1);
}

namespace {
template <class F>
bool eventually(F f) {
    for (int i = 0; i < 2000; ++i) {
        if (f()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return f();
}
}  // namespace

TEST_CASE("launcher: every attempt once, spread over the pool's contexts", "[load][pacing]") {
    hiconn::core::IoPool pool(2);
    std::mutex mutex;
    std::set<std::uint64_t> seen;
    bool right_context = true;
    hiconn::load::Launcher* self = nullptr;
    hiconn::load::Launcher launcher(pool, 25, 0, 4, [&](std::uint64_t index, boost::asio::io_context& io) {
        std::lock_guard<std::mutex> lock(mutex);
        seen.insert(index);
        right_context = right_context && &io == &pool.context(index % pool.size());
        self->settle();
    });
    self = &launcher;
    pool.start();
    launcher.start();
    REQUIRE(eventually([&] { return launcher.done(); }));
    pool.stop();
    CHECK(launcher.launched() == 25);
    CHECK(seen.size() == 25);
    CHECK(*seen.rbegin() == 24);
    CHECK(right_context);
    CHECK(launcher.stop_reason().empty());
}

TEST_CASE("launcher: at most `concurrency` unsettled; stop() keeps the first reason", "[load][pacing]") {
    hiconn::core::IoPool pool(1);
    std::atomic<std::uint64_t> calls{0};
    hiconn::load::Launcher launcher(pool, 100, 0, 3, [&](std::uint64_t, boost::asio::io_context&) { ++calls; });
    pool.start();
    launcher.start();
    REQUIRE(eventually([&] { return calls.load() == 3; }));
    CHECK(launcher.launched() == 3);  // nothing settles: no fourth attempt
    CHECK_FALSE(launcher.done());
    launcher.settle();  // room for one more
    REQUIRE(eventually([&] { return calls.load() == 4; }));
    CHECK(launcher.launched() == 4);
    launcher.stop("EMFILE");
    launcher.stop("ECONNREFUSED");
    CHECK(launcher.stop_reason() == "EMFILE");
    CHECK_FALSE(launcher.done());  // 3 attempts still unsettled
    for (int i = 0; i < 3; ++i) launcher.settle();
    CHECK(launcher.done());
    pool.stop();
    CHECK(calls.load() == 4);
}
