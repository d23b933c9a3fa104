// A node's "state" event: everything it owns (its users, their memberships, its channels'
// state) replaces what this node holds of it. Checked whole before any of it applies.
#include "workloads/chat/federated/federated_network.hpp"

#include "workloads/chat/casemap.hpp"
#include "workloads/chat/federated/event_body.hpp"
#include "workloads/chat/federated/event_fields.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/server_state.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace hiconn::chat {

namespace ef = event_fields;
using federation::Json;
using namespace event_body;

namespace {

bool valid_user(const Json& body) {
    const std::string* nick = ef::word(body, "nick", max_nick);
    return ef::number(body, "u") && nick != nullptr && valid_nick(*nick, max_nick) &&
           ef::word(body, "user", 64) && ef::word(body, "host", 128) && ef::text(body, "real", 256) &&
           ef::text(body, "away", max_away) && ef::number(body, "nts") && ef::flag(body, "inv");
}

bool valid_membership(const Json& m) {
    return m.is_array() && m.size() == 3 && m[0].is_string() && m[1].is_boolean() && m[2].is_boolean() &&
           valid_channel_name(m[0].get_ref<const std::string&>(), max_channel);
}

bool valid_channel_state(const Json& c) {
    const std::string* name = ef::word(c, "ch", max_channel);
    return name != nullptr && valid_channel_name(*name, max_channel) && ef::number(c, "cts") &&
           ef::text(c, "m", 16) && ef::text(c, "k", 64) && ef::number(c, "l") && ef::text(c, "x") &&
           ef::text(c, "by", 256) && ef::number(c, "tts");
}

// A node's state replaces everything held of it, so it is checked whole before any of it
// is applied: a broken one changes nothing.
bool valid_state(const Json* users, const Json* chans) {
    if (users == nullptr || chans == nullptr) return false;
    std::unordered_set<std::uint64_t> ids;
    for (const Json& u : *users) {
        if (!valid_user(u) || !ids.insert(*ef::number(u, "u")).second) return false;
        const Json* memberships = ef::array(u, "ch");
        if (memberships == nullptr) return false;
        for (const Json& m : *memberships)
            if (!valid_membership(m)) return false;
    }
    for (const Json& c : *chans)
        if (!valid_channel_state(c)) return false;
    return true;
}

}  // namespace


bool FederatedNetwork::apply_state(ServerState& state, Outbox& out, const std::string& node, const Json& body) {
    const Json* users = ef::array(body, "users");
    const Json* chans = ef::array(body, "chans");
    if (!valid_state(users, chans)) return false;
    std::unordered_map<std::string, const Json*> channel_state;
    for (const Json& c : *chans) channel_state[irc_lower(*ef::word(c, "ch", max_channel))] = &c;
    std::unordered_set<std::uint64_t> seen;
    std::unordered_set<Channel*> created;
    for (const Json& u : *users) {
        if (!apply_user(state, out, node, u)) continue;
        const std::uint64_t id = *ef::number(u, "u");
        seen.insert(id);
        Client& who = *state.remote_users[node][id];
        struct Want { std::string name; bool op, voice; };
        std::unordered_map<std::string, Want> wanted;
        for (const Json& m : *ef::array(u, "ch")) {
            const std::string& name = m[0].get_ref<const std::string&>();
            wanted[irc_lower(name)] = Want{name, m[1].get<bool>(), m[2].get<bool>()};
        }
        // Memberships the node no longer reports end, as a PART would.
        std::vector<Channel*> current = who.state.channels;
        for (Channel* channel : current) {
            if (wanted.count(irc_lower(channel->name)) != 0) continue;
            state.broadcast(*channel, core::make_shared_buffer(IrcLine(who.prefix(), "PART").arg(channel->name).finish()),
                            out, nullptr);
            state.leave(who, *channel);
        }
        for (auto& [key, want] : wanted) {
            // Creation times are merged below, with the rest of the channel's state.
            const bool existed = state.find_channel(want.name) != nullptr;
            join_remote(state, out, who, want.name, 0, want.op, want.voice, true);
            if (!existed) created.insert(state.find_channel(want.name));
        }
    }
    // Users the node no longer has are gone.
    auto& mine = state.remote_users[node];
    std::vector<ClientPtr> gone;
    for (auto it = mine.begin(); it != mine.end();) {
        if (seen.count(it->first) == 0) {
            gone.push_back(std::move(it->second));
            it = mine.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& client : gone) state.detach(*client, state.settings.server_name + " " + node, out);
    // Channel state: the older channel (its creation time) is the one that stands; a channel
    // that is new here takes the node's state as it is.
    for (auto& [key, st] : channel_state) {
        Channel* channel = state.find_channel(key);
        if (channel == nullptr) continue;
        auto cts = ef::number(*st, "cts");
        const std::string* modes = ef::text(*st, "m", 16);
        const std::string* channel_key = ef::text(*st, "k", 64);
        auto limit = ef::number(*st, "l");
        const std::string* topic = ef::text(*st, "x");
        const std::string* setter = ef::text(*st, "by", 256);
        auto tts = ef::number(*st, "tts");
        if (!cts || modes == nullptr || channel_key == nullptr || !limit || topic == nullptr ||
            setter == nullptr || !tts)
            continue;
        const bool adopt = created.count(channel) != 0 || static_cast<std::int64_t>(*cts) < channel->created;
        if (adopt) {
            channel->created = static_cast<std::int64_t>(*cts);
            set_modes(*channel, *modes);
            channel->key = *channel_key;
            channel->limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(*limit, 0xffffffffu));
            if (auto lists = st->find("lists"); lists != st->end()) set_lists(*channel, *lists);
        }
        if (adopt || static_cast<std::int64_t>(*tts) > channel->topic_time) {
            channel->topic = *topic;
            channel->topic_setter = *setter;
            channel->topic_time = static_cast<std::int64_t>(*tts);
        }
    }
    return true;
}


}  // namespace hiconn::chat
