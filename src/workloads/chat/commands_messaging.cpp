// PRIVMSG and NOTICE (RFC 2812 3.3) to nicks and channels, several targets allowed.
// A channel message is formatted once and the same buffer is queued to every member but
// the sender. NOTICE never gets an error reply (RFC 2812 3.3.2).
#include "workloads/chat/commands.hpp"

namespace hiconn::chat {

namespace {

void send_message(Context& ctx, const Message& m, std::string_view command, bool notice) {
    if (m.params.empty()) {
        if (!notice)
            ctx.reply(ctx.numeric(Numeric::ERR_NORECIPIENT)
                          .trailing("No recipient given (" + std::string(command) + ")"));
        return;
    }
    if (m.params.size() < 2 || m.params[1].empty()) {
        if (!notice) ctx.reply(ctx.numeric(Numeric::ERR_NOTEXTTOSEND).trailing("No text to send"));
        return;
    }
    const std::string& text = m.params[1];
    for (std::string_view target : split_list(m.params[0])) {
        if (target.front() == '#') {
            Channel* channel = ctx.state.find_channel(target);
            if (channel == nullptr) {
                if (!notice)
                    ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(target)
                                  .trailing("No such nick/channel"));
                continue;
            }
            auto self = channel->members.find(&ctx.client);
            bool member = self != channel->members.end();
            const bool privileged = member && (self->second.op || self->second.voice);
            bool may_speak = member ? (!channel->moderated || privileged)
                                    : (!channel->no_external && !channel->moderated);
            // A banned user (no exception) may not speak either, unless voiced or an operator.
            if (may_speak && !privileged && !channel->bans.empty() && channel->banned(ctx.client.prefix()))
                may_speak = false;
            if (!may_speak) {
                if (!notice)
                    ctx.reply(ctx.numeric(Numeric::ERR_CANNOTSENDTOCHAN).arg(channel->name)
                                  .trailing("Cannot send to channel"));
                continue;
            }
            SharedBuffer line = core::make_shared_buffer(
                ctx.from_me(command).arg(channel->name).trailing(text).finish());
            std::size_t before = ctx.out.deliveries();
            ctx.state.broadcast(*channel, line, ctx.out, &ctx.client);
            ctx.network().message(ctx.client, command, channel, nullptr, text);
            ctx.counters.messages.fetch_add(1, std::memory_order_relaxed);
            ctx.counters.deliveries.fetch_add(ctx.out.deliveries() - before,
                                              std::memory_order_relaxed);
            continue;
        }
        Client* to = ctx.state.find_nick(target);
        if (to == nullptr || !to->state.registered) {
            if (!notice)
                ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(target)
                              .trailing("No such nick/channel"));
            continue;
        }
        if (to->remote())
            ctx.network().message(ctx.client, command, nullptr, to, text);
        else
            ctx.out.to(*to, core::make_shared_buffer(
                                ctx.from_me(command).arg(to->state.nick).trailing(text).finish()));
        ctx.counters.messages.fetch_add(1, std::memory_order_relaxed);
        ctx.counters.deliveries.fetch_add(1, std::memory_order_relaxed);
        if (!notice && !to->state.away.empty())
            ctx.reply(ctx.numeric(Numeric::RPL_AWAY).arg(to->state.nick).trailing(to->state.away));
    }
}

}  // namespace

void handle_privmsg(Context& ctx, const Message& m) { send_message(ctx, m, "PRIVMSG", false); }

void handle_notice(Context& ctx, const Message& m) { send_message(ctx, m, "NOTICE", true); }

}  // namespace hiconn::chat
