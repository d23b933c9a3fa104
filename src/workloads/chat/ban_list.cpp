#include "workloads/chat/ban_list.hpp"

#include "proxy/network.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/client.hpp"
#include "workloads/chat/mask.hpp"

#include <algorithm>
#include <cctype>

namespace hiconn::chat {

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool fail(std::string* error, std::string message) {
    if (error) *error = std::move(message);
    return false;
}

}  // namespace

BanTarget BanTarget::of(const Client& client) {
    BanTarget t;
    t.nick = client.state.nick;
    t.user = client.state.user;
    t.host = client.host();
    t.ip = proxy::parse_address(client.host());  // the host is the peer's address ("0::1" parses too)
    return t;
}

std::optional<BanMask> BanMask::parse(std::string_view text, std::string* error) {
    auto refuse = [&](std::string message) -> std::optional<BanMask> {
        fail(error, std::move(message));
        return std::nullopt;
    };
    if (text.empty()) return refuse("the mask is empty");
    if (text.size() > max_length)
        return refuse("the mask is longer than " + std::to_string(max_length) + " bytes");
    for (const unsigned char c : text)
        if (c <= ' ' || c == 0x7F) return refuse("the mask holds a space or a control byte");

    BanMask mask;
    const std::size_t slash = text.find('/');
    // Addresses and networks as proxy_protocol.trusted reads them (strict on every platform).
    if (proxy::parse_address(text.substr(0, slash))) {
        const auto network = proxy::parse_network(text);
        if (!network) return refuse("'" + std::string(text) + "' is not ADDRESS/PREFIX (prefix 1..32 for IPv4, 1..128 for IPv6)");
        if (network->prefix == 0) return refuse("a /0 network bans everyone");
        mask.network_ = *network;
        const bool one_address = network->prefix == (network->base.is_v4() ? 32 : 128);
        mask.kind_ = one_address ? Kind::address : Kind::network;
        mask.text_ = one_address ? network->base.to_string() : proxy::to_string(*network);
        mask.key_ = mask.text_;
        return mask;
    }
    if (slash != std::string_view::npos && text.find_first_of("!@") == std::string_view::npos)
        return refuse("'" + std::string(text) + "' is not an ADDRESS/PREFIX network");
    // An IRC parameter cannot start with ':' ("::1" above is an address, not a mask).
    if (text.front() == ':') return refuse("the mask starts with ':'");
    mask.kind_ = Kind::user_mask;
    mask.text_ = full_mask(text);
    if (mask.text_.find_first_not_of("*?!@") == std::string::npos)
        return refuse("the mask matches everyone");
    mask.key_ = irc_lower(mask.text_);
    return mask;
}

bool BanMask::matches(const BanTarget& target) const {
    if (kind_ != Kind::user_mask) return target.ip && network_.contains(*target.ip);
    auto identity = [&](std::string_view host) {
        std::string s;
        s.reserve(target.nick.size() + target.user.size() + host.size() + 2);
        s.append(target.nick.empty() ? std::string_view("*") : target.nick).append(1, '!');
        s.append(target.user.empty() ? std::string_view("*") : target.user).append(1, '@');
        return s.append(host);
    };
    if (mask_match(text_, identity(target.host))) return true;
    // "*@::1" as an operator writes it, although the displayed host is "0::1".
    if (target.ip) {
        const std::string ip = target.ip->to_string();
        if (ip != target.host && mask_match(text_, identity(ip))) return true;
    }
    return false;
}

bool valid_ban_reason(std::string_view reason) noexcept {
    if (reason.size() > Ban::max_reason) return false;
    return std::none_of(reason.begin(), reason.end(),
                        [](unsigned char c) { return c < ' ' || c == 0x7F; });
}

std::optional<std::int64_t> parse_ban_duration(std::string_view text, std::int64_t bare_unit_s) {
    constexpr std::int64_t ten_years = 10LL * 366 * 86400;
    if (text.empty() || text.size() > 12) return std::nullopt;
    std::int64_t unit = bare_unit_s;
    if (!std::isdigit(static_cast<unsigned char>(text.back()))) {
        switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return std::nullopt;
        }
        text.remove_suffix(1);
    }
    if (!all_digits(text)) return std::nullopt;
    const std::int64_t n = std::stoll(std::string(text));
    if (n > ten_years / unit) return std::nullopt;
    return n * unit;
}

nlohmann::json Ban::to_json() const {
    return {{"mask", mask.text()}, {"reason", reason}, {"set_by", set_by},
            {"set_at", set_at}, {"expires_at", expires_at}};
}

std::optional<Ban> Ban::from_json(const nlohmann::json& j, std::string* error) {
    auto refuse = [&](const std::string& message) -> std::optional<Ban> {
        fail(error, message);
        return std::nullopt;
    };
    if (!j.is_object()) return refuse("a ban is not an object");
    for (const auto& [key, value] : j.items()) {
        (void)value;
        if (key != "mask" && key != "reason" && key != "set_by" && key != "set_at" && key != "expires_at")
            return refuse("unknown ban field \"" + key + "\"");
    }
    auto text = [&](const char* key, std::size_t max, std::string& into) {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return fail(error, std::string("\"") + key + "\" must be a string");
        into = it->get<std::string>();
        if (into.size() > max)
            return fail(error, std::string("\"") + key + "\" is longer than " + std::to_string(max) + " bytes");
        return true;
    };
    auto time = [&](const char* key, std::int64_t& into) {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0)
            return fail(error, std::string("\"") + key + "\" must be an integer >= 0 (unix seconds)");
        into = it->get<std::int64_t>();
        return true;
    };
    Ban ban;
    std::string mask_text;
    if (!text("mask", BanMask::max_length, mask_text)) return std::nullopt;
    std::string why;
    auto mask = BanMask::parse(mask_text, &why);
    if (!mask) return refuse("\"mask\" " + mask_text + ": " + why);
    ban.mask = std::move(*mask);
    if (!text("reason", Ban::max_reason, ban.reason) || !text("set_by", Ban::max_set_by, ban.set_by))
        return std::nullopt;
    if (!valid_ban_reason(ban.reason)) return refuse("\"reason\" holds a control byte");
    if (!valid_ban_reason(ban.set_by)) return refuse("\"set_by\" holds a control byte");
    if (!time("set_at", ban.set_at) || !time("expires_at", ban.expires_at)) return std::nullopt;
    return ban;
}

bool BanList::add(Ban ban) {
    for (Ban& existing : bans_)
        if (existing.mask.key() == ban.mask.key()) {
            existing = std::move(ban);
            return true;
        }
    if (bans_.size() >= max_bans) return false;
    bans_.push_back(std::move(ban));
    return true;
}

std::optional<Ban> BanList::remove(const BanMask& mask) {
    const auto it = std::find_if(bans_.begin(), bans_.end(),
                                 [&](const Ban& b) { return b.mask.key() == mask.key(); });
    if (it == bans_.end()) return std::nullopt;
    Ban removed = std::move(*it);
    bans_.erase(it);
    return removed;
}

const Ban* BanList::match(const BanTarget& target, std::int64_t now) const {
    for (const Ban& ban : bans_)
        if (ban.active(now) && ban.mask.matches(target)) return &ban;
    return nullptr;
}

std::size_t BanList::expire(std::int64_t now) {
    const std::size_t before = bans_.size();
    bans_.erase(std::remove_if(bans_.begin(), bans_.end(), [&](const Ban& b) { return !b.active(now); }),
                bans_.end());
    return before - bans_.size();
}

nlohmann::json BanList::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const Ban& ban : bans_) list.push_back(ban.to_json());
    return {{"version", 1}, {"bans", std::move(list)}};
}

bool BanList::load_json(const nlohmann::json& j, std::string* error) {
    if (!j.is_object()) return fail(error, "not a JSON object");
    const auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() != 1)
        return fail(error, "\"version\" must be 1");
    const auto list = j.find("bans");
    if (list == j.end() || !list->is_array()) return fail(error, "\"bans\" must be an array");
    if (list->size() > max_bans) return fail(error, "more than " + std::to_string(max_bans) + " bans");
    BanList loaded;
    for (std::size_t i = 0; i < list->size(); ++i) {
        std::string why;
        auto ban = Ban::from_json((*list)[i], &why);
        if (!ban) return fail(error, "bans[" + std::to_string(i) + "]: " + why);
        loaded.add(std::move(*ban));
    }
    bans_ = std::move(loaded.bans_);
    return true;
}

}  // namespace hiconn::chat
