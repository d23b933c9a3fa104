// WHO (RFC 2812 3.6.1, Modern IRC) with the IRCv3 WHOX extension (354), WHOWAS (3.6.3)
// and USERHOST (RFC 2812 4.8).
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/mask.hpp"

#include <charconv>

namespace hiconn::chat {

namespace {

/// A wildcard WHO stops after this many replies: one client must not make the server copy
/// every user of a large network into its send queue (it would pass SendQ and be closed).
/// A channel lists all its members.
constexpr std::size_t max_who_matches = 500;

/// WHOX fields in the order RFC WHOX requires for 354 (token first, realname last).
constexpr std::string_view whox_order = "tcuihsnfdlaor";

struct WhoQuery {
    std::string mask;
    bool opers_only = false;   ///< "o" flag: IRC operators (+o) only
    bool whox = false;         ///< "%fields[,token]" given: 354 instead of 352
    std::string fields;        ///< the requested WHOX letters
    std::string token;         ///< at most 3 digits
};

WhoQuery parse_query(const Message& m) {
    WhoQuery q;
    q.mask = m.params.empty() ? std::string("*") : m.params[0];
    if (m.params.size() < 2) return q;
    std::string_view options = m.params[1];
    const std::size_t percent = options.find('%');
    q.opers_only = options.substr(0, percent).find('o') != std::string_view::npos;
    if (percent == std::string_view::npos) return q;
    q.whox = true;
    std::string_view spec = options.substr(percent + 1);
    const std::size_t comma = spec.find(',');
    q.fields = std::string(spec.substr(0, comma));
    if (comma != std::string_view::npos) q.token = std::string(spec.substr(comma + 1, 3));
    return q;
}

bool shares_channel(Client& a, Client& b) {
    for (Channel* channel : a.state.channels)
        if (channel->members.count(&b) != 0) return true;
    return false;
}

void who_reply(Context& ctx, const WhoQuery& q, std::string_view channel, Client& who,
               const MemberFlags* member) {
    std::string flags = who.state.away.empty() ? "H" : "G";
    if ((who.state.caps & mode_oper) != 0) flags += '*';  // an IRC operator
    if ((who.state.caps & mode_bot) != 0) flags += 'B';  // IRCv3 bot mode
    if (member != nullptr) flags += Channel::prefix_of(*member, (ctx.me().caps & cap_multi_prefix) != 0);
    const std::string& server = who.node() ? *who.node() : ctx.settings().server_name;
    if (!q.whox) {
        ctx.reply(ctx.numeric(Numeric::RPL_WHOREPLY).arg(channel).arg(who.state.user).arg(who.host())
                      .arg(server).arg(who.state.nick).arg(flags)
                      .trailing("0 " + who.state.realname));
        return;
    }
    IrcLine line = ctx.numeric(Numeric::RPL_WHOSPCRPL);
    for (char field : whox_order) {
        if (q.fields.find(field) == std::string::npos) continue;
        switch (field) {
        case 't': line.arg(q.token.empty() ? std::string_view("0") : std::string_view(q.token)); break;
        case 'c': line.arg(channel); break;
        case 'u': line.arg(who.state.user); break;
        case 'i':  // the host is the IP (no reverse DNS)
        case 'h': line.arg(who.host()); break;
        case 's': line.arg(server); break;
        case 'n': line.arg(who.state.nick); break;
        case 'f': line.arg(flags); break;
        case 'd': line.arg("0"); break;       // hop count: every node is one hop away
        case 'l': line.arg("0"); break;       // idle time is not kept
        case 'a': line.arg("0"); break;       // no accounts: "0" is "not logged in"
        case 'o': line.arg("n/a"); break;     // no op levels
        case 'r': line.trailing(who.state.realname); break;
        }
    }
    ctx.reply(line);
}

bool matches(const Context& ctx, const std::string& mask, Client& who) {
    if (mask == "*" || mask == "0" || mask.empty()) return true;
    const ClientState& w = who.state;
    if (mask.find_first_of("!@") != std::string::npos) return mask_match(mask, who.prefix());
    const std::string& server = who.node() ? *who.node() : ctx.settings().server_name;
    return mask_match(mask, w.nick) || mask_match(mask, w.user) || mask_match(mask, who.host()) ||
           mask_match(mask, w.realname) || mask_match(mask, server);
}

/// A channel of `who` the asker may see (for the channel field), or nullptr.
Channel* visible_channel(Context& ctx, Client& who) {
    for (Channel* channel : who.state.channels)
        if (!channel->secret || channel->members.count(&ctx.client) != 0) return channel;
    return nullptr;
}

void who_channel(Context& ctx, const WhoQuery& q) {
    Channel* channel = ctx.state.find_channel(q.mask);
    if (channel == nullptr) return;
    const bool member = channel->members.count(&ctx.client) != 0;
    if (!member && channel->secret) return;
    for (auto& [who, flags] : channel->members)
        if ((member || !who->state.invisible) && (!q.opers_only || is_oper(*who)))
            who_reply(ctx, q, channel->name, *who, &flags);
}

void who_users(Context& ctx, const WhoQuery& q) {
    std::size_t sent = 0;
    for (auto& [key, who] : ctx.state.nicks) {
        // A nick waiting for its network-wide claim is a second key of its client: skip it.
        if (!who->state.registered || !irc_equal(key, who->state.nick) || !matches(ctx, q.mask, *who) ||
            (q.opers_only && !is_oper(*who)))
            continue;
        if (who != &ctx.client && who->state.invisible && !shares_channel(ctx.client, *who)) continue;
        Channel* shown = visible_channel(ctx, *who);
        who_reply(ctx, q, shown ? std::string_view(shown->name) : std::string_view("*"), *who,
                  shown ? &shown->members.at(who) : nullptr);
        if (++sent == max_who_matches) return;
    }
}

}  // namespace

void handle_who(Context& ctx, const Message& m) {
    const WhoQuery q = parse_query(m);
    if (!q.mask.empty() && q.mask[0] == '#')
        who_channel(ctx, q);
    else if (!has_wildcard(q.mask) && q.mask != "0") {
        // An exact nick: that user only (the fast path; a nick has no wildcard).
        Client* who = ctx.state.find_nick(q.mask);
        if (who != nullptr && (!q.opers_only || is_oper(*who)) && who->state.registered &&
            (!who->state.invisible || who == &ctx.client || shares_channel(ctx.client, *who))) {
            Channel* shown = visible_channel(ctx, *who);
            who_reply(ctx, q, shown ? std::string_view(shown->name) : std::string_view("*"), *who,
                      shown ? &shown->members.at(who) : nullptr);
        } else if (who == nullptr) {
            who_users(ctx, q);  // a user name, host or realname without wildcards
        }
    } else {
        who_users(ctx, q);
    }
    ctx.reply(ctx.numeric(Numeric::RPL_ENDOFWHO).arg(q.mask.empty() ? "*" : q.mask).trailing("End of WHO list"));
}

void handle_whowas(Context& ctx, const Message& m) {
    if (m.params.empty() || m.params[0].empty()) {
        ctx.reply(ctx.numeric(Numeric::ERR_NONICKNAMEGIVEN).trailing("No nickname given"));
        return;
    }
    // "WHOWAS nick[,nick] [count [server]]": count <= 0 or absent = every entry kept.
    std::size_t count = 0;
    if (m.params.size() > 1) {
        long n = 0;
        const std::string& text = m.params[1];
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc{} && n > 0) count = static_cast<std::size_t>(n);
    }
    for (std::string_view nick : split_list(m.params[0])) {
        const auto entries = ctx.state.whowas.find(nick, count);
        if (entries.empty())
            ctx.reply(ctx.numeric(Numeric::ERR_WASNOSUCHNICK).arg(nick).trailing("There was no such nickname"));
        for (const WhowasHistory::Entry* e : entries) {
            ctx.reply(ctx.numeric(Numeric::RPL_WHOWASUSER).arg(e->nick).arg(e->user).arg(e->host).arg("*")
                          .trailing(e->realname));
            ctx.reply(ctx.numeric(Numeric::RPL_WHOISSERVER).arg(e->nick).arg(e->server)
                          .trailing(format_time(e->when, "%a %b %d %H:%M:%S %Y UTC", false)));
        }
        ctx.reply(ctx.numeric(Numeric::RPL_ENDOFWHOWAS).arg(nick).trailing("End of WHOWAS"));
    }
}

void handle_userhost(Context& ctx, const Message& m) {
    // RFC 2812 4.8: up to 5 nicks; reply = nick ["*"] "=" ("+" / "-") user@host.
    std::string replies;
    std::size_t asked = 0;
    for (const std::string& param : m.params) {
        std::string_view rest = param;
        while (!rest.empty() && asked < 5) {
            const std::size_t space = rest.find(' ');
            std::string_view nick = rest.substr(0, space);
            rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
            if (nick.empty()) continue;
            ++asked;
            Client* who = ctx.state.find_nick(nick);
            if (who == nullptr || !who->state.registered) continue;
            if (!replies.empty()) replies += ' ';
            replies += who->state.nick;
            replies += who->state.away.empty() ? "=+" : "=-";
            replies += who->state.user;
            replies += '@';
            replies += who->host();
        }
    }
    ctx.reply(ctx.numeric(Numeric::RPL_USERHOST).trailing(replies));
}

}  // namespace hiconn::chat
