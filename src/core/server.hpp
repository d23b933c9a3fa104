// The engine's front: listeners with accept watermarks and exhaustion back-off, the
// connection limits, the per-thread workers, and the one stop path.
#pragma once

#include "config/config.hpp"
#include "core/stats.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace hiconn::core {

class IoPool;
class Listener;
class OperationLimiter;
class PerIpLimiter;
class Worker;
class Workload;

class Server {
public:
    /// `io` must outlive the server. The workload is shared by every connection.
    Server(IoPool& io, const config::Config& config, Workload& workload);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Opens every listener and starts accepting. Throws std::runtime_error naming the
    /// address that failed. Call before IoPool::start() or from outside the I/O threads.
    void start();

    /// Stop accepting (listeners closed: new connects are refused); connections keep being
    /// served. Thread safe, idempotent.
    void pause();
    /// Accept again on the same addresses. Thread safe, idempotent.
    void resume();
    /// Graceful stop: close the listeners, flush and close every connection (linger),
    /// then call `done` (from an I/O thread) once the last connection is gone.
    /// Thread safe; only the first call counts.
    void stop(std::function<void()> done);
    /// New limits, timeouts, receive sizes and accept watermarks. Thread safe.
    void apply(const config::Config& config);

    /// The bound addresses (a port 0 in the config is resolved here).
    std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
    bool paused() const noexcept { return paused_.load(); }

    Stats& stats() noexcept { return stats_; }
    const Stats& stats() const noexcept { return stats_; }
    Workload& workload() noexcept { return workload_; }
    IoPool& io() noexcept { return io_; }
    std::shared_ptr<const config::Config> settings() const;

    // Engine internals used by Listener, Worker and Connection.
    OperationLimiter& send_limiter() noexcept { return *send_limiter_; }
    OperationLimiter& receive_limiter() noexcept { return *receive_limiter_; }
    Worker& worker(std::size_t index) noexcept { return *workers_[index]; }
    PerIpLimiter& per_ip() noexcept { return *per_ip_; }
    /// A connection slot was released: resume listeners that paused for a limit or a
    /// resource error. Thread safe.
    void on_connection_released();
    /// Counts open connections plus outstanding accepts (the pause-mode limit).
    std::atomic<std::int64_t>& reserved() noexcept { return reserved_; }
    bool stopping() const noexcept { return stopping_.load(); }
    void on_worker_drained();

private:
    void wake_listeners();

    IoPool& io_;
    Workload& workload_;
    Stats stats_;
    mutable std::mutex settings_mutex_;
    std::shared_ptr<const config::Config> settings_;
    std::unique_ptr<OperationLimiter> send_limiter_;
    std::unique_ptr<OperationLimiter> receive_limiter_;
    std::unique_ptr<PerIpLimiter> per_ip_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::atomic<std::int64_t> reserved_{0};
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> drained_workers_{0};
    std::function<void()> on_stopped_;
};

}  // namespace hiconn::core
