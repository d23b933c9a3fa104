#include "core/accept_watermark.hpp"

#include <catch2/catch.hpp>

using hiconn::core::AcceptWatermark;

TEST_CASE("accept watermark starts at the low watermark", "[watermark]") {
    AcceptWatermark w(4, 64);
    CHECK(w.target() == 4);
}

TEST_CASE("accept watermark grows when every posted accept is consumed", "[watermark]") {
    AcceptWatermark w(4, 64);
    w.on_accepted(3);
    CHECK(w.target() == 4);
    w.on_accepted(0);
    CHECK(w.target() == 8);
    for (int i = 0; i < 10; ++i) w.on_accepted(0);
    CHECK(w.target() == 64);  // never past the high watermark
}

TEST_CASE("accept watermark grows when a tick sees a burst", "[watermark]") {
    AcceptWatermark w(2, 16);
    w.on_tick(2);
    CHECK(w.target() == 4);
    w.on_tick(100);
    CHECK(w.target() == 8);
}

TEST_CASE("accept watermark shrinks after a quiet second, not before", "[watermark]") {
    AcceptWatermark w(4, 64);
    for (int i = 0; i < 4; ++i) w.on_accepted(0);
    REQUIRE(w.target() == 64);
    for (std::uint32_t i = 0; i + 1 < AcceptWatermark::ticks_per_second; ++i) w.on_tick(0);
    CHECK(w.target() == 64);
    w.on_tick(0);
    CHECK(w.target() == 32);
    for (int i = 0; i < 100; ++i) w.on_tick(0);
    CHECK(w.target() == 4);  // never below the low watermark
}

TEST_CASE("accept watermark: steady moderate load neither grows nor shrinks", "[watermark]") {
    AcceptWatermark w(8, 64);
    for (int i = 0; i < 50; ++i) w.on_tick(4);  // half the target each tick
    CHECK(w.target() == 8);
}

TEST_CASE("accept watermark bounds can change at run time", "[watermark]") {
    AcceptWatermark w(4, 64);
    for (int i = 0; i < 5; ++i) w.on_accepted(0);
    w.set_bounds(2, 16);
    CHECK(w.target() == 16);
    w.set_bounds(32, 8);  // high below low: high follows low
    CHECK(w.low() == 32);
    CHECK(w.high() == 32);
    CHECK(w.target() == 32);
}
