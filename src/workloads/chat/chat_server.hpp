// The chat protocol engine, independent of sockets: per-client session logic (framing,
// flood control, idle PING / ping timeout, quitting) and the shared state behind ONE
// mutex. A line is parsed outside the lock, its command runs under the lock into an
// Outbox, and the Outbox is delivered after the lock is released.
//
// Thread safety: the on_* members are "in loop" for the client they name (call them on
// that client's thread); open(), reload(), collect_metrics() and the counters are thread safe.
#pragma once

#include "config/config.hpp"
#include "core/stats.hpp"
#include "workloads/chat/client.hpp"
#include "workloads/chat/context.hpp"
#include "workloads/chat/server_state.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

namespace hiconn::chat {

class ChatServer {
public:
    explicit ChatServer(const config::Config& config);
    ChatServer(const ChatServer&) = delete;
    ChatServer& operator=(const ChatServer&) = delete;

    /// A new connection. The server keeps the client until on_close().
    Client& open(std::unique_ptr<ClientLink> link);
    /// Bytes from the client.
    void on_data(Client& client, std::string_view bytes);
    /// Nothing moved for timeouts.idle_s: send a PING, expect an answer within ping_timeout_s.
    void on_idle(Client& client);
    /// The client's link timer fired (flood delay, ping timeout, registration timeout).
    void on_timer(Client& client);
    /// The client's send queue passed limits.max_send_queue_bytes: close it (Max SendQ exceeded).
    void on_send_queue_full(Client& client);
    /// The connection is gone: peers see the QUIT (if not sent already), the client is freed.
    void on_close(Client& client, core::CloseReason reason);

    /// Settings (MOTD, password, limits, flood) from a new config. Thread safe.
    void reload(const config::Config& config);
    /// The port advertised to plain clients as sts (0 = none). Thread safe.
    void set_sts_port(std::uint16_t port);
    /// chat_clients, chat_channels, chat_messages_total, chat_deliveries_total. Thread safe.
    void collect_metrics(std::vector<core::Metric>& out) const;

    // ---- federation ----
    /// The network the handlers report changes to (standalone when never called). Call
    /// before clients connect; `network` must outlive the server's clients.
    void set_network(Network* network);
    /// Runs `change` with the lock held, then delivers what it queued (events of other
    /// nodes, from their thread). Thread safe.
    void apply(const std::function<void(ServerState&, Outbox&)>& change);
    /// Closes `victim` (KILLed and already detached) on its own thread with
    /// "ERROR :Closing Link: host (reason)". Thread safe.
    void close_killed(ClientPtr victim, std::string reason);
    /// The network's answer to a NICK claim; in loop for `client`. Returns whether the nick
    /// was taken (false: the claim is stale or the client gone, the caller releases it).
    bool on_nick_claimed(Client& client, const std::string& nick, std::int64_t nick_ms, bool ok);
    ChatCounters& counters() noexcept { return counters_; }

    // ---- moderation: the admin endpoint and KLINE/UNKLINE (chat_moderation.cpp) ----
    /// Where the bans are kept ("" = nowhere) and loads them. Call before clients connect.
    /// Throws BanFileError naming the file when it is unreadable or corrupt.
    void load_bans(std::string path);
    /// Adds (or replaces) a ban, saves the list and disconnects the matching local clients
    /// ("K-Lined: reason"). Returns how many are disconnected, or nullopt when the list is
    /// full. Thread safe.
    std::optional<std::size_t> add_ban(Ban ban);
    /// Removes the ban with `mask`'s key and saves the list; returns it, or nullopt when
    /// there was none. Thread safe.
    std::optional<Ban> remove_ban(const BanMask& mask);
    /// The active bans. Thread safe.
    std::vector<Ban> bans() const;
    /// Disconnects the user `nick` ("Killed (by (reason))"); false when there is none here.
    /// Thread safe.
    bool kill(std::string_view nick, std::string_view by, std::string_view reason);
    /// Every user this node knows (its own, and with federation the other nodes'), as the
    /// JSON array of GET /chat/clients. Thread safe.
    nlohmann::json clients_json() const;
    /// The saving of a ban change (a handler's): the newest list, written outside the lock.
    void save_bans();
    /// Disconnects `victims` (any thread): each is closed on its own thread.
    void disconnect(std::vector<std::pair<ClientPtr, std::string>> victims);

    /// Monotonic milliseconds (flood control, ping timeout); tests install a fake clock.
    void set_clock(std::function<std::int64_t()> monotonic_ms) { clock_ = std::move(monotonic_ms); }
    /// Connected clients (registered or not). Thread safe.
    std::size_t client_count() const;

private:
    bool on_line(Client& client, LineFramer::Event event, std::string_view line);
    void run_line(Client& client, std::string_view line);
    /// The password check AUTHENTICATE asked for, without the lock, then its replies. In loop.
    /// `label`: the labeled response of the command so far (labeled-response), completed here.
    void check_sasl(Client& client, const Context::SaslCheck& check, std::optional<LabeledResponse> label);
    /// OPER's password check, the same way. In loop.
    void check_oper(Client& client, const Context::OperCheck& check, std::optional<LabeledResponse> label);
    /// After a command ran (lock released): deliver, or deliver and close when it asked to.
    void finish(Client& client, Context& ctx, Outbox& out);
    /// Server-side close: peers see QUIT `reason`, the client gets
    /// "ERROR :Closing Link: host (reason)". In loop.
    void quit(Client& client, std::string_view reason, core::CloseReason kind);
    /// Sets the link timer to the next flood release, ping or registration deadline.
    void arm_timer(Client& client);
    /// Closes the client when a deadline passed (Ping timeout, Registration timeout). In loop.
    bool check_deadlines(Client& client);
    FloodControl::Limits flood_limits() const;
    std::int64_t now_ms() const { return clock_(); }

    mutable std::mutex mutex_;
    std::mutex bans_file_mutex_;        // one writer of bans_file_ at a time
    std::string bans_file_;             // set once, before clients connect
    std::uint64_t bans_saved_version_ = 0;  // guarded by bans_file_mutex_
    ServerState state_;                 // guarded by mutex_
    ChatCounters counters_;

    std::atomic<std::uint32_t> max_line_bytes_;  // for new connections
    std::atomic<std::uint32_t> flood_rate_;
    std::atomic<std::uint32_t> flood_burst_;
    std::atomic<std::uint32_t> flood_max_queued_;
    std::atomic<std::uint32_t> ping_timeout_s_;
    std::atomic<std::uint32_t> registration_timeout_s_;  // for new connections
    std::function<std::int64_t()> clock_;
};

}  // namespace hiconn::chat
