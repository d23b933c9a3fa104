// Internal steps of loading a config: text -> JSON document -> overrides applied -> Config,
// and back (Config -> document). Each step throws ConfigError naming the file and JSON path.
#pragma once

#include "config/config_fields.hpp"

#include <string>
#include <vector>

namespace hiconn::config::detail {

/// Strict JSON: no comments, no trailing commas, no repeated key in an object.
Json parse_document(const std::string& text, const std::string& file);

/// Applies "path=value" overrides to `doc`; returns the paths written, in order.
std::vector<std::string> apply_overrides(Json& doc, const std::vector<std::string>& overrides,
                                         const std::string& file);

/// Validates `doc` against the field table. An error at (or under) an overridden path is
/// reported with "--set PATH" as its file, since that is where the value came from.
Config read_document(const Json& doc, const std::string& file,
                     const std::vector<std::string>& overridden);

/// Every key with its effective value; an optional section that is off is null.
Json write_document(const Config& config);

/// A short rendering of a value for "got ..." (JSON text, truncated).
std::string describe_value(const Json& value);

/// "unknown key (did you mean ...? known keys: a, b, c)" for `key` inside `section_path`.
std::string unknown_key_message(const std::string& section_path, const std::string& key);

}  // namespace hiconn::config::detail
