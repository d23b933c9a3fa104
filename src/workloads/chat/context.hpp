// What a command handler works with. A Context lives while ChatServer's lock is held, so a
// handler may read and change ServerState and any client's `state`; it never touches a
// connection: replies and deliveries go into the Outbox, a close is only requested.
#pragma once

#include "core/stats.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/outbox.hpp"
#include "workloads/chat/server_state.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hiconn::chat {

/// Workload counters (metrics), written with relaxed atomics.
struct ChatCounters {
    std::atomic<std::uint64_t> messages{0};    ///< PRIVMSG/NOTICE targets accepted
    std::atomic<std::uint64_t> deliveries{0};  ///< lines of those queued to recipients
};

struct Context {
    ServerState& state;
    Client& client;
    Outbox& out;
    ChatCounters& counters;
    std::int64_t now;                ///< unix time, seconds

    /// Set by a handler that ends the connection (QUIT, wrong PASS).
    struct CloseRequest {
        bool requested = false;
        std::string reason;          ///< in "ERROR :Closing Link: host (reason)"
        std::string quit_message;    ///< what channel peers see in QUIT
        core::CloseReason kind = core::CloseReason::workload;
    } close;

    /// Set by KLINE/UNKLINE: local clients to disconnect (with their reason) and whether the
    /// ban list changed (it is saved) -- both done by ChatServer after the lock is released.
    std::vector<std::pair<ClientPtr, std::string>> disconnects;
    bool bans_changed = false;
    /// Set by AUTHENTICATE: a password to verify after the lock is released (PBKDF2 takes
    /// tens of milliseconds; every other client would wait on the lock).
    struct SaslCheck {
        bool requested = false;
        std::string account;         ///< as the accounts file spells it; empty = no such account
        std::string password_hash;   ///< the account's; empty = no such account
        std::string password;
    } sasl;

    /// Set by OPER, verified after the lock like `sasl`.
    struct OperCheck {
        bool requested = false;
        std::string name;            ///< the chat.operators entry
        std::string password_hash;
        std::string password;
    } oper;

    /// Set by KILL: local clients to close on their own threads once the lock is released
    /// (already detached: their peers have seen the QUIT). `reason` goes into the ERROR.
    struct Kill {
        std::shared_ptr<Client> victim;
        std::string reason;
    };
    std::vector<Kill> kills;

    const Settings& settings() const noexcept { return state.settings; }
    Network& network() noexcept { return *state.network; }
    ClientState& me() noexcept { return client.state; }

    /// ":server NNN nick" -- finish it with arg()/trailing(), then reply().
    IrcLine numeric(Numeric n) const {
        return IrcLine(state.settings.server_name, n, client.nick_or_star());
    }
    /// ":nick!user@host COMMAND" -- a line from this client.
    IrcLine from_me(std::string_view command) const { return IrcLine(client.prefix(), command); }
    /// ":server COMMAND"
    IrcLine from_server(std::string_view command) const {
        return IrcLine(state.settings.server_name, command);
    }
    /// Sends a line to this client.
    void reply(IrcLine& line) { out.to_self(line.finish()); }
    void reply(IrcLine&& line) { out.to_self(line.finish()); }

    void request_close(std::string reason, std::string quit_message) {
        close.requested = true;
        close.reason = std::move(reason);
        close.quit_message = std::move(quit_message);
    }
};

}  // namespace hiconn::chat
