// A channel and its members. Guarded by ChatServer's mutex, like all of ServerState.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace hiconn::chat {

class Client;

struct MemberFlags {
    bool op = false;     ///< "@": channel operator (the creator, or given +o)
    bool voice = false;  ///< "+": may speak in a +m channel
};

/// One entry of a +b / +e / +I list.
struct ListEntry {
    std::string mask;        ///< "nick!user@host" with wildcards (normalized when set)
    std::string setter;      ///< the nick that set it
    std::int64_t when = 0;   ///< unix time
};
using MaskList = std::vector<ListEntry>;

struct Channel {
    /// Entries of +b, +e and +I together (005 MAXLIST=beI:100).
    static constexpr std::size_t max_list_entries = 100;

    std::string name;                ///< as first created (its case kept)
    std::int64_t created = 0;        ///< unix time (329)
    std::string topic;
    std::string topic_setter;        ///< "nick!user@host" (333)
    std::int64_t topic_time = 0;

    // Channel modes (RFC 2811 4.2); +n and +t are on for a new channel.
    bool no_external = true;         ///< +n
    bool topic_ops_only = true;      ///< +t
    bool moderated = false;          ///< +m
    bool invite_only = false;        ///< +i
    bool secret = false;             ///< +s
    std::string key;                 ///< +k (empty = none)
    std::uint32_t limit = 0;         ///< +l (0 = none)
    MaskList bans;                   ///< +b: may not join, may not speak
    MaskList excepts;                ///< +e: exempt from +b
    MaskList invex;                  ///< +I: may join a +i channel without an INVITE

    std::unordered_map<Client*, MemberFlags> members;
    std::unordered_set<std::string> invited;   ///< casemapped nicks INVITEd (cleared on join)
    /// KNOCK: (client id, unix time) of the knocks of the last 60 s; empty unless knocked.
    std::vector<std::pair<std::uint64_t, std::int64_t>> knocks;

    /// Banned: `prefix` ("nick!user@host") matches a ban and no exception.
    bool banned(std::string_view prefix) const;
    /// Whether `prefix` matches an entry of `list`.
    static bool listed(const MaskList& list, std::string_view prefix);
    std::size_t list_entries() const noexcept { return bans.size() + excepts.size() + invex.size(); }

    /// "+ntk key" (the key only when `show_key`, i.e. for members).
    std::string mode_string(bool show_key) const;
    /// "@" for operators, "+" for voiced, "" otherwise; with `all` (IRCv3 multi-prefix) "@+"
    /// for a voiced operator.
    static const char* prefix_of(const MemberFlags& flags, bool all = false) noexcept;
};

}  // namespace hiconn::chat
