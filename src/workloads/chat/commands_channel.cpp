// Channel membership and channel information: JOIN, PART, TOPIC, NAMES, LIST, KICK, INVITE
// (RFC 2812 3.2, RFC 2811).
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/mask.hpp"

#include <algorithm>
#include <charconv>

namespace hiconn::chat {

namespace {

void no_such_channel(Context& ctx, std::string_view name) {
    ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHCHANNEL).arg(name).trailing("No such channel"));
}

void not_on_channel(Context& ctx, std::string_view name) {
    ctx.reply(ctx.numeric(Numeric::ERR_NOTONCHANNEL).arg(name)
                  .trailing("You're not on that channel"));
}

void part_all(Context& ctx, std::string_view reason) {
    while (!ctx.me().channels.empty()) {
        Channel& channel = *ctx.me().channels.back();
        IrcLine line = ctx.from_me("PART").arg(channel.name);
        if (!reason.empty()) line.trailing(reason);
        ctx.state.broadcast(channel, core::make_shared_buffer(line.finish()), ctx.out, nullptr);
        ctx.network().parted(ctx.client, channel, reason);
        ctx.state.leave(ctx.client, channel);
    }
}

void send_topic(Context& ctx, const Channel& channel) {
    if (channel.topic.empty()) {
        ctx.reply(ctx.numeric(Numeric::RPL_NOTOPIC).arg(channel.name).trailing("No topic is set"));
        return;
    }
    ctx.reply(ctx.numeric(Numeric::RPL_TOPIC).arg(channel.name).trailing(channel.topic));
    ctx.reply(ctx.numeric(Numeric::RPL_TOPICWHOTIME).arg(channel.name).arg(channel.topic_setter)
                  .arg(std::to_string(channel.topic_time)));
}

bool is_member(const Channel& channel, Client& client) {
    return channel.members.count(&client) != 0;
}

}  // namespace

void send_names(Context& ctx, Channel& channel) {
    // 353 lines, as many names per line as fit in 512 bytes with the prefix and CRLF.
    const char* kind = channel.secret ? "@" : "=";
    auto start = [&] { return ctx.numeric(Numeric::RPL_NAMREPLY).arg(kind).arg(channel.name); };
    const bool see_all = is_member(channel, ctx.client);
    std::size_t header = start().finish().size() + 2;  // + " :"
    std::string names;
    const bool all = (ctx.me().caps & cap_multi_prefix) != 0;
    const bool userhost = (ctx.me().caps & cap_userhost_in_names) != 0;
    for (auto& [member, flags] : channel.members) {
        if (!see_all && member->state.invisible) continue;
        std::string entry = Channel::prefix_of(flags, all) +
                            (userhost ? member->prefix() : member->state.nick);
        if (!names.empty() && header + names.size() + 1 + entry.size() > 512) {
            ctx.reply(start().trailing(names));
            names.clear();
        }
        if (!names.empty()) names += ' ';
        names += entry;
    }
    if (!names.empty()) ctx.reply(start().trailing(names));
    ctx.reply(ctx.numeric(Numeric::RPL_ENDOFNAMES).arg(channel.name).trailing("End of NAMES list"));
}

void handle_join(Context& ctx, const Message& m) {
    if (m.params[0] == "0") {  // RFC 2812 3.2.1: leave every channel
        part_all(ctx, "Left all channels");
        return;
    }
    std::vector<std::string_view> names = split_list(m.params[0]);
    std::vector<std::string_view> keys =
        m.params.size() > 1 ? split_list(m.params[1]) : std::vector<std::string_view>{};
    const Settings& s = ctx.settings();
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::string_view name = names[i];
        std::string_view key = i < keys.size() ? keys[i] : std::string_view{};
        if (!valid_channel_name(name, s.max_channel_length)) {
            no_such_channel(ctx, name);
            continue;
        }
        Channel* channel = ctx.state.find_channel(name);
        if (channel != nullptr && is_member(*channel, ctx.client)) continue;
        if (ctx.me().channels.size() >= s.max_channels_per_client) {
            ctx.reply(ctx.numeric(Numeric::ERR_TOOMANYCHANNELS).arg(name)
                          .trailing("You have joined too many channels"));
            continue;
        }
        if (channel != nullptr) {
            const std::string prefix = ctx.client.prefix();
            // +I lets a matching user past +i; +e lets a matching one past +b.
            const bool invited = channel->invited.count(irc_lower(ctx.me().nick)) != 0 ||
                                 Channel::listed(channel->invex, prefix);
            if (channel->banned(prefix) && !invited) {
                ctx.reply(ctx.numeric(Numeric::ERR_BANNEDFROMCHAN).arg(channel->name)
                              .trailing("Cannot join channel (+b)"));
                continue;
            }
            if (channel->invite_only && !invited) {
                ctx.reply(ctx.numeric(Numeric::ERR_INVITEONLYCHAN).arg(channel->name)
                              .trailing("Cannot join channel (+i)"));
                continue;
            }
            if (!channel->key.empty() && key != channel->key) {
                ctx.reply(ctx.numeric(Numeric::ERR_BADCHANNELKEY).arg(channel->name)
                              .trailing("Cannot join channel (+k)"));
                continue;
            }
            if (channel->limit != 0 && channel->members.size() >= channel->limit) {
                ctx.reply(ctx.numeric(Numeric::ERR_CHANNELISFULL).arg(channel->name)
                              .trailing("Cannot join channel (+l)"));
                continue;
            }
        }
        Channel& joined = ctx.state.join(ctx.client, channel, name, ctx.now);
        ctx.state.broadcast_join(joined, ctx.client, ctx.out);  // extended-join for those with it
        if (!ctx.me().away.empty()) ctx.state.notify_away(ctx.client, ctx.out, &joined);  // away-notify
        ctx.network().joined(ctx.client, joined, joined.members.at(&ctx.client));
        if (!joined.topic.empty()) send_topic(ctx, joined);
        send_names(ctx, joined);
    }
}

void handle_part(Context& ctx, const Message& m) {
    std::string_view reason = m.params.size() > 1 ? std::string_view(m.params[1]) : std::string_view{};
    for (std::string_view name : split_list(m.params[0])) {
        Channel* channel = ctx.state.find_channel(name);
        if (channel == nullptr) {
            no_such_channel(ctx, name);
            continue;
        }
        if (!is_member(*channel, ctx.client)) {
            not_on_channel(ctx, channel->name);
            continue;
        }
        IrcLine line = ctx.from_me("PART").arg(channel->name);
        if (!reason.empty()) line.trailing(reason);
        ctx.state.broadcast(*channel, core::make_shared_buffer(line.finish()), ctx.out, nullptr);
        ctx.network().parted(ctx.client, *channel, reason);
        ctx.state.leave(ctx.client, *channel);
    }
}

void handle_topic(Context& ctx, const Message& m) {
    Channel* channel = ctx.state.find_channel(m.params[0]);
    if (channel == nullptr) {
        no_such_channel(ctx, m.params[0]);
        return;
    }
    auto self = channel->members.find(&ctx.client);
    const bool member = self != channel->members.end();
    if (m.params.size() < 2) {  // a query
        if (!member && channel->secret) {
            not_on_channel(ctx, channel->name);
            return;
        }
        send_topic(ctx, *channel);
        return;
    }
    if (!member) {
        not_on_channel(ctx, channel->name);
        return;
    }
    if (channel->topic_ops_only && !self->second.op) {
        ctx.reply(ctx.numeric(Numeric::ERR_CHANOPRIVSNEEDED).arg(channel->name)
                      .trailing("You're not channel operator"));
        return;
    }
    channel->topic = m.params[1];  // "TOPIC #c :" clears it
    channel->topic_setter = ctx.client.prefix();
    channel->topic_time = ctx.now;
    SharedBuffer line = core::make_shared_buffer(
        ctx.from_me("TOPIC").arg(channel->name).trailing(channel->topic).finish());
    ctx.state.broadcast(*channel, line, ctx.out, nullptr);  // the setter sees it too
    ctx.network().topic_set(ctx.client, *channel);
}

void handle_names(Context& ctx, const Message& m) {
    if (m.params.empty()) {
        // Without a channel: the client's own channels (listing every channel of a large
        // server would be an amplification vector).
        for (Channel* channel : ctx.me().channels) send_names(ctx, *channel);
        ctx.reply(ctx.numeric(Numeric::RPL_ENDOFNAMES).arg("*").trailing("End of NAMES list"));
        return;
    }
    for (std::string_view name : split_list(m.params[0])) {
        Channel* channel = ctx.state.find_channel(name);
        if (channel == nullptr || (channel->secret && !is_member(*channel, ctx.client))) {
            ctx.reply(ctx.numeric(Numeric::RPL_ENDOFNAMES).arg(name).trailing("End of NAMES list"));
            continue;
        }
        send_names(ctx, *channel);
    }
}

void handle_list(Context& ctx, const Message& m) {
    // "LIST [item{,item}]" (Modern IRC, 005 ELIST=MNU): an item is a channel name, a mask
    // ("#h*", M), a negated mask ("!#h*", N) or a member count (">5", "<10", U). A channel
    // is listed when it passes every count, matches no negated mask and, if any name or
    // mask is given, one of them.
    std::vector<std::string_view> names, masks, negated;
    std::size_t more_than = 0, less_than = static_cast<std::size_t>(-1);
    if (!m.params.empty())
        for (std::string_view item : split_list(m.params[0])) {
            if (item[0] == '>' || item[0] == '<') {
                std::size_t n = 0;
                auto [end, ec] = std::from_chars(item.data() + 1, item.data() + item.size(), n);
                if (ec != std::errc{} || end != item.data() + item.size()) continue;
                if (item[0] == '>') more_than = std::max(more_than, n);
                else less_than = std::min(less_than, n);
            } else if (item[0] == '!') {
                negated.push_back(item.substr(1));
            } else {
                (has_wildcard(item) ? masks : names).push_back(item);
            }
        }
    auto listed = [&](const Channel& channel) {
        const std::size_t members = channel.members.size();
        if (members <= more_than || members >= less_than) return false;
        for (std::string_view mask : negated)
            if (mask_match(mask, channel.name)) return false;
        if (names.empty() && masks.empty()) return true;
        for (std::string_view mask : masks)
            if (mask_match(mask, channel.name)) return true;
        for (std::string_view name : names)
            if (irc_equal(name, channel.name)) return true;
        return false;
    };
    ctx.reply(ctx.numeric(Numeric::RPL_LISTSTART).arg("Channel").trailing("Users  Name"));
    auto list_one = [&](Channel& channel) {
        if (channel.secret && !is_member(channel, ctx.client)) return;
        ctx.reply(ctx.numeric(Numeric::RPL_LIST).arg(channel.name)
                      .arg(std::to_string(channel.members.size())).trailing(channel.topic));
    };
    if (masks.empty() && !names.empty()) {  // names only: looked up, not scanned
        for (std::string_view name : names)
            if (Channel* channel = ctx.state.find_channel(name); channel != nullptr && listed(*channel))
                list_one(*channel);
    } else {
        for (auto& [key, channel] : ctx.state.channels)
            if (listed(*channel)) list_one(*channel);
    }
    ctx.reply(ctx.numeric(Numeric::RPL_LISTEND).trailing("End of LIST"));
}

void handle_kick(Context& ctx, const Message& m) {
    Channel* channel = ctx.state.find_channel(m.params[0]);
    if (channel == nullptr) {
        no_such_channel(ctx, m.params[0]);
        return;
    }
    auto self = channel->members.find(&ctx.client);
    if (self == channel->members.end()) {
        not_on_channel(ctx, channel->name);
        return;
    }
    if (!self->second.op) {
        ctx.reply(ctx.numeric(Numeric::ERR_CHANOPRIVSNEEDED).arg(channel->name)
                      .trailing("You're not channel operator"));
        return;
    }
    const std::string reason = m.params.size() > 2 && !m.params[2].empty() ? m.params[2]
                                                                           : ctx.me().nick;
    for (std::string_view nick : split_list(m.params[1])) {
        Client* target = ctx.state.find_nick(nick);
        if (target == nullptr || !target->state.registered) {
            ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(nick).trailing("No such nick/channel"));
            continue;
        }
        if (!is_member(*channel, *target)) {
            ctx.reply(ctx.numeric(Numeric::ERR_USERNOTINCHANNEL).arg(target->state.nick)
                          .arg(channel->name).trailing("They aren't on that channel"));
            continue;
        }
        SharedBuffer line = core::make_shared_buffer(ctx.from_me("KICK").arg(channel->name)
                                                         .arg(target->state.nick).trailing(reason)
                                                         .finish());
        ctx.state.broadcast(*channel, line, ctx.out, nullptr);
        ctx.network().kicked(ctx.client, *channel, *target, reason);
        const bool last = channel->members.size() == 1;
        ctx.state.leave(*target, *channel);
        if (last) return;  // the channel is gone (an operator kicked themselves out)
    }
}

void handle_invite(Context& ctx, const Message& m) {
    const std::string& nick = m.params[0];
    const std::string& name = m.params[1];
    Client* target = ctx.state.find_nick(nick);
    if (target == nullptr || !target->state.registered) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHNICK).arg(nick).trailing("No such nick/channel"));
        return;
    }
    // Modern IRC: an invite to a channel that does not exist is delivered as it is (the
    // target may create it); only a name that cannot be a channel is 403.
    Channel* channel = ctx.state.find_channel(name);
    if (channel == nullptr && !valid_channel_name(name, ctx.settings().max_channel_length)) {
        no_such_channel(ctx, name);
        return;
    }
    if (channel != nullptr) {
        auto self = channel->members.find(&ctx.client);
        if (self == channel->members.end()) {
            not_on_channel(ctx, channel->name);
            return;
        }
        if (is_member(*channel, *target)) {
            ctx.reply(ctx.numeric(Numeric::ERR_USERONCHANNEL).arg(target->state.nick).arg(channel->name)
                          .trailing("is already on channel"));
            return;
        }
        if (channel->invite_only && !self->second.op) {
            ctx.reply(ctx.numeric(Numeric::ERR_CHANOPRIVSNEEDED).arg(channel->name)
                          .trailing("You're not channel operator"));
            return;
        }
        channel->invited.insert(irc_lower(target->state.nick));
    }
    const std::string& shown = channel != nullptr ? channel->name : name;
    ctx.network().invited(ctx.client, shown, *target);
    ctx.reply(ctx.numeric(Numeric::RPL_INVITING).arg(target->state.nick).arg(shown));
    SharedBuffer invite = core::make_shared_buffer(ctx.from_me("INVITE").arg(target->state.nick).trailing(shown).finish());
    ctx.out.to(*target, invite);
    // IRCv3 invite-notify: the channel's members that asked see it too (the target is not one).
    if (channel != nullptr) ctx.state.broadcast(*channel, invite, ctx.out, &ctx.client, cap_invite_notify);
    if (!target->state.away.empty())
        ctx.reply(ctx.numeric(Numeric::RPL_AWAY).arg(target->state.nick).trailing(target->state.away));
}

// KNOCK #chan [:message] (hybrid/ratbox numerics 710-714, 005 KNOCK): asks the operators of
// a +i channel for an invite. One knock per channel per client in 60 s (712); the 710 goes
// to this node's operators of the channel only (not forwarded to other nodes).
void handle_knock(Context& ctx, const Message& m) {
    constexpr std::int64_t knock_interval_s = 60;
    Channel* channel = ctx.state.find_channel(m.params[0]);
    if (channel == nullptr) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHCHANNEL).arg(m.params[0]).trailing("No such channel"));
        return;
    }
    if (channel->members.count(&ctx.client) != 0) {
        ctx.reply(ctx.numeric(Numeric::ERR_KNOCKONCHAN).arg(channel->name).trailing("You are already on that channel"));
        return;
    }
    if (!channel->invite_only) {
        ctx.reply(ctx.numeric(Numeric::ERR_CHANOPEN).arg(channel->name).trailing("Channel is open"));
        return;
    }
    auto& knocks = channel->knocks;
    knocks.erase(std::remove_if(knocks.begin(), knocks.end(),
                                [&](const auto& k) { return ctx.now - k.second >= knock_interval_s; }),
                 knocks.end());
    const std::uint64_t id = ctx.me().id;
    if (std::any_of(knocks.begin(), knocks.end(), [&](const auto& k) { return k.first == id; })) {
        ctx.reply(ctx.numeric(Numeric::ERR_TOOMANYKNOCK).arg(channel->name).trailing("Too many KNOCKs (channel)"));
        return;
    }
    knocks.emplace_back(id, ctx.now);
    const std::string who = ctx.client.prefix();
    const std::string text = m.params.size() > 1 && !m.params[1].empty() ? m.params[1] : "has asked for an invite";
    for (auto& [member, flags] : channel->members) {
        if (!flags.op || member->remote()) continue;
        IrcLine line(ctx.settings().server_name, Numeric::RPL_KNOCK, member->state.nick);
        ctx.out.to(*member, core::make_shared_buffer(line.arg(channel->name).arg(who).trailing(text).finish()));
    }
    ctx.reply(ctx.numeric(Numeric::RPL_KNOCKDLVR).arg(channel->name).trailing("Your KNOCK has been delivered"));
}

}  // namespace hiconn::chat
