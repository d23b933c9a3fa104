// MODE for channels (RFC 2811 4: o v n t m i k l s, and the b e I lists) and for users
// (RFC 2812 3.1.5: i).
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/mask.hpp"

#include <algorithm>

#include <charconv>

namespace hiconn::chat {

namespace {

/// Modes with a parameter that one MODE command may change (005 MODES=4, as RFC 2812 3.2.3
/// allows three and most servers four); further ones are ignored.
constexpr std::size_t max_param_modes = 4;

/// The three mask lists (RFC 2811 4.3), their letters and numerics.
struct ListKind {
    char letter;
    MaskList Channel::*list;
    Numeric item, end;
    const char* end_text;
};
constexpr ListKind list_kinds[] = {
    {'b', &Channel::bans, Numeric::RPL_BANLIST, Numeric::RPL_ENDOFBANLIST, "End of channel ban list"},
    {'e', &Channel::excepts, Numeric::RPL_EXCEPTLIST, Numeric::RPL_ENDOFEXCEPTLIST, "End of channel exception list"},
    {'I', &Channel::invex, Numeric::RPL_INVITELIST, Numeric::RPL_ENDOFINVITELIST, "End of channel invite list"},
};

const ListKind* list_kind(char letter) {
    for (const ListKind& kind : list_kinds)
        if (kind.letter == letter) return &kind;
    return nullptr;
}

void send_list(Context& ctx, Channel& channel, const ListKind& kind) {
    for (const ListEntry& entry : channel.*kind.list)
        ctx.reply(ctx.numeric(kind.item).arg(channel.name).arg(entry.mask).arg(entry.setter)
                      .arg(std::to_string(entry.when)));
    ctx.reply(ctx.numeric(kind.end).arg(channel.name).trailing(kind.end_text));
}

/// "+b mask" / "-b mask": the applied mask, or "" when nothing changed.
std::string change_list(Context& ctx, Channel& channel, const ListKind& kind, bool adding,
                        std::string_view param) {
    if (param.empty() || param[0] == ':' || param.find(' ') != std::string_view::npos) return {};
    std::string mask = full_mask(param.substr(0, 200));
    MaskList& list = channel.*kind.list;
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const ListEntry& e) { return irc_equal(e.mask, mask); });
    if (!adding) {
        if (it == list.end()) return {};
        mask = it->mask;
        list.erase(it);
        return mask;
    }
    if (it != list.end()) return {};
    if (channel.list_entries() >= Channel::max_list_entries) {
        ctx.reply(ctx.numeric(Numeric::ERR_BANLISTFULL).arg(channel.name).arg(std::string(1, kind.letter))
                      .trailing("Channel list is full"));
        return {};
    }
    list.push_back({mask, ctx.me().nick, ctx.now});
    return mask;
}

void invalid_param(Context& ctx, const Channel& channel, char mode, std::string_view param,
                   std::string_view why) {
    ctx.reply(ctx.numeric(Numeric::ERR_INVALIDMODEPARAM).arg(channel.name).arg(std::string(1, mode))
                  .arg(param.empty() || param[0] == ':' || param.find(' ') != std::string_view::npos
                           ? std::string_view("*") : param)
                  .trailing(why));
}

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
        std::string modes = "+";
        if (me.invisible) modes += 'i';
        if ((me.caps & mode_oper) != 0) modes += 'o';
        if ((me.caps & mode_wallops) != 0) modes += 'w';
        if ((me.caps & mode_bot) != 0) modes += 'B';
        ctx.reply(ctx.numeric(Numeric::RPL_UMODEIS).arg(modes));
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
        } else if (c == 'B' || c == 'w' || (c == 'o' && !adding)) {
            // +B IRCv3 bot mode, +w WALLOPS; -o gives operator rights up (+o only through OPER,
            // ignored here as RFC 2812 3.1.5 says).
            const std::uint32_t bit = c == 'B' ? mode_bot : c == 'w' ? mode_wallops : mode_oper;
            if (((me.caps & bit) != 0) == adding) continue;
            me.caps = adding ? me.caps | bit : me.caps & ~bit;
            char sign = adding ? '+' : '-';
            if (sign != applied_sign) applied += sign;
            applied_sign = sign;
            applied += c;
        } else if (c != 'o') {
            unknown = true;
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
    // A list query ("MODE #c b", "+e", "bI": list letters only, no mask): anyone may ask
    // (irssi asks for b on join).
    if (m.params.size() == 2 && modes.find_first_of("beI") != std::string::npos &&
        modes.find_first_not_of("+-beI") == std::string::npos) {
        for (const ListKind& kind : list_kinds)
            if (modes.find(kind.letter) != std::string::npos) send_list(ctx, *channel, kind);
        return;
    }
    if (!member || !self->second.op) {
        ctx.reply(ctx.numeric(Numeric::ERR_CHANOPRIVSNEEDED).arg(channel->name)
                      .trailing("You're not channel operator"));
        return;
    }

    std::size_t next_param = 2, param_modes = 0;
    auto take_param = [&]() -> const std::string* {
        return next_param < m.params.size() ? &m.params[next_param++] : nullptr;
    };
    bool adding = true;
    auto takes_param = [&](char c) {
        return c == 'o' || c == 'v' || c == 'k' || (c == 'l' && adding) ||
               (list_kind(c) != nullptr && next_param < m.params.size());
    };
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
        if (takes_param(c) && param_modes++ == max_param_modes) break;  // MODES=4
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
            if (key == nullptr) {
                ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg("MODE").trailing("Not enough parameters"));
                break;
            }
            if (key->empty() || key->find_first_of(" ,") != std::string::npos) {
                invalid_param(ctx, *channel, 'k', *key, "Invalid key: one word without commas");
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
            if (text == nullptr) {
                ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg("MODE").trailing("Not enough parameters"));
                break;
            }
            if (!parse_limit(*text, limit)) {
                invalid_param(ctx, *channel, 'l', *text, "Invalid limit: a positive number");
                break;
            }
            if (channel->limit == limit) break;
            channel->limit = limit;
            record('l', std::to_string(limit));
            break;
        }
        case 'b':
        case 'e':
        case 'I': {
            const ListKind& kind = *list_kind(c);
            const std::string* mask = take_param();
            if (mask == nullptr) {
                send_list(ctx, *channel, kind);
                break;
            }
            const std::string applied_mask = change_list(ctx, *channel, kind, adding, *mask);
            if (!applied_mask.empty()) record(c, applied_mask);
            break;
        }
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
