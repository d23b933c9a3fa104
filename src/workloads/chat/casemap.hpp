// rfc1459 casemapping (advertised as CASEMAPPING=rfc1459 in 005): A-Z and []\~ are the
// upper-case forms of a-z and {}|^ (RFC 1459 section 2.2, "Scandinavian origin").
// Nicks and channel names are compared through irc_lower().
#pragma once

#include <string>
#include <string_view>

namespace hiconn::chat {

/// One byte folded to its rfc1459 lower-case form.
constexpr char irc_lower(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    switch (c) {
    case '[': return '{';
    case ']': return '}';
    case '\\': return '|';
    case '~': return '^';
    default: return c;
    }
}

/// The folded key of a nick or channel name (used as the map key).
std::string irc_lower(std::string_view text);

/// Case-insensitive equality under rfc1459.
bool irc_equal(std::string_view a, std::string_view b) noexcept;

/// ASCII upper case (command names).
std::string ascii_upper(std::string_view text);

/// RFC 2812 2.3.1: nickname = ( letter / special ) *( letter / digit / special / "-" ),
/// at most `max_length` bytes.
bool valid_nick(std::string_view nick, std::size_t max_length) noexcept;

/// RFC 2812 1.3 (the "#" type only, CHANTYPES=#): "#" followed by bytes other than
/// NUL, BELL, CR, LF, space, comma and colon; at most `max_length` bytes.
bool valid_channel_name(std::string_view name, std::size_t max_length) noexcept;

}  // namespace hiconn::chat
