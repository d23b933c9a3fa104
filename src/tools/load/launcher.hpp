// Starts connection attempts: `total` of them, at most `concurrency` unsettled at once,
// paced at `rate` per second (0 = as fast as the concurrency allows). A 1 ms timer on the
// pool's first context hands attempt `i` to context i % size; the session calls settle()
// when its attempt succeeded or failed. stop() ends the launching (a local resource error,
// the deadline).
#pragma once

#include "core/io_pool.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace hiconn::load {

/// How many attempts one tick may start: what is left of `total`; when paced (rate > 0) no
/// more than make attempt n start n / rate seconds after the first (rate * since_s + 1 in
/// all by now); at most `concurrency` unsettled at once; at most `per_tick`.
std::uint64_t launch_budget(std::uint64_t total, std::uint64_t launched, std::uint64_t settled,
                            double rate, double since_s, std::size_t concurrency,
                            std::uint64_t per_tick = 4096);

class Launcher {
public:
    using LaunchFn = std::function<void(std::uint64_t index, boost::asio::io_context& io)>;

    Launcher(core::IoPool& pool, std::uint64_t total, double rate, std::size_t concurrency,
             LaunchFn launch);

    /// Thread safe.
    void start();
    /// An attempt ended (connected or failed). Thread safe.
    void settle() { settled_.fetch_add(1, std::memory_order_relaxed); }
    /// Launch no more; `reason` (e.g. "EMFILE") is kept when it is the first. Thread safe.
    void stop(const std::string& reason);

    std::uint64_t launched() const { return launched_.load(std::memory_order_relaxed); }
    bool done() const;
    std::string stop_reason() const;
    /// Seconds from start() to the last settled attempt.
    double elapsed_s() const;

private:
    void do_tick();
    void on_tick();

    core::IoPool& pool_;
    const std::uint64_t total_;
    const double rate_;
    const std::size_t concurrency_;
    LaunchFn launch_;
    boost::asio::steady_timer timer_;
    std::chrono::steady_clock::time_point started_;
    std::atomic<std::uint64_t> launched_{0};
    std::atomic<std::uint64_t> settled_{0};
    std::atomic<bool> stopped_{false};
    std::atomic<std::int64_t> last_settle_ns_{0};
    mutable std::mutex mutex_;  // guards stop_reason_
    std::string stop_reason_;
};

}  // namespace hiconn::load
