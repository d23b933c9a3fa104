// Two users with one nick, after nodes that could not see each other meet again: the older
// nick (nick_ms, then the smaller node name) keeps it on every node, and the other is renamed
// by its own node.
#include "workloads/chat/federated/federated_network.hpp"

#include "core/log.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/server_state.hpp"

#include <algorithm>
#include <ctime>
#include <random>

namespace hiconn::chat {

using federation::Json;

void FederatedNetwork::index_nick(ServerState& state, Outbox& out, Client& client) {
    const std::string key = irc_lower(client.state.nick);
    auto it = state.nicks.find(key);
    if (it == state.nicks.end() || it->second == &client) {
        state.nicks[key] = &client;
        return;
    }
    Client& holder = *it->second;
    const std::string& me = state.settings.server_name;
    auto rank = [&](const Client& c) {
        return std::make_pair(c.state.nick_ms, c.node() ? *c.node() : me);
    };
    const bool holder_keeps = holder.state.registered && irc_lower(holder.state.nick) == key &&
                              rank(holder) <= rank(client);
    if (holder_keeps) return;  // `client` stays unindexed until its node renames it
    if (holder.remote()) {
        it->second = &client;  // the holder's own node renames it
        return;
    }
    if (!holder.state.registered || irc_lower(holder.state.nick) != key) {
        // Not registered yet, or only reserved for a pending NICK: the network has it now.
        const std::string asked = irc_lower(holder.state.pending_nick) == key ? holder.state.pending_nick
                                                                            : holder.state.nick;
        state.nicks.erase(it);
        if (irc_lower(holder.state.nick) == key) holder.state.nick.clear();
        if (irc_lower(holder.state.pending_nick) == key) holder.state.pending_nick.clear();
        out.to(holder, core::make_shared_buffer(
                           IrcLine(me, Numeric::ERR_NICKNAMEINUSE, holder.nick_or_star())
                               .arg(asked).trailing("Nickname is already in use").finish()));
        state.nicks[key] = &client;
        return;
    }
    rename_local(state, out, holder);
    state.nicks[key] = &client;
}

void FederatedNetwork::rename_local(ServerState& state, Outbox& out, Client& loser) {
    static thread_local std::minstd_rand random(static_cast<unsigned>(std::time(nullptr)));
    const std::size_t max_length = state.settings.max_nick_length;
    std::string fresh;
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string digits = std::to_string(10000 + random() % 90000);
        std::string candidate = ("Guest" + digits).substr(0, std::max<std::size_t>(max_length, 1));
        if (max_length < 6) candidate = "G" + digits.substr(0, max_length - 1);
        if (state.nicks.count(irc_lower(candidate)) == 0) {
            fresh = candidate;
            break;
        }
    }
    if (fresh.empty()) return;
    const std::string old = loser.state.nick;
    const std::int64_t old_ms = loser.state.nick_ms;
    SharedBuffer line = core::make_shared_buffer(IrcLine(loser.prefix(), "NICK").trailing(fresh).finish());
    out.to(loser, line);
    for (Client* peer : state.peers_of(loser)) out.to(*peer, line);
    state.set_nick(loser, fresh);
    loser.state.nick_ms = wall_clock_ms();
    out.to(loser, core::make_shared_buffer(
                      IrcLine(state.settings.server_name, "NOTICE").arg(fresh)
                          .trailing("Your nick " + old + " was also taken on another node while the "
                                    "nodes could not see each other; the earlier one keeps it, you are now " +
                                    fresh)
                          .finish()));
    renames_.fetch_add(1, std::memory_order_relaxed);
    log::info("federation: renamed " + old + " to " + fresh + " (nick clash after a split)");
    nick_changed(loser, old, old_ms);
    link_.claim(irc_lower(fresh), link_.claim_value(loser.state.id, loser.state.nick_ms), false, [](bool) {});
}


}  // namespace hiconn::chat
