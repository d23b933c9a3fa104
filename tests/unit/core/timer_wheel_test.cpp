#include "core/timer_wheel.hpp"

#include <catch2/catch.hpp>

#include <vector>

using hiconn::core::TimerWheel;
using hiconn::core::WheelNode;

namespace {
std::vector<WheelNode*> advance(TimerWheel& wheel) {
    std::vector<WheelNode*> fired;
    wheel.advance([&](WheelNode& n) { fired.push_back(&n); });
    return fired;
}
}  // namespace

TEST_CASE("timer wheel fires a node at its deadline tick", "[timer]") {
    TimerWheel wheel(8);
    WheelNode a;
    wheel.schedule(a, wheel.now() + 3);
    CHECK(advance(wheel).empty());
    CHECK(advance(wheel).empty());
    CHECK(advance(wheel) == std::vector<WheelNode*>{&a});
    CHECK_FALSE(a.scheduled());
    CHECK(wheel.size() == 0);
}

TEST_CASE("timer wheel handles deadlines beyond one revolution", "[timer]") {
    TimerWheel wheel(4);
    WheelNode a;
    const auto deadline = wheel.now() + 10;
    wheel.schedule(a, deadline);
    for (int i = 0; i < 9; ++i) CHECK(advance(wheel).empty());
    CHECK(wheel.now() == deadline - 1);
    CHECK(advance(wheel).size() == 1);
}

TEST_CASE("timer wheel cancel and reschedule", "[timer]") {
    TimerWheel wheel(8);
    WheelNode a, b;
    wheel.schedule(a, wheel.now() + 1);
    wheel.schedule(b, wheel.now() + 1);
    wheel.cancel(a);
    wheel.schedule(b, wheel.now() + 2);  // moved later
    CHECK(wheel.size() == 1);
    CHECK(advance(wheel).empty());
    CHECK(advance(wheel) == std::vector<WheelNode*>{&b});
    wheel.cancel(b);  // cancelling an unscheduled node is harmless
    CHECK(wheel.size() == 0);
}

TEST_CASE("timer wheel clamps past deadlines to the next tick", "[timer]") {
    TimerWheel wheel(8);
    WheelNode a;
    wheel.schedule(a, 0);
    CHECK(advance(wheel).size() == 1);
}

TEST_CASE("timer wheel callbacks may reschedule into the slot being fired", "[timer]") {
    TimerWheel wheel(2);
    WheelNode a;
    wheel.schedule(a, wheel.now() + 1);
    int fired = 0;
    for (int i = 0; i < 6; ++i)
        wheel.advance([&](WheelNode& n) {
            ++fired;
            wheel.schedule(n, wheel.now() + 2);  // same slot with 2 slots
        });
    CHECK(fired == 3);
}

TEST_CASE("timer wheel: many nodes, each fires exactly once", "[timer]") {
    TimerWheel wheel(16);
    std::vector<WheelNode> nodes(1000);
    for (std::size_t i = 0; i < nodes.size(); ++i) wheel.schedule(nodes[i], wheel.now() + 1 + i % 50);
    std::size_t fired = 0;
    for (int t = 0; t < 60; ++t) wheel.advance([&](WheelNode&) { ++fired; });
    CHECK(fired == nodes.size());
    CHECK(wheel.size() == 0);
}
