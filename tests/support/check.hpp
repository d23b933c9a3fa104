// The checks of the shared test support (tests/support/*.hpp). The unit tests include
// these headers through their Catch2 wrappers, which define the macros as REQUIRE / CHECK
// first; elsewhere (the fuzz targets) a failed check prints and aborts, so libFuzzer
// reports it as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

#ifndef HICONN_SUPPORT_REQUIRE
#define HICONN_SUPPORT_REQUIRE(cond)                                                              \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
            std::abort();                                                                         \
        }                                                                                         \
    } while (0)
#endif

/// A soft check with a description (Catch2: INFO(what); CHECK(cond)). Default: a no-op.
#ifndef HICONN_SUPPORT_CHECK
#define HICONN_SUPPORT_CHECK(cond, what) ((void)(cond))
#endif
