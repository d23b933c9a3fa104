// Applying the events of the other nodes to this node's view: each changes the replica and
// delivers the resulting line to this node's own clients.
#include "workloads/chat/federated/federated_network.hpp"

#include "workloads/chat/caps.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/federated/event_body.hpp"
#include "workloads/chat/federated/event_fields.hpp"
#include "workloads/chat/federated/remote_link.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/message.hpp"
#include "workloads/chat/server_state.hpp"

#include <cstdlib>
#include <ctime>
#include <string_view>

namespace hiconn::chat {

namespace ef = event_fields;
using federation::Json;
using namespace event_body;

namespace {

bool is_member(const Channel& channel, Client& client) { return channel.members.count(&client) != 0; }

const std::string no_tags;

}  // namespace

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
    if (announce) {
        state.broadcast_join(*channel, user, out);  // extended-join for those with it
        if (!user.state.away.empty()) state.notify_away(user, out, channel);  // away-notify
    }
}


bool FederatedNetwork::apply_user(ServerState& state, Outbox& out, const std::string& node, const Json& body) {
    auto id = ef::number(body, "u");
    const std::string* nick = ef::word(body, "nick", max_nick);
    const std::string* user = ef::word(body, "user", 64);
    const std::string* host = ef::word(body, "host", 128);
    const std::string* real = ef::text(body, "real", 256);
    const std::string* away = ef::text(body, "away", max_away);
    auto nts = ef::number(body, "nts");
    auto inv = ef::flag(body, "inv");
    auto bot = ef::flag(body, "bot");
    if (!id || nick == nullptr || !valid_nick(*nick, max_nick) || user == nullptr || host == nullptr ||
        real == nullptr || away == nullptr || !nts || !inv || !bot)
        return false;
    std::string account;  // absent (not logged in, or an older node): none
    if (body.contains("acct")) {
        const std::string* acct = ef::word(body, "acct", max_account);
        if (acct == nullptr) return false;
        account = *acct;
    }
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
        s.account = account;
        s.invisible = invisible;
        if (*bot) s.caps |= mode_bot;  // IRCv3 bot mode (+B)
        if (body.contains("op") && body["op"] == true) s.caps |= mode_oper;
        s.nick_ms = static_cast<std::int64_t>(*nts);
        s.registered = true;
        ++state.remote_registered;
        state.note_registered();
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
    s.caps = *bot ? s.caps | mode_bot : s.caps & ~std::uint32_t{mode_bot};
    const bool oper = body.contains("op") && body["op"] == true;
    s.caps = oper ? s.caps | mode_oper : s.caps & ~std::uint32_t{mode_oper};
    if (s.realname != *real) {
        s.realname = *real;
        state.notify_setname(known, out);  // IRCv3 setname
    }
    s.away = *away;
    if (s.account != account) {
        s.account = account;
        notify_account(state, known, out);  // IRCv3 account-notify
    }
    if (s.invisible != invisible) {
        s.invisible = invisible;
        if (invisible) ++state.remote_invisible; else --state.remote_invisible;
    }
    return true;
}


bool FederatedNetwork::apply(ServerState& state, Outbox& out, const federation::Envelope& event) {
    const Json& body = event.body;
    const std::string& type = event.type;
    if (type == "user") return apply_user(state, out, event.node, body);
    if (type == federation::state_type) return apply_state(state, out, event.node, body);
    if (type == "kline" || type == "unkline" || type == "admin_kill") return apply_moderation(state, event);
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
        Json user = event_body::user(*who);
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
        auto bot = ef::flag(body, "bot");  // absent (an older node): not a bot
        auto oper = ef::flag(body, "op");  // absent (an older node): not an operator
        if (!inv || !bot || !oper) return false;
        const bool invisible = *inv;
        who->state.caps = *bot ? who->state.caps | mode_bot : who->state.caps & ~std::uint32_t{mode_bot};
        who->state.caps = *oper ? who->state.caps | mode_oper : who->state.caps & ~std::uint32_t{mode_oper};
        if (who->state.invisible != invisible) {
            who->state.invisible = invisible;
            if (invisible) ++state.remote_invisible; else --state.remote_invisible;
        }
        return true;
    }
    if (type == "wallops" || type == "kill") return apply_operator_event(state, out, *who, type, body);
    if (type == "away") {
        const std::string* away = ef::text(body, "x", max_away);
        if (away == nullptr) return false;
        if (who->state.away == *away) return true;
        who->state.away = *away;
        state.notify_away(*who, out);  // away-notify
        return true;
    }
    if (type == "msg") {
        const std::string* command = ef::word(body, "c", 8);
        const std::string* text = ef::text(body, "x");
        const bool tagmsg = command != nullptr && *command == "TAGMSG";
        if (command == nullptr || (*command != "PRIVMSG" && *command != "NOTICE" && !tagmsg) ||
            text == nullptr || text->empty() != tagmsg)
            return false;
        // message-tags: the sender's client-only tags, for recipients with message-tags. They
        // came from another node: taken only if they are what our parser would have made.
        const std::string* tags = body.contains("g") ? ef::word(body, "g", max_client_tags) : &no_tags;
        if (tags == nullptr || (!tags->empty() && tags->front() != '+')) return false;
        const std::string msg_tags = message_tags_of(who->state.caps, *tags);  // "bot" for a +B sender
        const std::uint32_t need = tagmsg ? std::uint32_t{cap_message_tags} : 0u;
        auto format = [&](const std::string& target) {
            IrcLine line = IrcLine(who->prefix(), *command);
            line.arg(target);
            if (!tagmsg) line.trailing(*text);
            return core::make_shared_buffer(line.finish());
        };
        // IRCv3 server-time: the time the sender's node took it (an older node sends none: now).
        if (auto sent_ms = ef::number(body, "t"); sent_ms && *sent_ms < (1ull << 53))
            out.set_time_ms(static_cast<std::int64_t>(*sent_ms));
        out.set_account(who->state.account);  // account-tag: the sender's, known from its user record
        if (body.contains("ch")) {
            Channel* channel = channel_of();
            if (channel == nullptr) return false;
            // STATUSMSG: "p" is '@' or '+', the lowest prefix that receives it.
            const std::string* status = body.contains("p") ? ef::word(body, "p", 1) : nullptr;
            const char prefix = status != nullptr && (*status == "@" || *status == "+") ? status->front() : 0;
            if (body.contains("p") && prefix == 0) return false;
            std::size_t before = out.deliveries();
            state.broadcast(*channel, format(prefix != 0 ? prefix + channel->name : channel->name), out,
                            who, need, msg_tags, prefix);
            server_.counters().deliveries.fetch_add(out.deliveries() - before, std::memory_order_relaxed);
            return true;
        }
        const std::string* target = ef::word(body, "to", max_nick);
        Client* to = target != nullptr ? state.find_nick(*target) : nullptr;
        if (to == nullptr) return false;
        if (to->remote()) return true;  // for a third node
        if ((to->state.caps & need) == need) out.to(*to, format(to->state.nick), msg_tags);
        server_.counters().deliveries.fetch_add(1, std::memory_order_relaxed);
        return true;
    }

    if (type == "invite") {
        // The channel need not exist (Modern IRC): then only the INVITE is delivered.
        const std::string* nick = ef::word(body, "to", max_nick);
        const std::string* name = ef::word(body, "ch", max_channel);
        if (nick == nullptr || name == nullptr || !valid_channel_name(*name, max_channel)) return false;
        Channel* channel = state.find_channel(*name);
        if (channel != nullptr) channel->invited.insert(irc_lower(*nick));
        Client* target = state.find_nick(*nick);
        SharedBuffer invite = core::make_shared_buffer(
            IrcLine(who->prefix(), "INVITE").arg(target != nullptr ? target->state.nick : *nick)
                .trailing(channel ? channel->name : *name).finish());
        if (target != nullptr) out.to(*target, invite);  // skipped when remote: its node delivers
        if (channel != nullptr) state.broadcast(*channel, invite, out, who, cap_invite_notify);  // invite-notify
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
    if (type == "cmode") {
        const std::string* modes = ef::word(body, "m", 64);
        const Json* params = ef::array(body, "p");
        if (modes == nullptr || params == nullptr) return false;
        // Checked whole first: a change that does not fit changes nothing.
        auto valid_param = [](const Json& p) {
            return p.is_string() && !p.get_ref<const std::string&>().empty() &&
                   p.get_ref<const std::string&>().size() <= max_mask &&
                   p.get_ref<const std::string&>().find_first_of(std::string(" \r\n\0", 4)) == std::string::npos;
        };
        std::size_t needed = 0;
        bool adding = true;
        for (char c : *modes) {
            if (c == '+' || c == '-') {
                adding = c == '+';
            } else if (c == 'o' || c == 'v' || c == 'k' || (c == 'l' && adding) || c == 'b' || c == 'e' ||
                       c == 'I') {
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
            case 'b':
            case 'e':
            case 'I': {
                const std::string& mask = param();
                shown += ' ' + mask;
                apply_list_change(*channel, c, adding, mask, who->state.nick);
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


}  // namespace hiconn::chat
