// The one table that describes every config key: its JSON path (which is also its C++ member
// path), type, allowed values and meaning. The loader, to_json_text(), the error messages,
// the JSON Schema and the key reference in docs/config.md are all derived from it, so they
// cannot drift apart. Defaults are not repeated here: they are read from a default-constructed
// Config, i.e. from the initialisers in config.hpp.
//
// Adding a key: add the member to config.hpp, one line here, then regenerate the schema and the
// docs table (`hiconn_unit_tests "[regenerate]"`); the unit tests fail until you do.
#pragma once

#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hiconn::config::detail {

/// ordered_json keeps keys in table order, so printed configs and the schema read naturally.
using Json = nlohmann::ordered_json;

enum class Type { integer, string, string_list, boolean };

/// Syntax a string (or each item of a string list) must have.
enum class Format {
    any,
    name,            ///< a letter or digit, then letters, digits, '.', '_', '-'
    ip_address,      ///< numeric IPv4 or IPv6
    listen_address,  ///< "IPv4:PORT", "[IPv6]:PORT", "*:PORT"
    redis_address,   ///< "IPv4:PORT", "[IPv6]:PORT", port 1..65535: a server to connect to
    printable,       ///< printable ASCII, no spaces (Redis key prefix)
    ip_network,      ///< numeric IPv4 or IPv6, optionally "/BITS" (a CIDR block)
};

struct Field {
    std::string path;         ///< dotted JSON path, e.g. "limits.max_connections"
    Type type = Type::string;
    std::string description;  ///< one sentence or two; ends with a period
    std::uint64_t minimum = 0;              ///< integer
    std::uint64_t maximum = 0;              ///< integer
    std::vector<std::string> choices;       ///< string: allowed values ("" list = any)
    Format format = Format::any;            ///< string, string_list items
    std::size_t min_length = 0;             ///< string: in code points
    std::size_t max_length = 0;             ///< string: in code points; 0 = unlimited
    std::size_t min_items = 0;              ///< string_list; items must also be unique
    std::function<Json(const Config&)> get;
    /// Stores an already validated value (integers arrive as unsigned).
    std::function<void(Config&, const Json&)> set;
};

/// An object in the document. Sections are listed only for their descriptions and, for an
/// optional one, how its presence maps to the Config.
struct Section {
    std::string path;  ///< "" = the document itself
    std::string description;
    /// Optional section (stats.http): absent or null = off; printed as null when off.
    std::function<bool(const Config&)> present;
    std::function<void(Config&, bool)> set_present;
};

/// `path` must compare as `op` ("<", "<=", ">" or ">=") against `other`; reported at `path`.
struct OrderRule {
    std::string path;
    std::string op;
    std::string other;
};

/// Two strings that must not both be non-empty; reported at `second`.
struct ExclusiveRule {
    std::string first;
    std::string second;
};

/// An optional section that may be on only while a choice key has one value (federation
/// needs workload "chat"); reported at `section`.
struct OnlyWithRule {
    std::string section;
    std::string field;
    std::string value;
    std::string reason;  ///< for the message, e.g. "only the chat workload federates"
};

/// A default that differs for one workload (chat batches its writes; echo writes at once).
/// Applies when the key is absent from the document; stated in the key's description.
struct WorkloadDefault {
    std::string workload;
    std::string path;
    Json value;
};

const std::vector<Field>& fields();
const std::vector<WorkloadDefault>& workload_defaults();
/// Config{} with the workload's own defaults applied (an unknown workload: Config{}).
Config defaults_for(const std::string& workload);
const std::vector<Section>& sections();
const std::vector<OrderRule>& order_rules();
const std::vector<ExclusiveRule>& exclusive_rules();
const std::vector<OnlyWithRule>& only_with_rules();

const Field* find_field(const std::string& path);
const Section* find_section(const std::string& path);
/// Keys directly inside a section, in table order ("" = top level).
std::vector<std::string> child_keys(const std::string& section_path);
std::string join_path(const std::string& parent, const std::string& key);
std::string parent_path(const std::string& path);

/// "an integer 1..10000000", "one of \"pause\", \"reject\"", ...
std::string expected_text(const Field& field);
/// Schema "pattern" for a format ("" for Format::any).
const std::string& format_pattern(Format format);
/// Human description of a format, e.g. "a numeric IPv4 or IPv6 address".
std::string format_text(Format format);

}  // namespace hiconn::config::detail
