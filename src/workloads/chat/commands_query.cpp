// Queries and information: WHOIS, ISON, AWAY, LUSERS, MOTD (RFC 2812 3.4, 3.6, 4.1, 4.9).
// WHO and USERHOST are in commands_who.cpp, TIME/VERSION/INFO/ADMIN in commands_info.cpp.
#include "workloads/chat/caps.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/commands.hpp"

#include <algorithm>

namespace hiconn::chat {

void send_lusers(Context& ctx) {
    const ServerState& s = ctx.state;
    // Counted over the whole network; 255 ("I have") counts this node's own clients.
    const std::size_t invisible = s.invisible + s.remote_invisible;
    const std::size_t visible = s.registered + s.remote_registered - invisible;
    const std::size_t servers = s.network->servers();
    ctx.reply(ctx.numeric(Numeric::RPL_LUSERCLIENT)
                  .trailing("There are " + std::to_string(visible) + " users and " +
                            std::to_string(invisible) + " invisible on " + std::to_string(servers) +
                            " servers"));
    if (const std::size_t opers = operators_online(s); opers > 0)
        ctx.reply(ctx.numeric(Numeric::RPL_LUSEROP).arg(std::to_string(opers)).trailing("operator(s) online"));
    ctx.reply(ctx.numeric(Numeric::RPL_LUSERCHANNELS).arg(std::to_string(s.channels.size()))
                  .trailing("channels formed"));
    ctx.reply(ctx.numeric(Numeric::RPL_LUSERME)
                  .trailing("I have " + std::to_string(s.registered) + " clients and " +
                            std::to_string(servers - 1) + " servers"));
    // Modern IRC: "<client> [<u> <m>] :Current local users <u>, max <m>", and the global one.
    const std::string local = std::to_string(s.registered), local_max = std::to_string(s.max_registered);
    ctx.reply(ctx.numeric(Numeric::RPL_LOCALUSERS).arg(local).arg(local_max)
                  .trailing("Current local users " + local + ", max " + local_max));
    const std::string global = std::to_string(s.registered + s.remote_registered);
    const std::string global_max = std::to_string(s.max_global);
    ctx.reply(ctx.numeric(Numeric::RPL_GLOBALUSERS).arg(global).arg(global_max)
                  .trailing("Current global users " + global + ", max " + global_max));
}

void send_motd(Context& ctx) {
    const Settings& s = ctx.settings();
    if (s.motd.empty()) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOMOTD).trailing("MOTD File is missing"));
        return;
    }
    ctx.reply(ctx.numeric(Numeric::RPL_MOTDSTART).trailing("- " + s.server_name + " Message of the day - "));
    for (const std::string& line : s.motd)
        ctx.reply(ctx.numeric(Numeric::RPL_MOTD).trailing("- " + line));
    ctx.reply(ctx.numeric(Numeric::RPL_ENDOFMOTD).trailing("End of MOTD command"));
}

void handle_whois(Context& ctx, const Message& m) {
    // "WHOIS server nick" names the server first; the last parameter is the nick list.
    const std::string& nicks = m.params.back();
    for (std::string_view nick : split_list(nicks)) {
        Client* who = ctx.state.find_nick(nick);
        if (who == nullptr || !who->state.registered) {
            ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(nick).trailing("No such nick/channel"));
            ctx.reply(ctx.numeric(Numeric::RPL_ENDOFWHOIS).arg(nick).trailing("End of WHOIS list"));
            continue;
        }
        const ClientState& w = who->state;
        ctx.reply(ctx.numeric(Numeric::RPL_WHOISUSER).arg(w.nick).arg(w.user).arg(who->host()).arg("*")
                      .trailing(w.realname));
        std::string channels;
        for (Channel* channel : w.channels) {
            if (channel->secret && channel->members.count(&ctx.client) == 0) continue;
            if (!channels.empty()) channels += ' ';
            channels += Channel::prefix_of(channel->members.at(who),
                                           (ctx.me().caps & cap_multi_prefix) != 0);
            channels += channel->name;
        }
        if (!channels.empty())
            ctx.reply(ctx.numeric(Numeric::RPL_WHOISCHANNELS).arg(w.nick).trailing(channels));
        ctx.reply(ctx.numeric(Numeric::RPL_WHOISSERVER).arg(w.nick)
                      .arg(who->node() ? *who->node() : ctx.settings().server_name)
                      .trailing(ctx.settings().network_name + " (hiconn)"));
        if (!w.away.empty()) ctx.reply(ctx.numeric(Numeric::RPL_AWAY).arg(w.nick).trailing(w.away));
        if ((w.caps & mode_oper) != 0)
            ctx.reply(ctx.numeric(Numeric::RPL_WHOISOPERATOR).arg(w.nick).trailing("is an IRC operator"));
        if (!w.account.empty())
            ctx.reply(ctx.numeric(Numeric::RPL_WHOISACCOUNT).arg(w.nick).arg(w.account).trailing("is logged in as"));
        if ((w.caps & mode_bot) != 0) ctx.reply(ctx.numeric(Numeric::RPL_WHOISBOT).arg(w.nick).trailing("is a bot"));
        if (who->link().secure()) {
            ctx.reply(ctx.numeric(Numeric::RPL_WHOISSECURE).arg(w.nick).trailing("is using a secure connection"));
            // A fingerprint follows its owner across nicks: only the user sees their own.
            if (who == &ctx.client) {
                const std::string fingerprint = who->link().tls_fingerprint();
                if (!fingerprint.empty())
                    ctx.reply(ctx.numeric(Numeric::RPL_WHOISCERTFP).arg(w.nick)
                                  .trailing("has client certificate fingerprint " + fingerprint));
            }
        }
        ctx.reply(ctx.numeric(Numeric::RPL_ENDOFWHOIS).arg(w.nick).trailing("End of WHOIS list"));
    }
}

void handle_ison(Context& ctx, const Message& m) {
    std::string online;
    for (const std::string& param : m.params) {
        // Nicks come as separate parameters or space-separated in a trailing one.
        std::string_view rest = param;
        while (!rest.empty()) {
            std::size_t space = rest.find(' ');
            std::string_view nick = rest.substr(0, space);
            rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
            if (nick.empty()) continue;
            Client* who = ctx.state.find_nick(nick);
            if (who == nullptr || !who->state.registered) continue;
            if (!online.empty()) online += ' ';
            online += who->state.nick;
        }
    }
    ctx.reply(ctx.numeric(Numeric::RPL_ISON).trailing(online));
}

void handle_away(Context& ctx, const Message& m) {
    const std::string away = m.params.empty() ? std::string() : m.params[0].substr(0, 300);
    if (away.empty())
        ctx.reply(ctx.numeric(Numeric::RPL_UNAWAY).trailing("You are no longer marked as being away"));
    else
        ctx.reply(ctx.numeric(Numeric::RPL_NOWAWAY).trailing("You have been marked as being away"));
    if (away == ctx.me().away) return;  // no change: nothing to tell (away-notify) or share
    ctx.me().away = away;
    ctx.network().away_set(ctx.client);
    ctx.state.notify_away(ctx.client, ctx.out);  // IRCv3 away-notify
}

/// Longest real name SETNAME takes: what every federated node accepts in a user record.
constexpr std::size_t max_realname = 256;

// IRCv3 setname: SETNAME :new real name. Shown to the client and its channel peers that
// have the capability; an empty one is refused with FAIL (the spec's standard reply).
void handle_setname(Context& ctx, const Message& m) {
    const std::string& realname = m.params[0];
    if (realname.empty() || realname.size() > max_realname) {
        ctx.reply(ctx.from_server("FAIL").arg("SETNAME").arg("INVALID_REALNAME")
                      .trailing("Realname is not valid"));
        return;
    }
    if (realname == ctx.me().realname) {
        if ((ctx.me().caps & cap_setname) != 0) ctx.reply(ctx.from_me("SETNAME").trailing(realname));
        return;
    }
    ctx.me().realname = realname;
    ctx.state.notify_setname(ctx.client, ctx.out);
    ctx.network().realname_set(ctx.client);
}

void handle_lusers(Context& ctx, const Message&) { send_lusers(ctx); }

void handle_motd(Context& ctx, const Message&) { send_motd(ctx); }

// IRCv3 MONITOR (005 MONITOR=100): + adds nicks (730/731 for each at once, 734 past 100),
// - removes, C clears, L lists (732, 733), S tells each one's status. Changes of local users
// (registration, NICK, QUIT) and quits of remote users are notified; the list lives in
// ServerState, allocated on first use.
void handle_monitor(Context& ctx, const Message& m) {
    auto status = [&](std::string_view nick) {
        Client* c = ctx.state.find_nick(nick);
        const bool online = c != nullptr && c->state.registered;
        ctx.reply(ctx.numeric(online ? Numeric::RPL_MONONLINE : Numeric::RPL_MONOFFLINE)
                      .trailing(online ? c->prefix() : std::string(nick)));
    };
    const std::string& op = m.params[0];
    std::vector<std::string_view> targets = m.params.size() > 1 ? split_list(m.params[1]) : std::vector<std::string_view>{};
    if (op == "+") {
        auto& list = ctx.state.monitors[&ctx.client];
        for (std::size_t i = 0; i < targets.size(); ++i) {
            std::string key = irc_lower(targets[i]);
            if (std::find(list.begin(), list.end(), key) != list.end()) continue;
            if (list.size() >= ServerState::max_monitor) {
                std::string rest;
                for (std::size_t j = i; j < targets.size(); ++j) rest += (j > i ? "," : "") + std::string(targets[j]);
                ctx.reply(ctx.numeric(Numeric::ERR_MONLISTFULL).arg(std::to_string(ServerState::max_monitor))
                              .arg(rest).trailing("Monitor list is full"));
                break;
            }
            list.push_back(key);
            ctx.state.watchers[key].push_back(&ctx.client);
            status(targets[i]);
        }
        if (list.empty()) ctx.state.monitors.erase(&ctx.client);
    } else if (op == "-") {
        auto it = ctx.state.monitors.find(&ctx.client);
        if (it == ctx.state.monitors.end()) return;
        for (std::string_view target : targets) {
            std::string key = irc_lower(target);
            it->second.erase(std::remove(it->second.begin(), it->second.end(), key), it->second.end());
            auto w = ctx.state.watchers.find(key);
            if (w == ctx.state.watchers.end()) continue;
            w->second.erase(std::remove(w->second.begin(), w->second.end(), &ctx.client), w->second.end());
            if (w->second.empty()) ctx.state.watchers.erase(w);
        }
        if (it->second.empty()) ctx.state.monitors.erase(it);
    } else if (op == "C" || op == "c") {
        ctx.state.monitor_clear(ctx.client);
    } else if (op == "L" || op == "l" || op == "S" || op == "s") {
        auto it = ctx.state.monitors.find(&ctx.client);
        if (it != ctx.state.monitors.end())
            for (const std::string& nick : it->second) {
                if (op == "S" || op == "s") status(nick);
                else ctx.reply(ctx.numeric(Numeric::RPL_MONLIST).trailing(nick));
            }
        if (op == "L" || op == "l") ctx.reply(ctx.numeric(Numeric::RPL_ENDOFMONLIST).trailing("End of MONITOR list"));
    }
}

}  // namespace hiconn::chat
