// Reading the fields of a chat event from another node. Its JSON came through Redis and is
// untrusted: every accessor checks type and size and returns nullptr/nullopt instead of
// throwing, and text that would break an IRC line (CR, LF, NUL) is refused.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace hiconn::chat::event_fields {

using Json = nlohmann::json;

/// Longest text field (a PRIVMSG body, a topic, a quit reason) that fits an IRC line.
constexpr std::size_t max_text = 510;

/// A string of at most `max` bytes without CR, LF or NUL (empty allowed).
const std::string* text(const Json& body, const char* key, std::size_t max = max_text);
/// Like text(), non-empty and without spaces (user names, hosts, mode strings).
const std::string* word(const Json& body, const char* key, std::size_t max = 64);
/// An unsigned integer.
std::optional<std::uint64_t> number(const Json& body, const char* key);
/// A boolean; absent = false; of another type = nullopt (the event does not fit).
std::optional<bool> flag(const Json& body, const char* key);
/// An array, or nullptr.
const Json* array(const Json& body, const char* key);

}  // namespace hiconn::chat::event_fields
