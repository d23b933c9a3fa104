// IRCv3 message tags on outgoing lines, formatted once per variant.
//
// A line queued to many clients (a channel message, a QUIT) is one immutable buffer. Clients
// with wire-changing capabilities (server-time, message-tags) need another form of it.
// LineVariants keeps, per source buffer, at most one buffer per variant key (the recipient's
// caps masked to `wire_caps`): a broadcast to 1,000 members formats as many buffers as there
// are distinct keys among them (at most 8: server-time, message-tags and account-tag each on
// or off; account-tag counts only for a sender with an account), never one per recipient.
#pragma once

#include "core/shared_buffer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hiconn::chat {

using core::SharedBuffer;

/// "YYYY-MM-DDThh:mm:ss.sssZ" (UTC) for wall-clock milliseconds (the server-time tag value).
std::string format_server_time(std::int64_t wall_ms);

/// Message-tags value escaping (ircv3.net message-tags): ';' -> "\:", ' ' -> "\s",
/// '\' -> "\\", CR -> "\r", LF -> "\n".
std::string escape_tag_value(std::string_view value);
/// The reverse; an unknown escape "\x" is "x", a trailing lone '\' is dropped.
std::string unescape_tag_value(std::string_view value);

/// Each line of `bytes` (CRLF-terminated lines) with "@tags " in front.
std::string tag_lines(std::string_view bytes, std::string_view tags);

class LineVariants {
public:
    /// Distinct variants kept per source buffer (keys are caps masked to wire_caps).
    static constexpr std::size_t max_variants = 8;

    /// The origin time of what is being delivered (federation: the event's), 0 = now.
    void set_time_ms(std::int64_t wall_ms) {
        time_ms_ = wall_ms;
        time_tag_.clear();
    }

    /// The account of the sender of what is being delivered (IRCv3 account-tag), "" = none.
    /// Set it around a message's deliveries and clear it after, so replies carry no tag.
    void set_account(std::string_view account) { account_ = account; }

    /// The tags a client with `caps` gets on a line that carries `msg_tags` (the tags only
    /// message-tags clients see, e.g. "+typing=active;bot"): "" for none.
    std::string tags(std::uint32_t caps, std::string_view msg_tags = {});

    /// `line` as a client with `caps` receives it: `line` itself when no tag applies, else
    /// one buffer per (line, variant), shared by every recipient of that variant. The same
    /// `line` always comes with the same `msg_tags`.
    SharedBuffer get(const SharedBuffer& line, std::uint32_t caps, std::string_view msg_tags = {});

    /// Buffers formatted so far (tests: format-once per variant).
    std::size_t formatted() const noexcept { return formatted_; }

private:
    std::int64_t time_ms_ = 0;
    std::string time_tag_;      ///< "time=..." once computed
    std::string account_;       ///< account-tag of the current sender; "" = none
    SharedBuffer source_;       ///< the line the cache below belongs to
    std::array<std::uint32_t, max_variants> keys_{};
    std::array<SharedBuffer, max_variants> buffers_{};
    std::size_t used_ = 0;
    std::size_t formatted_ = 0;
};

}  // namespace hiconn::chat
