// The engine's front: listeners with accept watermarks and exhaustion back-off, the
// connection limits, the per-thread workers, and the one stop path.
#pragma once

#include "core/connection_budget.hpp"
#include "core/engine_settings.hpp"
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
class Worker;
class Workload;

class Server {
public:
    /// `io` must outlive the server. The workload is shared by every connection.
    Server(IoPool& io, const EngineSettings& settings, Workload& workload);
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
    void apply(const EngineSettings& settings);

    /// The bound addresses (a port 0 in the config is resolved here).
    std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
    /// The same, with each listener's transport.
    std::vector<EngineSettings::Listen> local_listeners() const;
    bool paused() const noexcept { return paused_.load(); }

    Stats& stats() noexcept { return stats_; }
    const Stats& stats() const noexcept { return stats_; }
    Workload& workload() noexcept { return workload_; }
    IoPool& io() noexcept { return io_; }
    std::shared_ptr<const EngineSettings> settings() const;

    // Engine internals used by Listener, Worker and Connection.
    OperationLimiter& send_limiter() noexcept { return *send_limiter_; }
    OperationLimiter& receive_limiter() noexcept { return *receive_limiter_; }
    Worker& worker(std::size_t index) noexcept { return *workers_[index]; }
    ConnectionBudget& budget() noexcept { return budget_; }
    /// A connection is gone: gives back its slot and resumes listeners that paused for a
    /// limit or a resource error. Thread safe.
    void release(const Admission& admission, const boost::asio::ip::address& remote);
    bool stopping() const noexcept { return stopping_.load(); }
    void on_worker_drained();

private:
    void wake_listeners();

    IoPool& io_;
    Workload& workload_;
    Stats stats_;
    mutable std::mutex settings_mutex_;
    std::shared_ptr<const EngineSettings> settings_;
    std::unique_ptr<OperationLimiter> send_limiter_;
    std::unique_ptr<OperationLimiter> receive_limiter_;
    ConnectionBudget budget_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> drained_workers_{0};
    std::function<void()> on_stopped_;
};

}  // namespace hiconn::core
