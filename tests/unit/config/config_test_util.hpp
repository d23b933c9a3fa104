// Helpers shared by the config unit tests.
#pragma once

#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace hiconn::config::test {

/// The ConfigError that loading `text` (as file "test.json") with `overrides` throws; fails
/// the test when it loads.
inline ConfigError error_of(const std::string& text, const std::vector<std::string>& overrides = {})
{
    try {
        from_json_text(text, "test.json", overrides);
    } catch (const ConfigError& e) {
        return e;
    }
    FAIL("expected a ConfigError for " << text);
    throw;  // unreachable: FAIL throws
}

inline Config load(const std::string& text, const std::vector<std::string>& overrides = {})
{
    return from_json_text(text, "test.json", overrides);
}

}  // namespace hiconn::config::test
