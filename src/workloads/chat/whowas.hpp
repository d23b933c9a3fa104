// WHOWAS history (RFC 2812 3.6.3): who held a nick before, bounded twice -- at most
// `per_nick` entries per nick and `total` in all, the oldest going first. Guarded by
// ChatServer's mutex, like all of ServerState.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hiconn::chat {

class WhowasHistory {
public:
    struct Entry {
        std::string nick, user, host, realname, server;
        std::int64_t when = 0;  ///< unix time the nick was left
    };

    static constexpr std::size_t per_nick = 5;   ///< entries kept per nick
    static constexpr std::size_t total = 2000;   ///< entries kept in all (~200 bytes each)

    void add(Entry entry);
    /// The entries of `nick` (casemapped), newest first, at most `count` (0 = all kept).
    std::vector<const Entry*> find(std::string_view nick, std::size_t count) const;

private:
    struct Kept {
        std::uint64_t seq;
        Entry entry;
    };
    std::unordered_map<std::string, std::deque<Kept>> by_nick_;
    std::deque<std::pair<std::string, std::uint64_t>> order_;  ///< (key, seq), oldest first
    std::uint64_t seq_ = 0;
};

}  // namespace hiconn::chat
