// hiconn-load chat: N IRC clients register (NICK/USER, wait for the end of the MOTD: 376
// or 422, answering PINGs) at a paced rate, each joins one of C channels, and the first M
// clients send "PRIVMSG #chan :<sender> <seq> <send time us>" at a total rate R. Every sent
// message should reach each other member of its channel once: the run counts deliveries
// expected vs received, duplicates, and latency from the send time stamp (CLOCK_MONOTONIC,
// the same clock in every worker process).
//
// Layout, in the whole run's numbering g (so worker processes share channels and servers):
// client g connects to server s = g % S (S = --servers) and joins channel
// (g / S + s * ceil(C / S)) % C -- with one server simply g % C. Each server's clients fill
// the channels round robin from their own offset, so every channel has about the same number
// of members on every server (the senders, g < M, land in different channels when S divides
// C), and a message reaches (S-1)/S of its recipients on other servers: those deliveries
// (sender's server != receiver's) are also counted apart, as *_remote.
// With --tls every client talks IRC inside TLS (registration starts after the handshake).
#pragma once

#include "core/io_pool.hpp"
#include "tools/load/counter.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/histogram.hpp"
#include "tools/load/launcher.hpp"
#include "tools/load/mode.hpp"
#include "tools/load/options.hpp"
#include "tools/load/per_server.hpp"

#include <map>
#include <memory>
#include <vector>

namespace hiconn::load {

class ChatSession;
class TlsClient;
class WsClient;

class ChatMode : public Mode {
public:
    /// `tls`: null = plain TCP; `ws`: null = no WebSocket.
    ChatMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient* tls = nullptr,
             WsClient* ws = nullptr);
    ~ChatMode() override;

    void start_establish() override { launcher_.start(); }
    bool established() const override { return launcher_.done(); }
    void start_measure() override;
    double measure_hold_s() const override { return options_.duration_s; }
    void stop_measure() override;
    /// Every expected delivery arrived; in a worker process (the other workers' senders
    /// may still have messages under way): no delivery arrived for a second.
    bool drained() const override;
    void close_all() override;
    bool closed() const override { return live_.load() == 0; }
    Json progress() const override;
    Json raw_result() const override;

    // --- for the sessions, on their I/O thread ---
    enum PerServerField : std::size_t {
        ps_connected, ps_registered, ps_joined, ps_failed, ps_closed_by_server,
        ps_sent, ps_expected, ps_received, ps_fields
    };
    struct alignas(64) Shard {
        explicit Shard(std::size_t servers) : per_server(servers) {}
        Counter connected, registered, joined, failed, closed_by_server;
        Counter sent, expected, received, duplicates, corrupt, pings;
        Counter expected_remote, received_remote;  ///< sender and receiver on different servers
        Histogram latency, latency_remote;
        PerServer<ps_fields> per_server;          ///< sent: by the server's senders; expected,
                                                  ///< received: for the server's clients
        std::map<std::string, std::uint64_t> errors;
        std::vector<std::shared_ptr<ChatSession>> sessions;
    };
    Shard& shard(std::size_t index) { return *shards_[index]; }
    const Options& options() const { return options_; }
    const Target& target() const { return target_; }
    TlsClient* tls() const { return tls_; }
    WsClient* ws() const { return ws_; }
    Launcher& launcher() { return launcher_; }
    std::atomic<std::int64_t>& live() { return live_; }
    bool sending() const { return sending_.load(std::memory_order_relaxed); }
    bool closing() const { return closing_.load(std::memory_order_relaxed); }
    /// The whole run's index of this process's client `local`.
    std::uint64_t global_index(std::uint64_t local) const { return options_.global_index(local); }
    /// The channel client `global` joins (see the layout above).
    std::uint64_t channel_of(std::uint64_t global) const;
    /// Members of channel `c` over the whole run: on server `s`, and on all of them.
    std::uint64_t channel_members_on(std::uint64_t c, std::size_t s) const;
    std::uint64_t channel_members(std::uint64_t c) const;
    /// Seconds between two messages of one sender.
    double send_interval_s() const { return send_interval_s_; }

private:
    const Options& options_;
    core::IoPool& pool_;
    const Target& target_;
    TlsClient* tls_;
    WsClient* ws_;
    std::vector<std::unique_ptr<Shard>> shards_;
    Launcher launcher_;
    std::atomic<std::int64_t> live_{0};
    std::atomic<bool> sending_{false}, closing_{false};
    double send_interval_s_ = 0;
    double measured_s_ = 0;
    std::chrono::steady_clock::time_point measure_stop_;
    std::chrono::steady_clock::time_point measure_start_;
    mutable std::uint64_t last_received_ = 0;
    mutable std::chrono::steady_clock::time_point last_change_;
};

}  // namespace hiconn::load
