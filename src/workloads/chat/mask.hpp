// IRC wildcard masks (RFC 2812 2.5: "*" matches any run of bytes, "?" exactly one),
// compared under rfc1459 casemapping: WHO masks, and the nick!user@host masks of ban lists.
#pragma once

#include <string>
#include <string_view>

namespace hiconn::chat {

/// Whether `text` matches the wildcard `mask` ("*" any run, "?" one byte; no escapes),
/// byte for byte under rfc1459 casemapping. Linear in practice: one backtrack point.
bool mask_match(std::string_view mask, std::string_view text) noexcept;

/// A ban-style mask in full nick!user@host form: "nick" -> "nick!*@*", "user@host" ->
/// "*!user@host", "nick!user" -> "nick!user@*", an empty part -> "*".
std::string full_mask(std::string_view mask);

/// Whether `mask` holds a wildcard ("*" or "?").
bool has_wildcard(std::string_view mask) noexcept;

}  // namespace hiconn::chat
