// IRC operators (RFC 2812 3.1.4, 3.7.1, 3.7.2): OPER, KILL, WALLOPS, from chat.operators.
//
// OPER's password check is PBKDF2 like SASL's and runs after the lock is released
// (ChatServer::check_oper). A failed OPER is logged and makes the next attempt on that
// connection wait 2^failures seconds (capped), refused unchecked until then, so a guesser
// gets a handful of tries a minute and no CPU to burn.
#include "core/log.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/mask.hpp"

#include <algorithm>

namespace hiconn::chat {

namespace {

constexpr std::int64_t max_oper_backoff_s = 64;

const config::OperatorConfig* find_operator(const Context& ctx, const std::string& name) {
    for (const auto& o : ctx.settings().operators)
        if (o.name == name) return &o;
    return nullptr;
}

bool host_allowed(Context& ctx, const config::OperatorConfig& o) {
    const std::string user_host = ctx.me().user + "@" + ctx.client.host();
    return std::any_of(o.hosts.begin(), o.hosts.end(),
                       [&](const std::string& mask) { return mask_match(mask, user_host); });
}

void oper_failed(Context& ctx, const std::string& name, const char* why) {
    Client& c = ctx.client;
    if (c.oper_failures < 32) ++c.oper_failures;
    c.oper_retry_at = ctx.now + std::min<std::int64_t>(std::int64_t{1} << std::min<int>(c.oper_failures, 6),
                                                       max_oper_backoff_s);
    log::warn("chat: failed OPER " + name + " by " + ctx.client.prefix() + ": " + why);
}

}  // namespace

void handle_oper(Context& ctx, const Message& m) {
    const std::string& name = m.params[0];
    if (is_oper(ctx.client)) {
        ctx.reply(ctx.numeric(Numeric::RPL_YOUREOPER).trailing("You are now an IRC operator"));
        return;
    }
    if (ctx.now < ctx.client.oper_retry_at) {
        log::warn("chat: OPER by " + ctx.client.prefix() + " refused unchecked (too soon after a failure)");
        ctx.reply(ctx.numeric(Numeric::ERR_PASSWDMISMATCH).trailing("Password incorrect"));
        return;
    }
    const config::OperatorConfig* o = find_operator(ctx, name);
    if (o == nullptr) {
        oper_failed(ctx, name, "no such operator");
        ctx.reply(ctx.numeric(Numeric::ERR_PASSWDMISMATCH).trailing("Password incorrect"));
        return;
    }
    if (!host_allowed(ctx, *o)) {
        oper_failed(ctx, name, "host not allowed");
        ctx.reply(ctx.numeric(Numeric::ERR_NOOPERHOST).trailing("No O-lines for your host"));
        return;
    }
    ctx.oper = {true, o->name, o->password_hash, m.params[1]};
}

void complete_oper(Context& ctx, const std::string& name, bool ok) {
    ClientState& me = ctx.me();
    if (me.detached) return;
    if (!ok) {
        oper_failed(ctx, name, "wrong password");
        ctx.reply(ctx.numeric(Numeric::ERR_PASSWDMISMATCH).trailing("Password incorrect"));
        return;
    }
    ctx.client.oper_failures = 0;
    me.caps |= mode_oper | mode_wallops;
    log::info("chat: " + ctx.client.prefix() + " is now IRC operator " + name);
    ctx.reply(ctx.numeric(Numeric::RPL_YOUREOPER).trailing("You are now an IRC operator"));
    ctx.reply(IrcLine(me.nick, "MODE").arg(me.nick).trailing("+ow"));
    ctx.network().user_mode(ctx.client);
}

void handle_kill(Context& ctx, const Message& m) {
    if (!is_oper(ctx.client)) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOPRIVILEGES).trailing("Permission Denied- You're not an IRC operator"));
        return;
    }
    Client* victim = ctx.state.find_nick(m.params[0]);
    if (victim == nullptr || !victim->state.registered) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(m.params[0]).trailing("No such nick/channel"));
        return;
    }
    const std::string reason = m.params.size() > 1 && !m.params[1].empty() ? m.params[1] : std::string("No reason");
    const std::string quit = "Killed (" + ctx.me().nick + " (" + reason + "))";
    log::info("chat: KILL " + victim->state.nick + " by " + ctx.client.prefix() + " (" + reason + ")");
    if (victim->remote()) {
        ctx.network().killed(ctx.client, *victim, quit);
        return;
    }
    if (victim == &ctx.client) {
        ctx.request_close(quit, quit);
        return;
    }
    // The victim is told on its own thread (ERROR, then the close); everyone else now.
    ClientPtr keep = victim->shared_from_this();
    ctx.state.detach(*victim, quit, ctx.out);
    ctx.kills.push_back({std::move(keep), quit});
}

void handle_wallops(Context& ctx, const Message& m) {
    if (!is_oper(ctx.client)) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOPRIVILEGES).trailing("Permission Denied- You're not an IRC operator"));
        return;
    }
    deliver_wallops(ctx.state, ctx.client.prefix(), m.params[0], ctx.out);
    ctx.network().wallops(ctx.client, m.params[0]);
}

void deliver_wallops(ServerState& state, std::string_view from, std::string_view text, Outbox& out) {
    SharedBuffer line = core::make_shared_buffer(IrcLine(from, "WALLOPS").trailing(text).finish());
    for (auto& [key, client] : state.nicks)
        // A nick waiting for its network-wide claim is a second key of its client: once each.
        if (!client->remote() && client->state.registered && irc_equal(key, client->state.nick) &&
            (client->state.caps & (mode_wallops | mode_oper)) != 0)
            out.to(*client, line);
}

std::size_t operators_online(const ServerState& state) {
    std::size_t n = 0;
    for (const auto& [key, client] : state.nicks)
        if (client->state.registered && is_oper(*client) && irc_equal(key, client->state.nick)) ++n;
    return n;
}

}  // namespace hiconn::chat
