// Registration: PASS, NICK, USER and the welcome burst (RFC 2812 3.1); CAP is in commands_cap.cpp.
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/commands.hpp"

namespace hiconn::chat {

namespace {

void send_welcome(Context& ctx) {
    const Settings& s = ctx.settings();
    ctx.reply(ctx.numeric(Numeric::RPL_WELCOME)
                  .trailing("Welcome to the " + s.network_name + " Internet Relay Chat Network " +
                            ctx.client.prefix()));
    ctx.reply(ctx.numeric(Numeric::RPL_YOURHOST)
                  .trailing("Your host is " + s.server_name + ", running version " + s.version));
    ctx.reply(ctx.numeric(Numeric::RPL_CREATED).trailing("This server was created " + s.created));
    ctx.reply(ctx.numeric(Numeric::RPL_MYINFO).arg(s.server_name).arg(s.version).arg("Biow")
                  .arg("Ibeiklmnostv"));
    send_isupport(ctx);
    send_lusers(ctx);
    send_motd(ctx);
}

}  // namespace

// Completes registration once NICK and USER are in and CAP negotiation (if any) ended.
void try_register(Context& ctx) {
    ClientState& me = ctx.me();
    if (me.registered || me.nick.empty() || me.user.empty() || me.cap_negotiating) return;
    const std::string& password = ctx.settings().password;
    if (!password.empty() && me.password != password) {
        ctx.reply(ctx.numeric(Numeric::ERR_PASSWDMISMATCH).trailing("Password incorrect"));
        ctx.request_close("Bad Password", "Bad Password");
        return;
    }
    if (ctx.settings().sasl_required && me.account.empty()) {
        ctx.reply(ctx.numeric(Numeric::ERR_SASLFAIL)
                      .trailing("You must log in with SASL to use this server (CAP REQ :sasl, AUTHENTICATE PLAIN)"));
        ctx.request_close("SASL authentication required", "SASL authentication required");
        return;
    }
    // A K-line is judged on the whole identity, so only now (nick and user known).
    if (const Ban* ban = ctx.state.bans.match(BanTarget::of(ctx.client), ctx.now)) {
        ctx.reply(ctx.numeric(Numeric::ERR_YOUREBANNEDCREEP)
                      .trailing("You are banned from this server: " +
                                (ban->reason.empty() ? std::string("No reason") : ban->reason)));
        ctx.request_close(ban->close_reason(), ban->close_reason());
        return;
    }
    me.password.clear();
    me.registered = true;
    ctx.client.registration_deadline_ms = 0;  // in loop: registration runs on the client's thread
    ++ctx.state.registered;
    ctx.state.note_registered();
    ctx.state.monitor_notify(me.nick, &ctx.client, ctx.out);  // MONITOR: online
    send_welcome(ctx);
    ctx.network().registered(ctx.client);
}

void handle_pass(Context& ctx, const Message& m) {
    if (ctx.me().registered) {
        ctx.reply(ctx.numeric(Numeric::ERR_ALREADYREGISTRED)
                      .trailing("Unauthorized command (already registered)"));
        return;
    }
    ctx.me().password = m.params[0];
}

void handle_nick(Context& ctx, const Message& m) {
    if (m.params.empty() || m.params[0].empty()) {
        ctx.reply(ctx.numeric(Numeric::ERR_NONICKNAMEGIVEN).trailing("No nickname given"));
        return;
    }
    const std::string& nick = m.params[0];
    if (!valid_nick(nick, ctx.settings().max_nick_length)) {
        ctx.reply(ctx.numeric(Numeric::ERR_ERRONEUSNICKNAME).arg(nick).trailing("Erroneous nickname"));
        return;
    }
    ClientState& me = ctx.me();
    Client* holder = ctx.state.find_nick(nick);
    if (holder != nullptr && holder != &ctx.client) {
        ctx.reply(ctx.numeric(Numeric::ERR_NICKNAMEINUSE).arg(nick)
                      .trailing("Nickname is already in use"));
        return;
    }
    if (nick == me.nick) return;  // no change (a case change is a change)
    if (me.id == 0) me.id = ++ctx.state.next_id;
    if (ctx.network().federated()) {
        // Held here (no other local client can take it) until the network answers.
        if (!me.pending_nick.empty() && irc_lower(me.pending_nick) != irc_lower(me.nick)) {
            auto it = ctx.state.nicks.find(irc_lower(me.pending_nick));
            if (it != ctx.state.nicks.end() && it->second == &ctx.client) ctx.state.nicks.erase(it);
        }
        me.pending_nick = nick;
        ctx.state.nicks[irc_lower(nick)] = &ctx.client;
        ctx.network().claim_nick(ctx.client, nick);
        return;
    }
    complete_nick(ctx, nick);
}

void complete_nick(Context& ctx, const std::string& nick, std::int64_t nick_ms) {
    ClientState& me = ctx.me();
    const std::int64_t old_ms = me.nick_ms;
    me.nick_ms = nick_ms != 0 ? nick_ms : wall_clock_ms();
    if (!me.registered) {
        ctx.state.set_nick(ctx.client, nick);
        try_register(ctx);
        return;
    }
    // Everyone sharing a channel sees the change once, and so does the client itself.
    SharedBuffer line = core::make_shared_buffer(ctx.from_me("NICK").trailing(nick).finish());
    ctx.out.to(ctx.client, line);
    for (Client* peer : ctx.state.peers_of(ctx.client)) ctx.out.to(*peer, line);
    const std::string old = me.nick;
    ctx.state.set_nick(ctx.client, nick);
    ctx.network().nick_changed(ctx.client, old, old_ms);
    ctx.state.monitor_notify(old, nullptr, ctx.out);  // MONITOR
    ctx.state.monitor_notify(nick, &ctx.client, ctx.out);
}

void handle_user(Context& ctx, const Message& m) {
    ClientState& me = ctx.me();
    if (me.registered) {
        ctx.reply(ctx.numeric(Numeric::ERR_ALREADYREGISTRED)
                      .trailing("Unauthorized command (already registered)"));
        return;
    }
    // RFC 2812 3.1.3 / Modern IRC: a USER with an empty user name or realname is 461.
    if (m.params[0].empty() || m.params[3].empty()) {
        ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg("USER").trailing("Not enough parameters"));
        return;
    }
    // The user name goes into every prefix: keep it a short single word (USERLEN 10, as ircu).
    std::string user = m.params[0].substr(0, 10);
    for (char& c : user)
        if (c == '@' || c == '!' || c == ':') c = '_';
    me.user = "~" + user;  // '~': not verified by ident (RFC 1413), as every server marks it
    me.realname = m.params[3];
    try_register(ctx);
}

}  // namespace hiconn::chat
