#include "workloads/chat/server_state.hpp"

#include "core/log.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/irc_line.hpp"

#include <algorithm>
#include <ctime>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hiconn::chat {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

// "YYYY-MM-DD HH:MM:SS UTC" without gmtime (not thread safe) or platform variants of it:
// Howard Hinnant's civil_from_days.
std::string now_text() {
    using namespace std::chrono;
    std::int64_t secs = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    std::int64_t days = secs / 86400, rem = secs % 86400;
    std::int64_t z = days + 719468, era = z / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    std::int64_t y = yoe + era * 400 + (m <= 2);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC",
                  static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                  static_cast<long long>(rem % 60));
    return buf;
}

}  // namespace

Settings Settings::from(const config::ChatConfig& chat, const std::string& config_file) {
    Settings s;
    if (!chat.accounts.empty()) {
        // Beside the config file when relative, like the TLS files.
        std::filesystem::path path(chat.accounts);
        if (path.is_relative() && !config_file.empty())
            path = (std::filesystem::path(config_file).parent_path() / path).lexically_normal();
        try {
            s.accounts = std::make_shared<const auth::Accounts>(auth::load_accounts_file(path.string()));
        } catch (const auth::AccountsFileError& e) {
            throw config::ConfigError(config_file.empty() ? "--set" : config_file, "chat.accounts", e.what());
        }
    }
    s.sasl_required = chat.sasl_required;
    s.utf8_only = chat.utf8_only;
    s.operators = chat.operators;
    s.server_name = chat.server_name;
    s.network_name = chat.network_name;
    s.version = std::string("hiconn-") + HICONN_VERSION;
    s.created = now_text();
    s.password = chat.password;
    s.max_channels_per_client = chat.max_channels_per_client;
    s.max_nick_length = chat.max_nick_length;
    s.max_channel_length = chat.max_channel_length;
    if (!chat.motd.empty()) {
        s.motd = split_lines(chat.motd);
    } else if (!chat.motd_file.empty()) {
        std::ifstream file(chat.motd_file, std::ios::binary);
        if (file) {
            std::ostringstream text;
            text << file.rdbuf();
            s.motd = split_lines(text.str());
        } else {
            log::warn("chat: cannot read chat.motd_file " + chat.motd_file + "; no MOTD (422)");
        }
    }
    return s;
}

namespace {
Network& standalone() {
    static Network nobody;
    return nobody;
}
}  // namespace

ServerState::ServerState() : network(&standalone()) {}

Client* ServerState::find_nick(std::string_view nick) const {
    auto it = nicks.find(irc_lower(nick));
    return it == nicks.end() ? nullptr : it->second;
}

Channel* ServerState::find_channel(std::string_view name) const {
    auto it = channels.find(irc_lower(name));
    return it == channels.end() ? nullptr : it->second.get();
}

Channel& ServerState::join(Client& client, Channel* channel, std::string_view name,
                           std::int64_t now) {
    MemberFlags flags;
    if (channel == nullptr) {
        auto created = std::make_unique<Channel>();
        created->name = std::string(name);
        created->created = now;
        channel = created.get();
        channels.emplace(irc_lower(name), std::move(created));
        flags.op = true;  // the creator is the channel operator
    }
    channel->members.emplace(&client, flags);
    channel->invited.erase(irc_lower(client.state.nick));
    client.state.channels.push_back(channel);
    return *channel;
}

void ServerState::leave(Client& client, Channel& channel) {
    channel.members.erase(&client);
    auto& mine = client.state.channels;
    mine.erase(std::remove(mine.begin(), mine.end(), &channel), mine.end());
    if (channel.members.empty()) channels.erase(irc_lower(channel.name));
}

std::vector<Client*> ServerState::peers_of(Client& client) {
    // A mark per call instead of a set: no allocation per QUIT/NICK.
    const std::uint64_t mark = ++mark_;
    client.state.mark = mark;
    std::vector<Client*> peers;
    for (Channel* channel : client.state.channels)
        for (auto& [member, flags] : channel->members)
            if (member->state.mark != mark) {
                member->state.mark = mark;
                peers.push_back(member);
            }
    return peers;
}

void ServerState::broadcast(Channel& channel, const SharedBuffer& line, Outbox& out,
                            Client* except, std::uint32_t need_caps, std::string_view msg_tags,
                            char status) {
    out.reserve(channel.members.size());
    for (auto& [member, flags] : channel.members) {
        if (status == '@' && !flags.op) continue;
        if (status == '+' && !flags.op && !flags.voice) continue;
        if (member != except && (member->state.caps & need_caps) == need_caps) out.to(*member, line, msg_tags);
    }
}

void ServerState::broadcast_join(Channel& channel, Client& who, Outbox& out) {
    const SharedBuffer plain = core::make_shared_buffer(IrcLine(who.prefix(), "JOIN").arg(channel.name).finish());
    SharedBuffer extended;  // formatted on the first member that needs it
    out.reserve(channel.members.size());
    for (auto& [member, flags] : channel.members) {
        if ((member->state.caps & cap_extended_join) == 0) {
            out.to(*member, plain);
            continue;
        }
        if (!extended) {
            const std::string& account = who.state.account;
            extended = core::make_shared_buffer(IrcLine(who.prefix(), "JOIN").arg(channel.name)
                                                    .arg(account.empty() ? std::string("*") : account)
                                                    .trailing(who.state.realname).finish());
        }
        out.to(*member, extended);
    }
}

void ServerState::notify_away(Client& who, Outbox& out, Channel* channel) {
    IrcLine away(who.prefix(), "AWAY");
    if (!who.state.away.empty()) away.trailing(who.state.away);
    SharedBuffer line = core::make_shared_buffer(away.finish());
    if (channel != nullptr) {
        broadcast(*channel, line, out, &who, cap_away_notify);
        return;
    }
    for (Client* peer : peers_of(who))
        if ((peer->state.caps & cap_away_notify) != 0) out.to(*peer, line);
}

void ServerState::notify_setname(Client& who, Outbox& out) {
    SharedBuffer line = core::make_shared_buffer(IrcLine(who.prefix(), "SETNAME").trailing(who.state.realname).finish());
    if ((who.state.caps & cap_setname) != 0) out.to(who, line);
    for (Client* peer : peers_of(who))
        if ((peer->state.caps & cap_setname) != 0) out.to(*peer, line);
}

void ServerState::remember(const Client& client, std::int64_t now) {
    const ClientState& s = client.state;
    if (!s.registered || s.nick.empty()) return;
    whowas.add({s.nick, s.user, client.host(), s.realname,
                client.node() ? *client.node() : settings.server_name, now});
}

void ServerState::set_nick(Client& client, std::string_view nick) {
    remember(client, std::time(nullptr));
    if (!client.state.nick.empty()) nicks.erase(irc_lower(client.state.nick));
    client.state.nick = std::string(nick);
    nicks[irc_lower(nick)] = &client;
}

std::vector<std::pair<ClientPtr, std::string>> ServerState::clients_banned_by(const Ban& ban) {
    std::vector<std::pair<ClientPtr, std::string>> victims;
    if (!ban.active(std::time(nullptr))) return victims;  // expired already: it applies to nobody
    for (const auto& [key, client] : nicks) {
        (void)key;
        // Users of other nodes are their own node's to disconnect.
        if (client->remote() || client->state.detached) continue;
        if (ban.mask.matches(BanTarget::of(*client)))
            victims.emplace_back(client->shared_from_this(), ban.close_reason());
    }
    return victims;
}

void ServerState::detach(Client& client, std::string_view quit_message, Outbox& out) {
    ClientState& state = client.state;
    if (state.detached) return;
    state.detached = true;
    remember(client, std::time(nullptr));
    if (state.registered) {
        SharedBuffer line = core::make_shared_buffer(
            IrcLine(client.prefix(), "QUIT").trailing(quit_message).finish());
        for (Client* peer : peers_of(client)) out.to(*peer, line);
        if (client.remote()) {
            --remote_registered;
            if (state.invisible) --remote_invisible;
        } else {
            --registered;
            if (state.invisible) --invisible;
        }
    }
    if (!client.remote()) network->quit(client, quit_message);
    if (state.registered) monitor_notify(state.nick, nullptr, out);  // MONITOR: offline
    monitor_clear(client);
    while (!state.channels.empty()) leave(client, *state.channels.back());
    for (const std::string* nick : {&state.nick, &state.pending_nick}) {
        if (nick->empty()) continue;
        auto it = nicks.find(irc_lower(*nick));
        if (it != nicks.end() && it->second == &client) nicks.erase(it);
    }
}

void ServerState::monitor_notify(std::string_view nick, const Client* who, Outbox& out) {
    auto it = watchers.find(irc_lower(nick));
    if (it == watchers.end()) return;
    for (Client* watcher : it->second) {
        IrcLine line(settings.server_name, who != nullptr ? Numeric::RPL_MONONLINE : Numeric::RPL_MONOFFLINE, watcher->state.nick);
        line.trailing(who != nullptr ? who->prefix() : std::string(nick));
        out.to(*watcher, core::make_shared_buffer(line.finish()));
    }
}

void ServerState::monitor_clear(const Client& client) {
    auto it = monitors.find(&client);
    if (it == monitors.end()) return;
    for (const std::string& key : it->second) {
        auto w = watchers.find(key);
        if (w == watchers.end()) continue;
        w->second.erase(std::remove(w->second.begin(), w->second.end(), &client), w->second.end());
        if (w->second.empty()) watchers.erase(w);
    }
    monitors.erase(it);
}

}  // namespace hiconn::chat
