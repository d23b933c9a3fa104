// CAP (IRCv3 capability negotiation, ircv3.net/specs/extensions/capability-negotiation):
// LS [302], LIST, REQ (all or nothing, "-cap" removes), END. A client that sends LS or REQ
// before registering is held until END. cap-notify is implied by LS 302 (the offer never
// changes at runtime, so there is never a CAP NEW/DEL to send; sasl appears or goes only
// with chat.accounts on a reload, for clients that ask LS again).
#include "workloads/chat/caps.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/commands.hpp"

#include <cstdlib>

namespace hiconn::chat {

std::vector<std::string> cap_reply_lines(std::string_view server, std::string_view nick,
                                         std::string_view sub, const std::vector<std::string>& words,
                                         bool multiline) {
    // 510 bytes before the CRLF; a continued line holds " *" more than the last one.
    const std::size_t head = 1 + server.size() + 5 + nick.size() + 1 + sub.size() + 2;
    const std::size_t room = 510 - head - (multiline ? 2 : 0);
    std::vector<std::string> chunks(1);
    for (const std::string& word : words) {
        std::string& last = chunks.back();
        if (multiline && !last.empty() && last.size() + 1 + word.size() > room) chunks.emplace_back();
        if (!chunks.back().empty()) chunks.back() += ' ';
        chunks.back() += word;
    }
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        IrcLine line(server, "CAP");
        line.arg(nick).arg(sub);
        if (i + 1 < chunks.size()) line.arg("*");
        lines.push_back(line.trailing(chunks[i]).finish());
    }
    return lines;
}

namespace {

/// sasl is offered only while there are accounts to log in to (chat.accounts).
bool sasl_offered(const Context& ctx) { return ctx.settings().accounts != nullptr; }

void reply_lines(Context& ctx, std::string_view sub, const std::vector<std::string>& words) {
    const bool v302 = (ctx.me().caps & cap_version_302) != 0;
    for (const std::string& line :
         cap_reply_lines(ctx.settings().server_name, ctx.client.nick_or_star(), sub, words, v302))
        ctx.out.to_self(line);
}

void cap_ls(Context& ctx, const Message& m) {
    ClientState& me = ctx.me();
    if (m.params.size() > 1 && std::atoi(m.params[1].c_str()) >= 302)
        me.caps |= cap_version_302 | cap_notify;  // cap-notify is implied by 302
    const bool v302 = (me.caps & cap_version_302) != 0;
    std::vector<std::string> words;
    for (const CapSpec& spec : cap_table) {
        if (spec.bit == cap_sasl && !sasl_offered(ctx)) continue;
        // sasl's value: the mechanisms (302 only), as sasl-3.2 asks.
        words.emplace_back(spec.bit == cap_sasl && v302 ? std::string(spec.name) + "=PLAIN" : std::string(spec.name));
    }
    // sts: an upgrade hint for plain connections only (never requested, never on TLS).
    const std::uint16_t sts_port = ctx.settings().sts_port;
    if (v302 && sts_port != 0 && !ctx.client.link().secure())
        words.push_back("sts=port=" + std::to_string(sts_port));
    reply_lines(ctx, "LS", words);
}

void cap_list(Context& ctx) {
    std::vector<std::string> words;
    for (const CapSpec& spec : cap_table)
        if ((ctx.me().caps & spec.bit) != 0) words.emplace_back(spec.name);
    reply_lines(ctx, "LIST", words);
}

// All or nothing: one unknown name (or removing cap-notify after LS 302) NAKs the request.
void cap_req(Context& ctx, const Message& m) {
    ClientState& me = ctx.me();
    const std::string request = m.params.size() > 1 ? m.params[1] : std::string();
    std::uint32_t add = 0, remove = 0;
    bool ok = false;
    std::string_view rest = request;
    while (!rest.empty()) {
        std::size_t end = rest.find(' ');
        std::string_view word = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        if (word.empty()) continue;
        const bool minus = word.front() == '-';
        if (minus) word.remove_prefix(1);
        const std::uint32_t bit = cap_bit(word);
        ok = bit != 0 && (bit != cap_sasl || sasl_offered(ctx)) && !(minus && bit == cap_notify && (me.caps & cap_version_302) != 0);
        if (!ok) break;
        (minus ? remove : add) |= bit;
    }
    if (!ok) {
        ctx.reply(ctx.from_server("CAP").arg(ctx.client.nick_or_star()).arg("NAK").trailing(request));
        return;
    }
    // The ACK goes out as the client was before it (no @time on the ACK of server-time).
    ctx.reply(ctx.from_server("CAP").arg(ctx.client.nick_or_star()).arg("ACK").trailing(request));
    me.caps = (me.caps | add) & ~(remove & ~add);
}

}  // namespace

void handle_cap(Context& ctx, const Message& m) {
    const std::string sub = ascii_upper(m.params[0]);
    ClientState& me = ctx.me();
    if (sub == "LS") {
        if (!me.registered) me.cap_negotiating = true;
        cap_ls(ctx, m);
    } else if (sub == "LIST") {
        cap_list(ctx);
    } else if (sub == "REQ") {
        if (!me.registered) me.cap_negotiating = true;
        cap_req(ctx, m);
    } else if (sub == "END") {
        if (me.registered) return;  // ignored once registered
        me.cap_negotiating = false;
        try_register(ctx);
    } else {
        ctx.reply(ctx.numeric(Numeric::ERR_INVALIDCAPCMD).arg(m.params[0])
                      .trailing("Invalid CAP command"));
    }
}

}  // namespace hiconn::chat
