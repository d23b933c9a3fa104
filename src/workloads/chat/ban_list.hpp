// Server bans (K-lines): who may not be connected at all. One BanList, owned by ServerState
// and guarded by ChatServer's mutex like the rest of it; the admin endpoint and the KLINE
// command both change it through ChatServer. A ban names an IP address, a CIDR network or
// a nick!user@host wildcard mask (rfc1459 casemapping), a reason, who set it, when, and
// when it expires (0 = never). Expired bans stop matching at once and are dropped by
// expire().
#pragma once

#include <nlohmann/json.hpp>

#include "proxy/network.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::chat {

class Client;

/// What a ban is compared with: the client as the network sees it.
struct BanTarget {
    std::string_view nick;
    std::string_view user;
    std::string_view host;                      ///< the displayed host ("0::1" for ::1)
    std::optional<boost::asio::ip::address> ip; ///< the real address (PROXY: the header's)

    /// `client`'s identity (ChatServer's lock held for its state).
    static BanTarget of(const Client& client);
};

/// A parsed, canonical ban mask.
class BanMask {
public:
    enum class Kind { address, network, user_mask };

    /// "192.0.2.7", "2001:db8::1", "192.0.2.0/24", "2001:db8::/32", or a nick!user@host
    /// mask ("*!*@*.example", "bad*", "*@192.0.2.*"). nullopt with `error` set for anything
    /// else: empty, spaces or control bytes, a leading ':' (addresses aside: "::1"), longer than max_length, a
    /// prefix of 0 or past the address size, or a mask matching everyone ("*!*@*").
    static std::optional<BanMask> parse(std::string_view text, std::string* error = nullptr);

    Kind kind() const noexcept { return kind_; }
    /// Canonical text: the address, NETWORK/PREFIX (host bits cleared), or the full
    /// nick!user@host mask as given (case kept).
    const std::string& text() const noexcept { return text_; }
    /// What identifies the ban (DELETE/UNKLINE): text(), casemapped for user masks.
    const std::string& key() const noexcept { return key_; }
    bool matches(const BanTarget& target) const;

    static constexpr std::size_t max_length = 200;

private:
    Kind kind_ = Kind::user_mask;
    std::string text_;
    std::string key_;
    proxy::Network network_;  ///< the address or network kinds
};

struct Ban {
    BanMask mask;
    std::string reason;
    std::string set_by;            ///< "admin 127.0.0.1", "oper nick!user@host", ...
    std::int64_t set_at = 0;       ///< unix seconds
    std::int64_t expires_at = 0;   ///< unix seconds; 0 = permanent

    bool active(std::int64_t now) const noexcept { return expires_at == 0 || now < expires_at; }
    /// "K-Lined: reason": the close reason of a banned client (ERROR and its peers' QUIT).
    std::string close_reason() const { return "K-Lined: " + (reason.empty() ? std::string("No reason") : reason); }
    /// {"mask", "reason", "set_by", "set_at", "expires_at"}.
    nlohmann::json to_json() const;
    /// The same object, validated (it comes from a file or from Redis: untrusted). nullopt
    /// with `error` naming the field that is wrong.
    static std::optional<Ban> from_json(const nlohmann::json& j, std::string* error);

    static constexpr std::size_t max_reason = 300;
    static constexpr std::size_t max_set_by = 200;
};

/// Whether `reason` may be a ban reason: at most Ban::max_reason bytes, no control bytes
/// (it goes into IRC lines). An empty reason is allowed (shown as "No reason").
bool valid_ban_reason(std::string_view reason) noexcept;

/// "3600", "90s", "30m", "2h", "7d", "1w" -> seconds; "0" = permanent. A bare number is in
/// `bare_unit_s` seconds (1 for the admin endpoint, 60 for KLINE as in other ircds).
/// nullopt for anything else or past ten years.
std::optional<std::int64_t> parse_ban_duration(std::string_view text, std::int64_t bare_unit_s);

class BanList {
public:
    /// Adds `ban`, replacing one with the same key. False when the list is full
    /// (max_bans) and the key is new.
    bool add(Ban ban);
    /// Removes the ban with `mask`'s key and returns it; nullopt when there is none.
    std::optional<Ban> remove(const BanMask& mask);
    /// The first active ban matching `target`, or nullptr.
    const Ban* match(const BanTarget& target, std::int64_t now) const;
    /// Drops the bans expired by `now`; returns how many.
    std::size_t expire(std::int64_t now);
    const std::vector<Ban>& all() const noexcept { return bans_; }
    void clear() noexcept { bans_.clear(); }

    /// {"version": 1, "bans": [...]} (the file's and Redis' format).
    nlohmann::json to_json() const;
    /// Replaces the list with `j`'s bans. False with `error` set (the list unchanged) for
    /// a document that is not that shape or holds an invalid ban.
    bool load_json(const nlohmann::json& j, std::string* error);

    static constexpr std::size_t max_bans = 10000;

private:
    std::vector<Ban> bans_;
};

}  // namespace hiconn::chat
