// The frame every federation event travels in on the network's Redis channel: a JSON object
// {"n": node, "i": incarnation, "s": sequence, "t": type, ...the event's own fields}; the
// keys n, i, s and t are the frame's: an event's own fields use other names.
// What arrives from Redis is untrusted: decode() checks the frame and never throws.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hiconn::federation {

using Json = nlohmann::json;

/// The type of a node's whole state (the answer to "hello" and "resync").
constexpr std::string_view state_type = "state";

struct Envelope {
    std::string node;         ///< the sender's chat.server_name
    std::string incarnation;  ///< random per process start (letters and digits): a restart is a new one
    std::uint64_t seq = 0;    ///< per incarnation, from 1, +1 per event
    std::string type;         ///< "hb", "hello", "bye", "resync", or a workload event
    Json body;                ///< the whole object (the workload reads its own fields)
};

/// Largest payload accepted from Redis (a burst of 12,500 users is ~2 MB).
constexpr std::size_t max_payload_bytes = 32 * 1024 * 1024;

/// Deepest nesting of arrays and objects accepted. Events are a few levels deep; deeper is
/// garbage, and 100,000 levels took a sanitizer build seconds to parse, long enough for the
/// node's I/O thread to miss its heartbeat.
constexpr std::size_t max_payload_depth = 32;

/// The frame, or nullopt with `error` set (not JSON, not an object, a field missing or of
/// the wrong type, a name that is not a node name, too large, nested too deep).
std::optional<Envelope> decode(std::string_view payload, std::string& error);

/// `body` (an object) with the frame's fields set, as compact JSON.
std::string encode(Json body, const std::string& node, const std::string& incarnation,
                   std::uint64_t seq, std::string_view type);

/// A node name as chat.server_name allows it: [A-Za-z0-9][A-Za-z0-9._-]{0,62}.
bool valid_node_name(std::string_view name);

}  // namespace hiconn::federation
