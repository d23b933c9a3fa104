// KLINE and UNKLINE: server bans set by IRC operators from their client, the same store as
// the admin endpoint's POST/DELETE /chat/ban. Syntax as in ircd-ratbox/Solanum:
//   KLINE [duration] mask :reason   (a bare duration is in minutes; 0 or none = permanent)
//   UNKLINE mask
// Confirmations and errors are server NOTICEs (there are no numerics for them).
#include "workloads/chat/commands.hpp"

#include <algorithm>

namespace hiconn::chat {

namespace {

bool operator_only(Context& ctx) {
    if (is_oper(ctx.client)) return true;
    ctx.reply(ctx.numeric(Numeric::ERR_NOPRIVILEGES)
                  .trailing("Permission Denied- You're not an IRC operator"));
    return false;
}

void notice(Context& ctx, const std::string& text) {
    ctx.reply(ctx.from_server("NOTICE").arg(ctx.client.nick_or_star()).trailing(text));
}

}  // namespace

void handle_kline(Context& ctx, const Message& m) {
    if (!operator_only(ctx)) return;
    std::size_t next = 0;
    std::int64_t duration = 0;
    // "KLINE 30 mask": a number first is the duration when a mask follows it.
    if (m.params.size() >= 2)
        if (const auto d = parse_ban_duration(m.params[0], 60)) {
            duration = *d;
            next = 1;
        }
    std::string why;
    auto mask = BanMask::parse(m.params[next], &why);
    if (!mask) {
        notice(ctx, "KLINE " + m.params[next] + ": " + why);
        return;
    }
    Ban ban;
    ban.mask = std::move(*mask);
    ban.reason = next + 1 < m.params.size() ? m.params[next + 1] : std::string();
    // Colour and formatting bytes are dropped: a ban reason holds no control bytes.
    ban.reason.erase(std::remove_if(ban.reason.begin(), ban.reason.end(),
                                    [](unsigned char c) { return c < ' ' || c == 0x7F; }),
                     ban.reason.end());
    if (ban.reason.size() > Ban::max_reason) ban.reason.resize(Ban::max_reason);
    ban.set_by = "oper " + ctx.client.prefix();
    ban.set_at = ctx.now;
    ban.expires_at = duration == 0 ? 0 : ctx.now + duration;
    ctx.state.bans.expire(ctx.now);
    auto victims = ctx.state.clients_banned_by(ban);
    const std::string text = ban.mask.text(), reason = ban.close_reason();
    const Ban shared = ban;
    if (!ctx.state.bans.add(std::move(ban))) {
        notice(ctx, "KLINE " + text + ": the ban list is full");
        return;
    }
    ++ctx.state.bans_version;
    ctx.bans_changed = true;
    ctx.network().ban_added(shared);
    notice(ctx, std::string(duration == 0 ? "Added permanent" : "Added temporary " + std::to_string(duration) + " s") +
                    " K-Line for [" + text + "] (" + reason + "), " + std::to_string(victims.size()) +
                    " client(s) disconnected");
    for (auto& victim : victims) ctx.disconnects.push_back(std::move(victim));
}

void handle_unkline(Context& ctx, const Message& m) {
    if (!operator_only(ctx)) return;
    std::string why;
    const auto mask = BanMask::parse(m.params[0], &why);
    if (!mask) {
        notice(ctx, "UNKLINE " + m.params[0] + ": " + why);
        return;
    }
    ctx.state.bans.expire(ctx.now);
    const auto removed = ctx.state.bans.remove(*mask);
    if (!removed) {
        notice(ctx, "No K-Line for [" + mask->text() + "]");
        return;
    }
    ++ctx.state.bans_version;
    ctx.bans_changed = true;
    ctx.network().ban_removed(*mask);
    notice(ctx, "K-Line for [" + removed->mask.text() + "] is removed");
}

}  // namespace hiconn::chat
