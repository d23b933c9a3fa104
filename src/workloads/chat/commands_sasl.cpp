// AUTHENTICATE (ircv3.net sasl-3.2), mechanism PLAIN against chat.accounts.
//
// Cost and abuse: a password check is PBKDF2 (auth/password_hash.hpp, tens of ms). The
// handler only looks the account up; the check runs after ChatServer's lock is released
// (ChatServer::run_line -> check_sasl), so other clients never wait on it, only this
// client's I/O thread does. Each connection gets max_sasl_failures tries, then is closed,
// and a line costs at most one check (flood control bounds the lines); an unknown account
// is checked against a dummy hash, so the reply time does not tell which accounts exist.
#include "auth/password_hash.hpp"
#include "core/log.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/commands.hpp"

namespace hiconn::chat {

namespace {

/// Failed logins one connection may have; the next failure closes it.
constexpr std::uint8_t max_sasl_failures = 3;

void sasl_fail(Context& ctx) {
    ctx.reply(ctx.numeric(Numeric::ERR_SASLFAIL).trailing("SASL authentication failed"));
    if (++ctx.client.sasl_failures >= max_sasl_failures)
        ctx.request_close("Too many failed SASL logins", "Too many failed SASL logins");
}

void start(Context& ctx, const std::string& mechanism) {
    if (ascii_upper(mechanism) != "PLAIN") {
        ctx.reply(ctx.numeric(Numeric::RPL_SASLMECHS).arg("PLAIN").trailing("are available SASL mechanisms"));
        ctx.reply(ctx.numeric(Numeric::ERR_SASLFAIL).trailing("SASL authentication failed"));
        return;
    }
    ctx.client.sasl = std::make_unique<SaslChunks>();
    ctx.reply(IrcLine("", "AUTHENTICATE").arg("+"));
}

void take_chunk(Context& ctx, const std::string& chunk) {
    const SaslChunks::Status status = ctx.client.sasl->add(chunk);
    if (status == SaslChunks::Status::more) return;
    const std::string payload = ctx.client.sasl->payload();
    ctx.client.sasl.reset();
    if (status == SaslChunks::Status::too_long) {
        ctx.reply(ctx.numeric(Numeric::ERR_SASLTOOLONG).trailing("SASL message too long"));
        return;
    }
    const auto credentials = decode_sasl_plain(payload);
    // Acting as another account (authzid) needs services hiconn does not have.
    if (!credentials || (!credentials->authzid.empty() && ascii_upper(credentials->authzid) !=
                                                             ascii_upper(credentials->authcid))) {
        log::warn("chat: SASL PLAIN from " + ctx.client.host() + ": malformed or for another identity");
        sasl_fail(ctx);
        return;
    }
    const auth::Account* account = ctx.settings().accounts->find(credentials->authcid);
    ctx.sasl.requested = true;
    ctx.sasl.account = account != nullptr ? account->name : std::string();
    ctx.sasl.password_hash = account != nullptr ? account->password_hash : std::string();
    ctx.sasl.password = credentials->password;
    if (account == nullptr)  // the name only when it is one: it came from outside (no CR/LF in the log)
        log::warn("chat: SASL PLAIN from " + ctx.client.host() + ": no account '" +
                  (auth::valid_account_name(credentials->authcid) ? credentials->authcid : std::string("?")) + "'");
}

}  // namespace

void handle_authenticate(Context& ctx, const Message& m) {
    if (ctx.settings().accounts == nullptr) {
        ctx.reply(ctx.numeric(Numeric::ERR_SASLFAIL).trailing("SASL authentication failed (no accounts here)"));
        return;
    }
    const std::string& word = m.params[0];
    if (word == "*") {
        ctx.client.sasl.reset();
        ctx.reply(ctx.numeric(Numeric::ERR_SASLABORTED).trailing("SASL authentication aborted"));
        return;
    }
    if (!ctx.me().account.empty()) {
        ctx.client.sasl.reset();
        ctx.reply(ctx.numeric(Numeric::ERR_SASLALREADY).trailing("You have already authenticated using SASL"));
        return;
    }
    if (ctx.client.sasl == nullptr)
        start(ctx, word);
    else
        take_chunk(ctx, word);
}

void complete_sasl(Context& ctx, const std::string& account, bool ok) {
    ClientState& me = ctx.me();
    if (me.detached) return;
    if (!ok) {
        log::warn("chat: SASL PLAIN from " + ctx.client.host() + " failed" +
                  (account.empty() ? std::string() : " for account '" + account + "'"));
        sasl_fail(ctx);
        return;
    }
    me.account = account;
    log::info("chat: " + ctx.client.host() + " logged in as account '" + account + "'");
    // Before registration the prefix is "*" parts; 900 carries what there is.
    const std::string mask = (me.nick.empty() ? std::string("*") : me.nick) + "!" +
                             (me.user.empty() ? std::string("*") : me.user) + "@" + ctx.client.host();
    ctx.reply(ctx.numeric(Numeric::RPL_LOGGEDIN).arg(mask).arg(account)
                  .trailing("You are now logged in as " + account));
    ctx.reply(ctx.numeric(Numeric::RPL_SASLSUCCESS).trailing("SASL authentication successful"));
    if (me.registered) {
        notify_account(ctx.state, ctx.client, ctx.out);
        ctx.network().account_changed(ctx.client);
    }
}

void notify_account(ServerState& state, Client& who, Outbox& out) {
    const std::string& account = who.state.account;
    SharedBuffer line = core::make_shared_buffer(
        IrcLine(who.prefix(), "ACCOUNT").arg(account.empty() ? std::string("*") : account).finish());
    for (Client* peer : state.peers_of(who))
        if ((peer->state.caps & cap_account_notify) != 0) out.to(*peer, line);
}

}  // namespace hiconn::chat
