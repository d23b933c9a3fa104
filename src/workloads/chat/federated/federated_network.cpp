#include "workloads/chat/federated/federated_network.hpp"

#include "core/log.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/federated/event_fields.hpp"
#include "workloads/chat/federated/remote_link.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/server_state.hpp"

#include <chrono>
#include <ctime>
#include <random>
#include <unordered_set>

namespace hiconn::chat {

namespace ef = event_fields;
using federation::Json;

namespace {

std::int64_t wall_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

constexpr std::size_t max_nick = 64;       // any node's chat.max_nick_length fits
constexpr std::size_t max_channel = 200;   // any node's chat.max_channel_length fits
constexpr std::size_t max_away = 300;

Json user_body(const Client& c) {
    const ClientState& s = c.state;
    return Json{{"u", s.id},         {"nick", s.nick},       {"user", s.user},
                {"host", c.host()},  {"real", s.realname},   {"nts", s.nick_ms},
                {"inv", s.invisible}, {"away", s.away}};
}

bool is_member(const Channel& channel, Client& client) { return channel.members.count(&client) != 0; }

std::string modes_of(const Channel& c) {
    std::string m;
    if (c.no_external) m += 'n';
    if (c.topic_ops_only) m += 't';
    if (c.moderated) m += 'm';
    if (c.invite_only) m += 'i';
    if (c.secret) m += 's';
    return m;
}

void set_modes(Channel& c, const std::string& m) {
    c.no_external = m.find('n') != std::string::npos;
    c.topic_ops_only = m.find('t') != std::string::npos;
    c.moderated = m.find('m') != std::string::npos;
    c.invite_only = m.find('i') != std::string::npos;
    c.secret = m.find('s') != std::string::npos;
}

}  // namespace

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
    const std::int64_t ms = wall_ms();
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

void FederatedNetwork::registered(const Client& c) { publish("user", c, user_body(c)); }

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

void FederatedNetwork::user_mode(const Client& c) { publish("umode", c, Json{{"inv", c.state.invisible}}); }

void FederatedNetwork::away_set(const Client& c) { publish("away", c, Json{{"x", c.state.away}}); }

void FederatedNetwork::invited(const Client& by, const Channel& ch, const Client& target) {
    publish("invite", by, Json{{"ch", ch.name}, {"to", target.state.nick}});
}

void FederatedNetwork::message(const Client& from, std::string_view command, const Channel* channel,
                               const Client* to, std::string_view text) {
    Json body{{"c", command}, {"x", text}};
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
        Json user = user_body(*client);
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
                             {"tts", c->topic_time}});
    link_.publish(federation::state_type, Json{{"users", std::move(users)}, {"chans", std::move(chans)}});
}

void FederatedNetwork::on_link_up() {
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

void FederatedNetwork::drop_node(ServerState& state, Outbox& out, const std::string& node,
                                 const std::string& reason) {
    auto it = state.remote_users.find(node);
    if (it == state.remote_users.end()) return;
    auto users = std::move(it->second);
    state.remote_users.erase(it);
    for (auto& [id, client] : users) state.detach(*client, reason, out);
}

Client* FederatedNetwork::find_remote(ServerState& state, const std::string& node, const Json& body) {
    auto id = ef::number(body, "u");
    if (!id) return nullptr;
    auto users = state.remote_users.find(node);
    if (users == state.remote_users.end()) return nullptr;
    auto it = users->second.find(*id);
    return it == users->second.end() ? nullptr : it->second.get();
}

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
    loser.state.nick_ms = wall_ms();
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

void FederatedNetwork::join_remote(ServerState& state, Outbox& out, Client& user, const std::string& name,
                                   std::int64_t created, bool op, bool voice, bool announce) {
    Channel* channel = state.find_channel(name);
    if (channel == nullptr) {
        auto fresh = std::make_unique<Channel>();
        fresh->name = name;
        fresh->created = created > 0 ? created : static_cast<std::int64_t>(std::time(nullptr));
        channel = fresh.get();
        state.channels.emplace(irc_lower(name), std::move(fresh));
    } else if (created > 0 && created < channel->created) {
        channel->created = created;  // the older channel's time stands for both
    }
    auto [it, inserted] = channel->members.emplace(&user, MemberFlags{op, voice});
    if (!inserted) {
        it->second = MemberFlags{op, voice};
        return;
    }
    user.state.channels.push_back(channel);
    channel->invited.erase(irc_lower(user.state.nick));
    if (announce)
        state.broadcast(*channel, core::make_shared_buffer(IrcLine(user.prefix(), "JOIN").arg(channel->name).finish()),
                        out, nullptr);
}

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

bool FederatedNetwork::apply_user(ServerState& state, Outbox& out, const std::string& node, const Json& body) {
    auto id = ef::number(body, "u");
    const std::string* nick = ef::word(body, "nick", max_nick);
    const std::string* user = ef::word(body, "user", 64);
    const std::string* host = ef::word(body, "host", 128);
    const std::string* real = ef::text(body, "real", 256);
    const std::string* away = ef::text(body, "away", max_away);
    auto nts = ef::number(body, "nts");
    auto inv = ef::flag(body, "inv");
    if (!id || nick == nullptr || !valid_nick(*nick, max_nick) || user == nullptr || host == nullptr ||
        real == nullptr || away == nullptr || !nts || !inv)
        return false;
    const bool invisible = *inv;
    auto& users = state.remote_users[node];
    auto it = users.find(*id);
    if (it == users.end()) {
        auto client = std::make_shared<Client>(std::make_unique<RemoteLink>(node_name(node), *host), 512);
        ClientState& s = client->state;
        s.id = *id;
        s.nick = *nick;
        s.user = *user;
        s.realname = *real;
        s.away = *away;
        s.invisible = invisible;
        s.nick_ms = static_cast<std::int64_t>(*nts);
        s.registered = true;
        ++state.remote_registered;
        if (invisible) ++state.remote_invisible;
        Client& ref = *client;
        users.emplace(*id, std::move(client));
        index_nick(state, out, ref);
        return true;
    }
    Client& known = *it->second;
    ClientState& s = known.state;
    if (*nick != s.nick) {
        SharedBuffer line = core::make_shared_buffer(IrcLine(known.prefix(), "NICK").trailing(*nick).finish());
        for (Client* peer : state.peers_of(known)) out.to(*peer, line);
        auto held = state.nicks.find(irc_lower(s.nick));
        if (held != state.nicks.end() && held->second == &known) state.nicks.erase(held);
        s.nick = *nick;
        s.nick_ms = static_cast<std::int64_t>(*nts);
        index_nick(state, out, known);
    }
    s.realname = *real;
    s.away = *away;
    if (s.invisible != invisible) {
        s.invisible = invisible;
        if (invisible) ++state.remote_invisible; else --state.remote_invisible;
    }
    return true;
}

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
        }
        if (adopt || static_cast<std::int64_t>(*tts) > channel->topic_time) {
            channel->topic = *topic;
            channel->topic_setter = *setter;
            channel->topic_time = static_cast<std::int64_t>(*tts);
        }
    }
    return true;
}

bool FederatedNetwork::apply(ServerState& state, Outbox& out, const federation::Envelope& event) {
    const Json& body = event.body;
    const std::string& type = event.type;
    if (type == "user") return apply_user(state, out, event.node, body);
    if (type == federation::state_type) return apply_state(state, out, event.node, body);
    Client* who = find_remote(state, event.node, body);
    if (who == nullptr) return false;
    auto channel_of = [&]() -> Channel* {
        const std::string* name = ef::word(body, "ch", max_channel);
        return name != nullptr ? state.find_channel(*name) : nullptr;
    };
    auto send = [&](Channel& channel, IrcLine& line, Client* except) {
        state.broadcast(channel, core::make_shared_buffer(line.finish()), out, except);
    };

    if (type == "nick") {
        const std::string* nick = ef::word(body, "nick", max_nick);
        auto nts = ef::number(body, "nts");
        if (nick == nullptr || !valid_nick(*nick, max_nick) || !nts) return false;
        Json user = user_body(*who);
        user["nick"] = *nick;
        user["nts"] = *nts;
        return apply_user(state, out, event.node, user);
    }
    if (type == "quit") {
        const std::string* reason = ef::text(body, "x");
        if (reason == nullptr) return false;
        ClientPtr keep = who->shared_from_this();
        state.remote_users[event.node].erase(who->state.id);
        state.detach(*keep, *reason, out);
        return true;
    }
    if (type == "join") {
        const std::string* name = ef::word(body, "ch", max_channel);
        auto cts = ef::number(body, "cts");
        auto op = ef::flag(body, "op");
        auto voice = ef::flag(body, "v");
        if (name == nullptr || !valid_channel_name(*name, max_channel) || !cts || !op || !voice) return false;
        join_remote(state, out, *who, *name, static_cast<std::int64_t>(*cts), *op, *voice, true);
        return true;
    }
    if (type == "umode") {
        auto inv = ef::flag(body, "inv");
        if (!inv) return false;
        const bool invisible = *inv;
        if (who->state.invisible != invisible) {
            who->state.invisible = invisible;
            if (invisible) ++state.remote_invisible; else --state.remote_invisible;
        }
        return true;
    }
    if (type == "away") {
        const std::string* away = ef::text(body, "x", max_away);
        if (away == nullptr) return false;
        who->state.away = *away;
        return true;
    }
    if (type == "msg") {
        const std::string* command = ef::word(body, "c", 8);
        const std::string* text = ef::text(body, "x");
        if (command == nullptr || (*command != "PRIVMSG" && *command != "NOTICE") || text == nullptr ||
            text->empty())
            return false;
        if (body.contains("ch")) {
            Channel* channel = channel_of();
            if (channel == nullptr) return false;
            std::size_t before = out.deliveries();
            IrcLine line = IrcLine(who->prefix(), *command).arg(channel->name).trailing(*text);
            send(*channel, line, who);
            server_.counters().deliveries.fetch_add(out.deliveries() - before, std::memory_order_relaxed);
            return true;
        }
        const std::string* target = ef::word(body, "to", max_nick);
        Client* to = target != nullptr ? state.find_nick(*target) : nullptr;
        if (to == nullptr) return false;
        if (to->remote()) return true;  // for a third node
        out.to(*to, core::make_shared_buffer(IrcLine(who->prefix(), *command).arg(to->state.nick)
                                                 .trailing(*text).finish()));
        server_.counters().deliveries.fetch_add(1, std::memory_order_relaxed);
        return true;
    }

    Channel* channel = channel_of();
    if (channel == nullptr) return false;
    if (type == "part") {
        if (!is_member(*channel, *who)) return false;
        const std::string* reason = ef::text(body, "x");
        if (reason == nullptr) return false;
        IrcLine line = IrcLine(who->prefix(), "PART").arg(channel->name);
        if (!reason->empty()) line.trailing(*reason);
        send(*channel, line, nullptr);
        state.leave(*who, *channel);
        return true;
    }
    if (type == "kick") {
        const std::string* nick = ef::word(body, "to", max_nick);
        const std::string* reason = ef::text(body, "x");
        Client* target = nick != nullptr ? state.find_nick(*nick) : nullptr;
        if (target == nullptr || reason == nullptr || !is_member(*channel, *target)) return false;
        IrcLine line = IrcLine(who->prefix(), "KICK").arg(channel->name).arg(target->state.nick).trailing(*reason);
        send(*channel, line, nullptr);
        state.leave(*target, *channel);
        return true;
    }
    if (type == "topic") {
        const std::string* topic = ef::text(body, "x");
        auto ts = ef::number(body, "ts");
        if (topic == nullptr || !ts) return false;
        channel->topic = *topic;
        channel->topic_setter = who->prefix();
        channel->topic_time = static_cast<std::int64_t>(*ts);
        IrcLine line = IrcLine(who->prefix(), "TOPIC").arg(channel->name).trailing(*topic);
        send(*channel, line, nullptr);
        return true;
    }
    if (type == "invite") {
        const std::string* nick = ef::word(body, "to", max_nick);
        if (nick == nullptr) return false;
        channel->invited.insert(irc_lower(*nick));
        Client* target = state.find_nick(*nick);
        if (target != nullptr && !target->remote())
            out.to(*target, core::make_shared_buffer(IrcLine(who->prefix(), "INVITE").arg(target->state.nick)
                                                         .trailing(channel->name).finish()));
        return true;
    }
    if (type == "cmode") {
        const std::string* modes = ef::word(body, "m", 64);
        const Json* params = ef::array(body, "p");
        if (modes == nullptr || params == nullptr) return false;
        // Checked whole first: a change that does not fit changes nothing.
        auto valid_param = [](const Json& p) {
            return p.is_string() && !p.get_ref<const std::string&>().empty() &&
                   p.get_ref<const std::string&>().size() <= 64 &&
                   p.get_ref<const std::string&>().find_first_of(std::string(" \r\n\0", 4)) == std::string::npos;
        };
        std::size_t needed = 0;
        bool adding = true;
        for (char c : *modes) {
            if (c == '+' || c == '-') {
                adding = c == '+';
            } else if (c == 'o' || c == 'v' || c == 'k' || (c == 'l' && adding)) {
                if (needed >= params->size() || !valid_param((*params)[needed])) return false;
                if (c == 'l') {
                    const std::string& text = (*params)[needed].get_ref<const std::string&>();
                    if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) return false;
                }
                ++needed;
            } else if (std::string_view("ntmisl").find(c) == std::string_view::npos) {
                return false;
            }
        }
        if (needed != params->size()) return false;
        std::size_t next = 0;
        auto param = [&]() -> const std::string& { return (*params)[next++].get_ref<const std::string&>(); };
        std::string shown = *modes;
        adding = true;
        for (char c : *modes) {
            switch (c) {
            case '+': adding = true; break;
            case '-': adding = false; break;
            case 'n': channel->no_external = adding; break;
            case 't': channel->topic_ops_only = adding; break;
            case 'm': channel->moderated = adding; break;
            case 'i': channel->invite_only = adding; break;
            case 's': channel->secret = adding; break;
            case 'o':
            case 'v': {
                const std::string& nick = param();
                shown += ' ' + nick;
                Client* target = state.find_nick(nick);
                auto member = target != nullptr ? channel->members.find(target) : channel->members.end();
                if (member != channel->members.end()) (c == 'o' ? member->second.op : member->second.voice) = adding;
                break;
            }
            case 'k': {
                const std::string& key = param();
                shown += ' ' + key;
                channel->key = adding ? key.substr(0, 23) : std::string();
                break;
            }
            case 'l': {
                if (!adding) {
                    channel->limit = 0;
                    break;
                }
                const std::string& text = param();
                shown += ' ' + text;
                channel->limit = static_cast<std::uint32_t>(std::stoul(text));
                break;
            }
            }
        }
        IrcLine line = IrcLine(who->prefix(), "MODE").arg(channel->name).arg(shown);
        send(*channel, line, nullptr);
        return true;
    }
    return false;
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
