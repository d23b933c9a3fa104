// PRIVMSG and NOTICE (RFC 2812 3.3) to nicks and channels, several targets allowed, and
// TAGMSG (IRCv3 message-tags: only tags, only to recipients with message-tags). A channel
// message is formatted once and the same buffer is queued to every member but the sender
// (one more per capability variant, see tagged_line.hpp). NOTICE never gets an error reply
// (RFC 2812 3.3.2), nor does TAGMSG about its text.
#include "workloads/chat/caps.hpp"
#include "workloads/chat/commands.hpp"

namespace hiconn::chat {

namespace {

enum class Kind { privmsg, notice, tagmsg };

void send_message(Context& ctx, const Message& m, std::string_view command, Kind kind) {
    const bool quiet = kind == Kind::notice;  // no error replies
    if (m.params.empty()) {
        if (!quiet)
            ctx.reply(ctx.numeric(Numeric::ERR_NORECIPIENT)
                          .trailing("No recipient given (" + std::string(command) + ")"));
        return;
    }
    if (kind != Kind::tagmsg && (m.params.size() < 2 || m.params[1].empty())) {
        if (!quiet) ctx.reply(ctx.numeric(Numeric::ERR_NOTEXTTOSEND).trailing("No text to send"));
        return;
    }
    const std::string text = kind == Kind::tagmsg ? std::string() : m.params[1];
    // TAGMSG reaches only clients that understand tags; the others never see it.
    const std::uint32_t need = kind == Kind::tagmsg ? std::uint32_t{cap_message_tags} : 0u;
    const bool echo = (ctx.me().caps & cap_echo_message) != 0;
    const std::string tags = message_tags_of(ctx.me().caps, m.tags);  // with "bot" for a +B sender
    auto format = [&](std::string_view target) {
        IrcLine line = ctx.from_me(command);
        line.arg(target);
        if (kind != Kind::tagmsg) line.trailing(text);
        return core::make_shared_buffer(line.finish());
    };
    for (std::string_view target : split_list(m.params[0])) {
        // STATUSMSG (005 STATUSMSG=@+): "@#chan" only to its operators, "+#chan" to its voiced
        // members and operators; the channel rules for the sender are those of "#chan".
        char status = 0;
        if (target.size() > 1 && (target[0] == '@' || target[0] == '+') && target[1] == '#') {
            status = target[0];
            target.remove_prefix(1);
        }
        if (target.front() == '#') {
            Channel* channel = ctx.state.find_channel(target);
            if (channel == nullptr) {
                if (!quiet)
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
                if (!quiet)
                    ctx.reply(ctx.numeric(Numeric::ERR_CANNOTSENDTOCHAN).arg(channel->name)
                                  .trailing("Cannot send to channel"));
                continue;
            }
            SharedBuffer line = format(status != 0 ? status + channel->name : channel->name);
            std::size_t before = ctx.out.deliveries();
            ctx.out.set_account(ctx.me().account);  // account-tag
            ctx.state.broadcast(*channel, line, ctx.out, &ctx.client, need, tags, status);
            if (echo && (ctx.me().caps & need) == need) ctx.out.to_self(*line, tags);  // echo-message
            ctx.out.set_account({});
            ctx.network().message(ctx.client, command, channel, nullptr, text, m.tags, status);
            ctx.counters.messages.fetch_add(1, std::memory_order_relaxed);
            ctx.counters.deliveries.fetch_add(ctx.out.deliveries() - before,
                                              std::memory_order_relaxed);
            continue;
        }
        Client* to = ctx.state.find_nick(target);
        if (to == nullptr || !to->state.registered) {
            if (!quiet)
                ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(target)
                              .trailing("No such nick/channel"));
            continue;
        }
        SharedBuffer line = format(to->state.nick);
        ctx.out.set_account(ctx.me().account);  // account-tag
        if (to->remote())
            ctx.network().message(ctx.client, command, nullptr, to, text, m.tags);
        else if (to != &ctx.client && (to->state.caps & need) == need)  // oneself: once, below
            ctx.out.to(*to, line, tags);
        if ((echo || to == &ctx.client) && (ctx.me().caps & need) == need) ctx.out.to_self(*line, tags);
        ctx.out.set_account({});
        ctx.counters.messages.fetch_add(1, std::memory_order_relaxed);
        ctx.counters.deliveries.fetch_add(1, std::memory_order_relaxed);
        if (kind == Kind::privmsg && !to->state.away.empty())
            ctx.reply(ctx.numeric(Numeric::RPL_AWAY).arg(to->state.nick).trailing(to->state.away));
    }
}

}  // namespace

void handle_privmsg(Context& ctx, const Message& m) { send_message(ctx, m, "PRIVMSG", Kind::privmsg); }

void handle_notice(Context& ctx, const Message& m) { send_message(ctx, m, "NOTICE", Kind::notice); }

void handle_tagmsg(Context& ctx, const Message& m) { send_message(ctx, m, "TAGMSG", Kind::tagmsg); }

}  // namespace hiconn::chat
