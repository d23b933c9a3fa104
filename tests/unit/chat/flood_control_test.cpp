// FloodControl: the token bucket, and the two bounds of the delayed queue (lines and bytes).
#include "workloads/chat/flood_control.hpp"

#include <catch2/catch.hpp>

#include <string>

using hiconn::chat::FloodControl;

TEST_CASE("flood control: max_queued lines, then Excess Flood", "[chat][flood]") {
    FloodControl flood;
    const FloodControl::Limits limits{1, 1, 3};
    REQUIRE(flood.try_take(0, limits));
    REQUIRE_FALSE(flood.try_take(0, limits));
    for (int i = 0; i < 3; ++i) REQUIRE(flood.delay("PRIVMSG #a :x\r\n", limits));
    CHECK_FALSE(flood.delay("PRIVMSG #a :x\r\n", limits));
    CHECK(flood.delayed_count() == 4);
}

TEST_CASE("flood control: delayed bytes are bounded as for untagged lines", "[chat][flood]") {
    FloodControl flood;
    const FloodControl::Limits limits{1, 1, 4};  // 4 lines, 4 * 512 bytes
    const std::string tagged = "@+a=" + std::string(1500, 'x') + " PRIVMSG #a :x\r\n";
    REQUIRE(flood.delay(tagged, limits));       // ~1.5 KB
    CHECK_FALSE(flood.delay(tagged, limits));   // ~3 KB > 2 KB, though only 2 lines
}

TEST_CASE("flood control: released lines give their bytes back", "[chat][flood]") {
    FloodControl flood;
    const FloodControl::Limits limits{1, 1, 2};  // 1 KB
    const std::string line(600, 'x');
    REQUIRE(flood.delay(line, limits));
    CHECK(flood.pop_delayed() == line);
    CHECK_FALSE(flood.has_delayed());
    REQUIRE(flood.delay(line, limits));  // the budget is whole again
}
