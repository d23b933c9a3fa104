// Everything the clients share: nicks, channels, settings, counters. One instance, owned by
// ChatServer; EVERY member is guarded by ChatServer's mutex (the command handlers run with
// it held). Nothing here touches a connection: deliveries go through an Outbox.
#pragma once

#include "auth/accounts_file.hpp"
#include "config/config.hpp"
#include "workloads/chat/ban_list.hpp"
#include "workloads/chat/channel.hpp"
#include "workloads/chat/client.hpp"
#include "workloads/chat/network.hpp"
#include "workloads/chat/outbox.hpp"
#include "workloads/chat/whowas.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hiconn::chat {

/// The chat settings the handlers use (from config.chat; replaced on reload).
struct Settings {
    std::string server_name;
    std::string network_name;
    std::string version;                  ///< "hiconn-0.1.0"
    std::string created;                  ///< start time, for 003
    std::vector<std::string> motd;        ///< empty: 422
    std::string password;                 ///< empty: PASS not needed
    std::uint32_t max_channels_per_client;
    std::uint32_t max_nick_length;
    std::uint32_t max_channel_length;
    std::uint16_t sts_port = 0;           ///< a TLS listener's port, advertised to plain clients (sts); 0 = none
    /// chat.accounts as loaded (shared: a reload swaps it, a SASL check in flight keeps its own);
    /// null = no accounts, no sasl capability.
    std::shared_ptr<const auth::Accounts> accounts;
    bool sasl_required = false;
    bool utf8_only = false;               ///< chat.utf8_only: 005 UTF8ONLY, non-UTF-8 text refused
    std::vector<config::OperatorConfig> operators;

    /// From the config; reads chat.motd_file (a missing file logs a warning and means no MOTD)
    /// and chat.accounts (relative to `config_file`; a missing or malformed one throws
    /// config::ConfigError at chat.accounts).
    static Settings from(const config::ChatConfig& chat, const std::string& config_file = {});
};

class ServerState {
public:
    ServerState();

    Settings settings;
    /// Who hears of every change (standalone: nobody). Never null.
    Network* network;

    /// Connected clients, registered or not.
    std::size_t connected = 0;
    /// Casemapped nick -> client; holds unregistered clients' nicks too (reserved).
    std::unordered_map<std::string, Client*> nicks;
    /// Casemapped name -> channel.
    std::unordered_map<std::string, std::unique_ptr<Channel>> channels;

    std::size_t registered = 0;
    std::size_t invisible = 0;            ///< registered clients with +i

    /// Users of the other nodes (federation), by node and their id there. They are in
    /// `nicks` and in channels like local clients; nothing is ever sent to them from here.
    std::unordered_map<std::string, std::unordered_map<std::uint64_t, ClientPtr>> remote_users;
    std::size_t remote_registered = 0;
    std::size_t remote_invisible = 0;
    std::size_t max_registered = 0;       ///< the most local registered clients at once (265)
    std::size_t max_global = 0;           ///< the most users of the network at once, as seen here (266)
    /// After `registered` or `remote_registered` grew: keeps the maxima of 265/266.
    void note_registered() noexcept {
        if (registered > max_registered) max_registered = registered;
        if (registered + remote_registered > max_global) max_global = registered + remote_registered;
    }
    std::uint64_t next_id = 0;            ///< for ClientState::id
    /// Nicks left by a NICK change or a QUIT, local and remote users alike (WHOWAS).
    WhowasHistory whowas;
    /// Server bans (K-lines): refused at registration, disconnected when set.
    BanList bans;
    /// Bumped by every change of `bans` (their persistence writes the newest only).
    std::uint64_t bans_version = 0;

    Client* find_nick(std::string_view nick) const;
    Channel* find_channel(std::string_view name) const;

    /// Adds `client` to `channel` (a new channel when nullptr: created with `name`, the
    /// client its operator). Returns the channel.
    Channel& join(Client& client, Channel* channel, std::string_view name, std::int64_t now);
    /// Removes `client` from `channel`; the channel goes away when empty (then `channel`
    /// dangles).
    void leave(Client& client, Channel& channel);

    /// Every other client sharing a channel with `client`, each once.
    std::vector<Client*> peers_of(Client& client);
    /// Sends `line` to every member of `channel` except `except` (nullptr: everyone).
    /// Only to members with all of `need_caps` (IRCv3: TAGMSG, away-notify, ...); `msg_tags`
    /// for those with message-tags. `status` (STATUSMSG): '@' only operators, '+' voiced
    /// members and operators, 0 everyone.
    void broadcast(Channel& channel, const SharedBuffer& line, Outbox& out, Client* except,
                   std::uint32_t need_caps = 0, std::string_view msg_tags = {}, char status = 0);

    /// ":nick!user@host JOIN #chan" to every member of `channel` (`who` included), and to
    /// the members with extended-join ":nick!user@host JOIN #chan <account|*> :realname":
    /// two buffers, each formatted once.
    void broadcast_join(Channel& channel, Client& who, Outbox& out);

    /// IRCv3 away-notify: ":nick!user@host AWAY[ :message]" to the clients with away-notify
    /// that share a channel with `who` (or, with `channel`, to its members: `who` joined it
    /// while away). Not to `who` itself.
    void notify_away(Client& who, Outbox& out, Channel* channel = nullptr);

    /// IRCv3 setname: ":nick!user@host SETNAME :realname" to the clients with setname that
    /// share a channel with `who`, and to `who` itself if it has setname.
    void notify_setname(Client& who, Outbox& out);

    /// IRCv3 MONITOR, kept here so that a client that monitors nothing costs nothing:
    /// casemapped nick -> the local clients monitoring it, and client -> its nicks (casemapped).
    static constexpr std::size_t max_monitor = 100;  ///< 005 MONITOR=100
    std::unordered_map<std::string, std::vector<Client*>> watchers;
    std::unordered_map<const Client*, std::vector<std::string>> monitors;
    /// 730 (`who` online as `nick`) or 731 (`who` null: `nick` went offline) to its watchers.
    void monitor_notify(std::string_view nick, const Client* who, Outbox& out);
    /// Removes `client`'s monitor list (MONITOR C, and when it goes).
    void monitor_clear(const Client& client);

    /// This node's clients matching `ban` now (with a nick: registered or registering),
    /// each with the ban's close reason; nobody when the ban has expired.
    std::vector<std::pair<ClientPtr, std::string>> clients_banned_by(const Ban& ban);

    /// Sets or changes a nick (the nick must be free); keeps `nicks` in step.
    void set_nick(Client& client, std::string_view nick);
    /// Removes the client from nicks and channels; peers see `quit_message` once each
    /// (registered clients only). Idempotent.
    void detach(Client& client, std::string_view quit_message, Outbox& out);

private:
    /// Keeps `client`'s current nick in `whowas` (registered clients only).
    void remember(const Client& client, std::int64_t now);

    std::uint64_t mark_ = 0;
};

}  // namespace hiconn::chat
