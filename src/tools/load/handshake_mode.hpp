// hiconn-load handshake: full TLS handshakes per second. -c N clients each run a loop during
// the measured phase (--duration): connect, TLS handshake (a new session every time, never
// resumed), close_notify and wait for the server's reply (or its FIN), close, start over.
// Every attempt is bounded by --connect-timeout (its connect + handshake, then its close
// again), all of them together by --max-handshakes (the phase ends when every client has
// stopped); an attempt under way when the phase ends finishes but is not counted. handshakes/s = handshakes completed in the phase / its
// length; latency = TCP connect + TLS handshake of each attempt. The server's CPU per
// handshake comes from --server-pid (its CPU from the start of the phase to the end of the
// drain, divided by every handshake completed in that time).
#pragma once

#include "core/io_pool.hpp"
#include "tools/load/counter.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/histogram.hpp"
#include "tools/load/mode.hpp"
#include "tools/load/options.hpp"
#include "tools/load/per_server.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hiconn::load {

class HandshakeAttempt;
class TlsClient;

class HandshakeMode : public Mode {
public:
    HandshakeMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient& tls);
    ~HandshakeMode() override;

    void start_measure() override;
    double measure_hold_s() const override { return options_.duration_s; }
    /// Every client's loop ended (--max-handshakes, or local resource errors).
    bool measure_over() const override { return active_.load() == 0; }
    void stop_measure() override;
    /// Every client ended its last attempt.
    bool drained() const override { return active_.load() == 0; }
    void close_all() override;
    bool closed() const override { return live_.load() == 0; }
    Json progress() const override;
    Json raw_result() const override;

    // --- for the attempts, on their I/O thread ---
    enum PerServerField : std::size_t { ps_handshakes, ps_failed, ps_fields };
    struct alignas(64) Shard {
        explicit Shard(std::size_t servers) : per_server(servers) {}
        Counter handshakes;  ///< completed in the measured phase
        Counter completed;   ///< completed at all (the server's CPU is divided by these)
        Counter failed, close_errors;
        Histogram latency;
        PerServer<ps_fields> per_server;
        std::map<std::string, std::uint64_t> errors;
        std::vector<std::weak_ptr<HandshakeAttempt>> current;  ///< per client of this shard
    };
    Shard& shard(std::size_t index) { return *shards_[index]; }
    std::size_t shard_count() const { return shards_.size(); }
    const Options& options() const { return options_; }
    const Target& target() const { return target_; }
    TlsClient& tls() { return tls_; }
    std::atomic<std::int64_t>& live() { return live_; }
    bool measuring() const { return measuring_.load(std::memory_order_relaxed); }
    bool closing() const { return closing_.load(std::memory_order_relaxed); }
    /// Client `client`'s last attempt ended: start its next one, or end its loop (the phase
    /// is over, --max-handshakes reached, or `stop_reason` -- a local resource error).
    void next(std::uint64_t client, const std::string& stop_reason = "");

private:
    void start_attempt(std::uint64_t client);

    const Options& options_;
    core::IoPool& pool_;
    const Target& target_;
    TlsClient& tls_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<std::int64_t> live_{0};     ///< attempt objects alive
    std::atomic<std::int64_t> active_{0};   ///< clients whose loop has not ended
    std::atomic<std::uint64_t> attempts_{0};
    std::atomic<bool> measuring_{false}, closing_{false};
    double measured_s_ = 0;
    std::chrono::steady_clock::time_point measure_start_;
    mutable std::mutex mutex_;  // guards stop_reason_
    std::string stop_reason_;
};

}  // namespace hiconn::load
