// IRCv3 capabilities (ircv3.net capability negotiation): the ones hiconn implements, one bit
// each in ClientState::caps. Only what is listed here is offered in CAP LS and can be ACKed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::chat {

/// One bit per capability (ClientState::caps is a uint32: 4 bytes per client, in padding).
enum Cap : std::uint32_t {
    cap_notify = 1u << 0,         ///< cap-notify: CAP NEW/DEL (implied by CAP LS 302)
    cap_server_time = 1u << 1,    ///< server-time: @time= on every line to the client
    cap_echo_message = 1u << 2,   ///< echo-message: PRIVMSG/NOTICE sent back to the sender
    cap_multi_prefix = 1u << 3,   ///< multi-prefix: every prefix ("@+") in NAMES/WHO/WHOIS
    cap_userhost_in_names = 1u << 4,  ///< userhost-in-names: nick!user@host in 353
    cap_message_tags = 1u << 5,   ///< message-tags: client "+tags" relayed, TAGMSG
    cap_away_notify = 1u << 6,    ///< away-notify: AWAY of channel peers (and of joiners)
    cap_invite_notify = 1u << 7,  ///< invite-notify: INVITEs to channels it is on
    cap_setname = 1u << 8,        ///< setname: SETNAME of itself and of channel peers
    cap_sasl = 1u << 9,           ///< sasl: AUTHENTICATE (offered only with chat.accounts)
    cap_account_notify = 1u << 10,  ///< account-notify: ACCOUNT of channel peers logging in
    cap_account_tag = 1u << 11,   ///< account-tag: @account= on messages of logged-in users
    cap_extended_join = 1u << 12, ///< extended-join: JOIN #chan account :realname
    cap_batch = 1u << 13,         ///< batch: BATCH +id type ... @batch=id ... BATCH -id
    /// labeled-response: @label on a command's response (ACK, one line or a batch). Used only
    /// together with batch, which the spec requires (ACKed alone: order is not enforced).
    cap_labeled_response = 1u << 14,
    cap_standard_replies = 1u << 15,  ///< standard-replies: informational (FAIL/WARN/NOTE go out anyway)
    /// Not a capability: user mode +w (receives WALLOPS), kept here to cost no byte more.
    mode_wallops = 1u << 28,
    /// Not a capability: user mode +o (an IRC operator, after OPER).
    mode_oper = 1u << 29,
    /// Not a capability: user mode +B (IRCv3 bot mode), kept here to cost no byte more.
    mode_bot = 1u << 30,
    /// Not a capability: the client sent CAP LS 302 (values in LS; cap-notify stays on).
    cap_version_302 = 1u << 31,
};

/// The capabilities whose presence changes the wire form of any line (a variant key).
/// batch and labeled-response are not among them: they only touch the lines of a response to
/// the client that ran the command, never a fan-out buffer.
constexpr std::uint32_t wire_caps = cap_server_time | cap_message_tags | cap_account_tag;

/// Both needed before a command's response is labeled (labeled-response depends on batch).
constexpr std::uint32_t label_caps = cap_batch | cap_labeled_response;

struct CapSpec {
    std::string_view name;
    Cap bit;
};

/// In the order CAP LS lists them.
constexpr std::array<CapSpec, 16> cap_table{{
    {"account-notify", cap_account_notify},
    {"account-tag", cap_account_tag},
    {"away-notify", cap_away_notify},
    {"batch", cap_batch},
    {"cap-notify", cap_notify},
    {"echo-message", cap_echo_message},
    {"extended-join", cap_extended_join},
    {"invite-notify", cap_invite_notify},
    {"labeled-response", cap_labeled_response},
    {"message-tags", cap_message_tags},
    {"multi-prefix", cap_multi_prefix},
    {"sasl", cap_sasl},
    {"server-time", cap_server_time},
    {"setname", cap_setname},
    {"standard-replies", cap_standard_replies},
    {"userhost-in-names", cap_userhost_in_names},
}};

/// The tags message-tags recipients get on a message of `sender_caps` with the client tags
/// `client_tags`: "bot" first for a +B sender (IRCv3 bot mode), then the client's.
inline std::string message_tags_of(std::uint32_t sender_caps, const std::string& client_tags) {
    if ((sender_caps & mode_bot) == 0) return client_tags;
    return client_tags.empty() ? std::string("bot") : "bot;" + client_tags;
}

/// The bit of a capability name, 0 for one not offered.
inline std::uint32_t cap_bit(std::string_view name) {
    for (const CapSpec& spec : cap_table)
        if (spec.name == name) return spec.bit;
    return 0;
}

/// The CAP reply lines ":server CAP nick SUB [*] :words" (with CRLF), each at most 512 bytes:
/// when `multiline`, every line but the last carries "*" (CAP LS/LIST 302); otherwise one line.
std::vector<std::string> cap_reply_lines(std::string_view server, std::string_view nick,
                                         std::string_view sub, const std::vector<std::string>& words,
                                         bool multiline);

}  // namespace hiconn::chat
