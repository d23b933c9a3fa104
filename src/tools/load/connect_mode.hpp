// hiconn-load connect: "how many connections can I open". Opens --connections (paced by
// --connect-rate, at most --concurrency attempts at once), holds them --hold seconds, and
// reports how many connected, how fast, and the reason it stopped (EMFILE, ECONNREFUSED,
// timeout, ...). A held connection that the server closes counts as "dropped". With --tls a
// connection counts once its TLS handshake is done (a failed handshake: "TLS: <reason>").
#pragma once

#include "core/io_pool.hpp"
#include "tools/load/counter.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/launcher.hpp"
#include "tools/load/mode.hpp"
#include "tools/load/options.hpp"
#include "tools/load/per_server.hpp"

#include <map>
#include <memory>
#include <vector>

namespace hiconn::load {

class ConnectSession;
class TlsClient;
class WsClient;

class ConnectMode : public Mode {
public:
    /// `tls`: null = plain TCP; `ws`: null = no WebSocket.
    ConnectMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient* tls = nullptr,
                WsClient* ws = nullptr);
    ~ConnectMode() override;

    void start_measure() override;
    bool measure_settled() const override { return launcher_.done(); }
    double measure_hold_s() const override { return options_.hold_s; }
    void stop_measure() override;
    void close_all() override;
    bool closed() const override { return live_.load() == 0; }
    Json progress() const override;
    Json raw_result() const override;

    // --- for the sessions, on their I/O thread ---
    enum PerServerField : std::size_t { ps_connected, ps_failed, ps_dropped, ps_fields };
    struct alignas(64) Shard {
        explicit Shard(std::size_t servers) : per_server(servers) {}
        Counter connected, failed, dropped;
        PerServer<ps_fields> per_server;
        std::map<std::string, std::uint64_t> errors;
        std::vector<std::shared_ptr<ConnectSession>> sessions;
    };
    Shard& shard(std::size_t index) { return *shards_[index]; }
    const Options& options() const { return options_; }
    const Target& target() const { return target_; }
    TlsClient* tls() const { return tls_; }
    WsClient* ws() const { return ws_; }
    Launcher& launcher() { return launcher_; }
    std::atomic<std::int64_t>& live() { return live_; }
    bool closing() const { return closing_.load(std::memory_order_relaxed); }

private:
    const Options& options_;
    core::IoPool& pool_;
    const Target& target_;
    TlsClient* tls_;
    WsClient* ws_;
    std::vector<std::unique_ptr<Shard>> shards_;
    Launcher launcher_;
    std::atomic<std::int64_t> live_{0};
    std::atomic<bool> closing_{false};
    double connect_s_ = 0;
};

}  // namespace hiconn::load
