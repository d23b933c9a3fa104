// hiconn-load echo: N connections each keep --depth messages in flight (or send at their
// share of a total --rate), and every byte that comes back is compared, in order, with what
// was sent (payload.hpp). Messages/s, bytes/s and round-trip latency are counted during
// the measured phase only; mismatched or excess bytes, connections the server closed and
// replies still missing after --drain make the run fail (exit 1). With --tls the same
// exchange runs inside TLS; with --ws each message is one WebSocket message (ws_client.hpp).
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

class EchoSession;
class TlsClient;
class WsClient;

class EchoMode : public Mode {
public:
    /// `tls`: null = plain TCP; `ws`: null = no WebSocket.
    EchoMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient* tls = nullptr,
             WsClient* ws = nullptr);
    ~EchoMode() override;

    void start_establish() override { launcher_.start(); }
    bool established() const override { return launcher_.done(); }
    void start_measure() override;
    double measure_hold_s() const override { return options_.duration_s; }
    void stop_measure() override;
    bool drained() const override;
    void close_all() override;
    bool closed() const override { return live_.load() == 0; }
    Json progress() const override;
    Json raw_result() const override;

    // --- for the sessions, on their I/O thread ---
    enum PerServerField : std::size_t { ps_connected, ps_failed, ps_messages, ps_closed_by_server, ps_fields };
    struct alignas(64) Shard {
        explicit Shard(std::size_t servers) : per_server(servers) {}
        Counter connected, failed, messages, bytes, outstanding;
        Counter mismatched_bytes, mismatched_connections, excess_bytes, closed_by_server;
        Counter sent_total, received_total, completed;
        Histogram latency;
        PerServer<ps_fields> per_server;
        std::map<std::string, std::uint64_t> errors;
        std::vector<std::shared_ptr<EchoSession>> sessions;
    };
    Shard& shard(std::size_t index) { return *shards_[index]; }
    const Options& options() const { return options_; }
    const Target& target() const { return target_; }
    TlsClient* tls() const { return tls_; }
    WsClient* ws() const { return ws_; }
    Launcher& launcher() { return launcher_; }
    std::atomic<std::int64_t>& live() { return live_; }
    bool measuring() const { return measuring_.load(std::memory_order_relaxed); }
    bool sending() const { return sending_.load(std::memory_order_relaxed); }
    bool closing() const { return closing_.load(std::memory_order_relaxed); }
    /// Rate mode: seconds between two messages of one connection (0 = depth-bound).
    double interval_s() const { return interval_s_; }

private:
    const Options& options_;
    core::IoPool& pool_;
    const Target& target_;
    TlsClient* tls_;
    WsClient* ws_;
    std::vector<std::unique_ptr<Shard>> shards_;
    Launcher launcher_;
    std::atomic<std::int64_t> live_{0};
    std::atomic<bool> measuring_{false}, sending_{false}, closing_{false};
    double interval_s_ = 0;
    double measured_s_ = 0;
    std::chrono::steady_clock::time_point measure_start_;
};

}  // namespace hiconn::load
