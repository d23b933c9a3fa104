// The chat test harness (tests/support/chat_harness.hpp) with Catch2's checks.
#pragma once

#include <catch2/catch.hpp>

#define HICONN_SUPPORT_REQUIRE(cond) REQUIRE(cond)
#define HICONN_SUPPORT_CHECK(cond, what) \
    do {                                \
        INFO(what);                     \
        CHECK(cond);                    \
    } while (0)

#include "support/chat_harness.hpp"
