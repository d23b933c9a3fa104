// Server bans and kills across the network. A ban lives in the Redis hash P"bans" (mask key
// -> the ban's JSON, Ban::to_json) so that it outlives every node, and travels as a "kline"
// event so that every node applies it at once; "unkline" lifts one. A node reads the hash
// whenever its link comes up (start, and after an outage). An "admin_kill" event names a user by
// its node and id; only that node acts on it. Everything from Redis is validated.
#include "workloads/chat/federated/federated_network.hpp"

#include "core/log.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/federated/event_fields.hpp"
#include "workloads/chat/server_state.hpp"

#include <ctime>

namespace hiconn::chat {

namespace ef = event_fields;
using federation::Json;

namespace {

constexpr const char* bans_hash = "bans";
/// A ban's JSON is a few hundred bytes; anything much longer is not one (and a bound on
/// the size bounds the parser's nesting).
constexpr std::size_t max_ban_json = 4096;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

void FederatedNetwork::ban_added(const Ban& ban) {
    Json j = ban.to_json();
    link_.hash_set(bans_hash, ban.mask.key(), dump(j));
    link_.publish("kline", Json{{"ban", std::move(j)}});
    if (!link_.link_up())
        log::warn("federation: Redis is unreachable: the ban on " + ban.mask.text() +
                  " holds on this node only, until the link returns and the network's bans are read again");
}

void FederatedNetwork::ban_removed(const BanMask& mask) {
    link_.hash_delete(bans_hash, mask.key());
    link_.publish("unkline", Json{{"mask", mask.text()}});
}

void FederatedNetwork::kill(const Client& target, std::string_view reason) {
    const std::string* node = target.node();
    if (node == nullptr) return;
    link_.publish("admin_kill", Json{{"to", *node}, {"id", target.state.id}, {"x", reason}});
}

bool FederatedNetwork::apply_moderation(ServerState& state, const federation::Envelope& event) {
    const Json& body = event.body;
    if (event.type == "kline") {
        const auto it = body.find("ban");
        if (it == body.end()) return false;
        std::string why;
        auto ban = Ban::from_json(*it, &why);
        if (!ban) return false;
        auto victims = state.clients_banned_by(*ban);
        if (!state.bans.add(std::move(*ban))) return false;  // full
        ++state.bans_version;
        server_.disconnect(std::move(victims));  // posts only: fine with the lock held
        return true;
    }
    if (event.type == "unkline") {
        const std::string* text = ef::word(body, "mask", BanMask::max_length);
        if (text == nullptr) return false;
        const auto mask = BanMask::parse(*text);
        if (!mask) return false;
        if (state.bans.remove(*mask)) ++state.bans_version;  // absent: it expired here already
        return true;
    }
    // "admin_kill": for one of this node's users; the others only check that it fits. (An
    // operator's KILL is a "kill" from that user: remote_operator_events.cpp.)
    const std::string* to = ef::word(body, "to");
    const auto id = ef::number(body, "id");
    const std::string* reason = ef::text(body, "x");
    if (to == nullptr || !id || reason == nullptr) return false;
    if (*to != name_) return true;
    for (const auto& [key, client] : state.nicks) {
        (void)key;
        if (client->remote() || client->state.detached || client->state.id != *id) continue;
        std::vector<std::pair<ClientPtr, std::string>> victim;
        victim.emplace_back(client->shared_from_this(), *reason);
        server_.disconnect(std::move(victim));
        log::info("federation: " + client->state.nick + " killed from node " + event.node + " (" + *reason + ")");
        break;
    }
    return true;  // gone already: nothing to do
}

void FederatedNetwork::load_bans() {
    link_.hash_read(bans_hash, BanList::max_bans, [this](std::optional<federation::Link::HashEntries> entries) {
        if (!entries) {
            log::warn("federation: cannot read the network's bans from Redis; keeping the ones known here");
            return;
        }
        const auto now = static_cast<std::int64_t>(std::time(nullptr));
        BanList loaded;
        std::size_t bad = 0;
        for (const auto& [field, value] : *entries) {
            Json j = value.size() <= max_ban_json ? Json::parse(value, nullptr, false) : Json(Json::value_t::discarded);
            std::string why;
            auto ban = j.is_discarded() ? std::nullopt : Ban::from_json(j, &why);
            if (!ban || ban->mask.key() != field) {
                ++bad;
                continue;
            }
            if (!ban->active(now)) {
                link_.hash_delete(bans_hash, field);  // expired: tidy the network's list
                continue;
            }
            loaded.add(std::move(*ban));
        }
        if (bad != 0)
            log::warn("federation: ignored " + std::to_string(bad) + " invalid entries of the bans hash in Redis");
        log::info("federation: " + std::to_string(loaded.all().size()) + " server bans from Redis");
        server_.apply([&](ServerState& state, Outbox&) {
            state.bans = std::move(loaded);
            ++state.bans_version;
            // Clients that came while the list was not known yet, or during an outage.
            std::vector<std::pair<ClientPtr, std::string>> victims;
            for (const Ban& ban : state.bans.all())
                for (auto& victim : state.clients_banned_by(ban)) victims.push_back(std::move(victim));
            server_.disconnect(std::move(victims));
        });
    });
}

}  // namespace hiconn::chat
