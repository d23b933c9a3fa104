// The IRC message parser (RFC 2812 2.3.1), apart from framing and command handling:
//   message = [ ":" prefix SPACE ] command [ params ]
//   params  = *14( SPACE middle ) [ SPACE ":" trailing ] / 14( SPACE middle ) [ SPACE [ ":" ] trailing ]
// Bytes are passed through as they are (IRC is byte-oriented; UTF-8 is not validated).
// IRCv3 message-tags: a leading "@tags " is split off; only client-only tags ("+name") are
// kept (the server's own, such as time, are never taken from a client), and "label" apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hiconn::chat {

struct Message {
    std::string prefix;               ///< without the ':'; ignored from clients
    std::string command;              ///< upper-cased ("PRIVMSG", or a 3-digit numeric)
    std::vector<std::string> params;  ///< the trailing parameter, if any, is the last one
    bool has_trailing = false;        ///< the last parameter came after " :" (it may be empty)
    /// The client-only tags, as they go out again: "+a=escaped;+b" (escaping made canonical,
    /// a later duplicate wins, an empty value dropped). Empty when none.
    std::string tags;
    /// The value of a "label" tag (IRCv3 labeled-response), unescaped; empty when none, empty
    /// or longer than 64 bytes (the spec's limit: such a label is ignored).
    std::string label;
};

/// Bytes of client tags a client may send (message-tags: 4096 with '@' and the space).
constexpr std::size_t max_client_tags = 4094;

enum class ParseResult {
    ok,
    empty,           ///< empty or only spaces: silently ignored (RFC 2812 2.3.1)
    nul_byte,        ///< contains NUL, which RFC 2812 forbids anywhere in a message: dropped
    no_command,      ///< a prefix but no command, or a command that is neither letters nor 3 digits
    too_long,        ///< tags over max_client_tags, or the rest over 510 bytes: 417
};

/// Parses one line without its CR/LF. On anything but ok, `out` is unspecified, except that
/// for no_command `out.command` holds the offending word (for a 421 reply) when there is one.
ParseResult parse_message(std::string_view line, Message& out);

}  // namespace hiconn::chat
