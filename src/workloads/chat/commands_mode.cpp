// MODE for channels (RFC 2811 4: o v n t m i k l s) and for users (RFC 2812 3.1.5: i).
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/commands.hpp"

#include <charconv>

namespace hiconn::chat {

namespace {

void user_mode(Context& ctx, const Message& m) {
    Client* target = ctx.state.find_nick(m.params[0]);
    if (target == nullptr) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(m.params[0]).trailing("No such nick/channel"));
        return;
    }
    if (target != &ctx.client) {
        ctx.reply(ctx.numeric(Numeric::ERR_USERSDONTMATCH).trailing("Cannot change mode for other users"));
        return;
    }
    ClientState& me = ctx.me();
    if (m.params.size() < 2) {
        ctx.reply(ctx.numeric(Numeric::RPL_UMODEIS).arg(me.invisible ? "+i" : "+"));
        return;
    }
    bool adding = true, unknown = false;
    std::string applied;
    char applied_sign = 0;
    for (char c : m.params[1]) {
        if (c == '+' || c == '-') {
            adding = c == '+';
        } else if (c == 'i') {
            if (me.invisible == adding) continue;
            me.invisible = adding;
            ctx.state.invisible += adding ? 1 : -1;
            char sign = adding ? '+' : '-';
            if (sign != applied_sign) applied += sign;
            applied_sign = sign;
            applied += 'i';
        } else {
            unknown = true;  // e.g. +o: no server operators here
        }
    }
    if (unknown) ctx.reply(ctx.numeric(Numeric::ERR_UMODEUNKNOWNFLAG).trailing("Unknown MODE flag"));
    if (!applied.empty()) {
        ctx.reply(IrcLine(me.nick, "MODE").arg(me.nick).trailing(applied));
        ctx.network().user_mode(ctx.client);
    }
}

bool parse_limit(std::string_view text, std::uint32_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && out > 0;
}

void channel_mode(Context& ctx, const Message& m) {
    Channel* channel = ctx.state.find_channel(m.params[0]);
    if (channel == nullptr) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHCHANNEL).arg(m.params[0]).trailing("No such channel"));
        return;
    }
    auto self = channel->members.find(&ctx.client);
    const bool member = self != channel->members.end();
    if (m.params.size() < 2) {
        ctx.reply(ctx.numeric(Numeric::RPL_CHANNELMODEIS).arg(channel->name)
                      .arg(channel->mode_string(member)));
        ctx.reply(ctx.numeric(Numeric::RPL_CREATIONTIME).arg(channel->name)
                      .arg(std::to_string(channel->created)));
        return;
    }
    const std::string& modes = m.params[1];
    // "MODE #c b" / "+b" without a mask is a ban list query (irssi sends it on join): no
    // bans are kept, so the list is empty.
    if (modes == "b" || modes == "+b") {
        ctx.reply(ctx.numeric(Numeric::RPL_ENDOFBANLIST).arg(channel->name)
                      .trailing("End of channel ban list"));
        return;
    }
    if (!member || !self->second.op) {
        ctx.reply(ctx.numeric(Numeric::ERR_CHANOPRIVSNEEDED).arg(channel->name)
                      .trailing("You're not channel operator"));
        return;
    }

    std::size_t next_param = 2;
    auto take_param = [&]() -> const std::string* {
        return next_param < m.params.size() ? &m.params[next_param++] : nullptr;
    };
    bool adding = true;
    char applied_sign = 0;
    std::string applied, applied_params;
    std::vector<std::string> params;
    auto record = [&](char mode, std::string_view param) {
        char sign = adding ? '+' : '-';
        if (sign != applied_sign) applied += sign;
        applied_sign = sign;
        applied += mode;
        if (!param.empty()) {
            applied_params += ' ';
            applied_params += param;
            params.emplace_back(param);
        }
    };
    auto set_flag = [&](bool& flag, char mode) {
        if (flag == adding) return;
        flag = adding;
        record(mode, {});
    };

    for (char c : modes) {
        switch (c) {
        case '+':
        case '-':
            adding = c == '+';
            break;
        case 'n': set_flag(channel->no_external, c); break;
        case 't': set_flag(channel->topic_ops_only, c); break;
        case 'm': set_flag(channel->moderated, c); break;
        case 'i': set_flag(channel->invite_only, c); break;
        case 's': set_flag(channel->secret, c); break;
        case 'o':
        case 'v': {
            const std::string* nick = take_param();
            if (nick == nullptr) {
                ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg("MODE").trailing("Not enough parameters"));
                break;
            }
            Client* target = ctx.state.find_nick(*nick);
            if (target == nullptr || !target->state.registered) {
                ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(*nick).trailing("No such nick/channel"));
                break;
            }
            auto member_it = channel->members.find(target);
            if (member_it == channel->members.end()) {
                ctx.reply(ctx.numeric(Numeric::ERR_USERNOTINCHANNEL).arg(target->state.nick)
                              .arg(channel->name).trailing("They aren't on that channel"));
                break;
            }
            bool& flag = c == 'o' ? member_it->second.op : member_it->second.voice;
            if (flag == adding) break;
            flag = adding;
            record(c, target->state.nick);
            break;
        }
        case 'k': {
            const std::string* key = take_param();
            if (!adding) {  // "-k" takes the key as a parameter, but any key removes it
                if (channel->key.empty()) break;
                channel->key.clear();
                record('k', "*");
                break;
            }
            if (key == nullptr || key->empty() || key->find(' ') != std::string::npos) {
                ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg("MODE").trailing("Not enough parameters"));
                break;
            }
            if (!channel->key.empty()) {
                ctx.reply(ctx.numeric(Numeric::ERR_KEYSET).arg(channel->name)
                              .trailing("Channel key already set"));
                break;
            }
            channel->key = key->substr(0, 23);
            record('k', channel->key);
            break;
        }
        case 'l': {
            if (!adding) {
                if (channel->limit == 0) break;
                channel->limit = 0;
                record('l', {});
                break;
            }
            const std::string* text = take_param();
            std::uint32_t limit = 0;
            if (text == nullptr || !parse_limit(*text, limit)) {
                ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg("MODE").trailing("Not enough parameters"));
                break;
            }
            if (channel->limit == limit) break;
            channel->limit = limit;
            record('l', std::to_string(limit));
            break;
        }
        case 'b':
            break;  // ban lists are not kept (see above); a ban mask is ignored
        default:
            ctx.reply(ctx.numeric(Numeric::ERR_UNKNOWNMODE).arg(std::string(1, c))
                          .trailing("is unknown mode char to me for " + channel->name));
        }
    }
    if (applied.empty()) return;
    SharedBuffer line = core::make_shared_buffer(
        ctx.from_me("MODE").arg(channel->name).arg(applied + applied_params).finish());
    ctx.state.broadcast(*channel, line, ctx.out, nullptr);
    ctx.network().channel_mode(ctx.client, *channel, applied, params);
}

}  // namespace

void handle_mode(Context& ctx, const Message& m) {
    if (!m.params[0].empty() && m.params[0][0] == '#')
        channel_mode(ctx, m);
    else
        user_mode(ctx, m);
}

}  // namespace hiconn::chat
