#include "workloads/chat/federated/federated_network.hpp"

#include "workloads/chat/casemap.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/federated/event_body.hpp"
#include "workloads/chat/server_state.hpp"

#include <unordered_set>

namespace hiconn::chat {

using federation::Json;
using namespace event_body;

FederatedNetwork::FederatedNetwork(ChatServer& server, boost::asio::io_context& io,
                                   federation::NodeSettings settings)
    : server_(server), node_(std::make_unique<federation::Node>(io, settings, *this)), link_(*node_),
      name_(settings.node_name) {}

FederatedNetwork::FederatedNetwork(ChatServer& server, federation::Link& link, std::string name)
    : server_(server), link_(link), name_(std::move(name)) {}

std::size_t FederatedNetwork::servers() const { return 1 + link_.peers(); }

std::shared_ptr<const std::string> FederatedNetwork::node_name(const std::string& node) {
    auto& name = node_names_[node];
    if (!name) name = std::make_shared<const std::string>(node);
    return name;
}

// ---- what this node's clients do --------------------------------------------------------

void FederatedNetwork::publish(const char* type, const Client& client, Json body) {
    if (client.remote() || !client.state.registered) return;
    body["u"] = client.state.id;
    link_.publish(type, std::move(body));
}

void FederatedNetwork::release(const Client& client) {
    if (client.state.nick.empty() || client.state.nick_ms == 0) return;
    link_.release(irc_lower(client.state.nick), link_.claim_value(client.state.id, client.state.nick_ms));
}

void FederatedNetwork::claim_nick(Client& client, const std::string& nick) {
    const std::int64_t ms = wall_clock_ms();
    const std::uint64_t id = client.state.id;
    ClientPtr keep = client.shared_from_this();
    link_.claim(irc_lower(nick), link_.claim_value(id, ms), false, [this, keep, nick, ms, id](bool ok) {
        ClientPtr client = keep;
        client->link().post([this, client, nick, ms, id, ok] {
            if (!server_.on_nick_claimed(*client, nick, ms, ok) && ok)
                link_.release(irc_lower(nick), link_.claim_value(id, ms));
        });
    });
}

void FederatedNetwork::registered(const Client& c) { publish("user", c, event_body::user(c)); }

void FederatedNetwork::nick_changed(const Client& c, const std::string& old_nick, std::int64_t old_ms) {
    publish("nick", c, Json{{"nick", c.state.nick}, {"nts", c.state.nick_ms}});
    if (old_ms != 0) link_.release(irc_lower(old_nick), link_.claim_value(c.state.id, old_ms));
}

void FederatedNetwork::quit(const Client& c, std::string_view reason) {
    publish("quit", c, Json{{"x", reason}});
    release(c);
}

void FederatedNetwork::joined(const Client& c, const Channel& ch, const MemberFlags& flags) {
    publish("join", c, Json{{"ch", ch.name}, {"cts", ch.created}, {"op", flags.op}, {"v", flags.voice}});
}

void FederatedNetwork::parted(const Client& c, const Channel& ch, std::string_view reason) {
    publish("part", c, Json{{"ch", ch.name}, {"x", reason}});
}

void FederatedNetwork::kicked(const Client& by, const Channel& ch, const Client& target,
                              std::string_view reason) {
    publish("kick", by, Json{{"ch", ch.name}, {"to", target.state.nick}, {"x", reason}});
}

void FederatedNetwork::topic_set(const Client& c, const Channel& ch) {
    // The setter is the user "u": the receiver takes its prefix from its own view, not from text.
    publish("topic", c, Json{{"ch", ch.name}, {"x", ch.topic}, {"ts", ch.topic_time}});
}

void FederatedNetwork::channel_mode(const Client& c, const Channel& ch, const std::string& modes,
                                    const std::vector<std::string>& params) {
    publish("cmode", c, Json{{"ch", ch.name}, {"m", modes}, {"p", params}});
}

void FederatedNetwork::user_mode(const Client& c) {
    publish("umode", c, Json{{"inv", c.state.invisible}, {"bot", (c.state.caps & mode_bot) != 0},
                             {"op", (c.state.caps & mode_oper) != 0}});
}

void FederatedNetwork::away_set(const Client& c) { publish("away", c, Json{{"x", c.state.away}}); }

// The whole user record again: other nodes take the new real name from it (apply_user).
void FederatedNetwork::realname_set(const Client& c) { publish("user", c, event_body::user(c)); }
void FederatedNetwork::account_changed(const Client& c) { publish("user", c, event_body::user(c)); }
void FederatedNetwork::killed(const Client& by, const Client& victim, const std::string& quit) {
    if (victim.node() == nullptr) return;
    publish("kill", by, Json{{"tn", *victim.node()}, {"tu", victim.state.id}, {"x", quit}});
}
void FederatedNetwork::wallops(const Client& from, std::string_view text) {
    publish("wallops", from, Json{{"x", std::string(text)}});
}

void FederatedNetwork::invited(const Client& by, std::string_view channel, const Client& target) {
    publish("invite", by, Json{{"ch", channel}, {"to", target.state.nick}});
}

void FederatedNetwork::message(const Client& from, std::string_view command, const Channel* channel,
                               const Client* to, std::string_view text, std::string_view tags,
                               char status) {
    // "t": when it was sent (wall-clock ms), the server-time of its deliveries on other nodes.
    Json body{{"c", command}, {"x", text}, {"t", wall_clock_ms()}};
    if (!tags.empty()) body["g"] = tags;  // message-tags: the client-only tags
    if (channel != nullptr && status != 0) body["p"] = std::string(1, status);  // STATUSMSG
    if (channel != nullptr)
        body["ch"] = channel->name;
    else if (to != nullptr)
        body["to"] = to->state.nick;
    publish("msg", from, std::move(body));
}

// ---- this node's whole state ---------------------------------------------------------------

void FederatedNetwork::publish_state(ServerState& state) {
    Json users = Json::array();
    std::unordered_set<const Channel*> channels;
    for (auto& [key, client] : state.nicks) {
        if (client->remote() || !client->state.registered || irc_lower(client->state.nick) != key) continue;
        Json user = event_body::user(*client);
        Json memberships = Json::array();
        for (Channel* channel : client->state.channels) {
            const MemberFlags& flags = channel->members.at(client);
            memberships.push_back(Json::array({channel->name, flags.op, flags.voice}));
            channels.insert(channel);
        }
        user["ch"] = std::move(memberships);
        users.push_back(std::move(user));
    }
    Json chans = Json::array();
    for (const Channel* c : channels)
        chans.push_back(Json{{"ch", c->name}, {"cts", c->created}, {"m", modes_of(*c)}, {"k", c->key},
                             {"l", c->limit}, {"x", c->topic}, {"by", c->topic_setter},
                             {"tts", c->topic_time}, {"lists", lists_of(*c)}});
    link_.publish(federation::state_type, Json{{"users", std::move(users)}, {"chans", std::move(chans)}});
}

void FederatedNetwork::on_link_up() {
    load_bans();
    server_.apply([this](ServerState& state, Outbox&) {
        publish_state(state);
        // After an outage Redis may have lost the claims (a restart) or granted a clashing
        // one to another node: claim every local nick again; a loser is renamed.
        for (auto& [key, client] : state.nicks) {
            if (client->remote() || client->state.nick_ms == 0 || irc_lower(client->state.nick) != key)
                continue;
            ClientPtr keep = client->shared_from_this();
            const std::string nick = client->state.nick;
            link_.claim(key, link_.claim_value(client->state.id, client->state.nick_ms), true,
                        [this, keep, nick](bool ok) {
                            if (ok) return;
                            server_.apply([this, keep, nick](ServerState& s, Outbox& out) {
                                if (!keep->state.detached && keep->state.nick == nick)
                                    rename_local(s, out, *keep);
                            });
                        });
        }
    });
}

void FederatedNetwork::on_state_wanted() {
    server_.apply([this](ServerState& state, Outbox&) { publish_state(state); });
}

// ---- events of the other nodes ---------------------------------------------------------------

void FederatedNetwork::on_node_down(const std::string& node, const std::string&) {
    server_.apply([&](ServerState& state, Outbox& out) {
        // As a netsplit shows it: "this.server that.server".
        drop_node(state, out, node, state.settings.server_name + " " + node);
    });
}

bool FederatedNetwork::on_event(const federation::Envelope& event) {
    bool applied = false;
    server_.apply([&](ServerState& state, Outbox& out) { applied = apply(state, out, event); });
    return applied;
}


// ---- figures ----------------------------------------------------------------------------------

void FederatedNetwork::collect_metrics(std::vector<core::Metric>& out) const {
    if (!node_) return;
    const federation::NodeCounters& c = node_->counters();
    auto value = [](const auto& counter) { return double(counter.load(std::memory_order_relaxed)); };
    out.push_back({"federation_link_up", "1 while the link to Redis is up", false, c.link_up.load() ? 1.0 : 0.0});
    out.push_back({"federation_reconnects_total", "Links to Redis restored after a loss", true, value(c.reconnects)});
    out.push_back({"federation_nodes", "Live nodes in the network, this one included", false,
                   double(servers())});
    out.push_back({"federation_events_published_total", "Events this node published", true, value(c.published)});
    out.push_back({"federation_events_received_total", "Events of other nodes received", true, value(c.received)});
    out.push_back({"federation_gaps_total", "Events of other nodes that never arrived (sequence gaps)", true,
                   value(c.gaps)});
    out.push_back({"federation_publish_failures_total",
                   "Events that could not be published (link down or refused): not seen by other nodes",
                   true, value(c.publish_failures)});
    out.push_back({"federation_malformed_total",
                   "Messages from Redis dropped: malformed, replayed, or not fitting (unknown user or channel)",
                   true, value(c.malformed)});
    out.push_back({"federation_renames_total", "Local users renamed after a nick clash between nodes", true,
                   value(renames_)});
}

std::string FederatedNetwork::describe() const {
    const bool up = node_ && node_->counters().link_up.load();
    return "federated as " + name_ + " (Redis " + (up ? "up" : "DOWN") + ", " + std::to_string(servers()) +
           " nodes)";
}


}  // namespace hiconn::chat
