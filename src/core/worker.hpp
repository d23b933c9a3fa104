// Everything one I/O thread owns: its io_context, the timer wheel, the buffer pool, the
// registry of its connections (so stop() can reach them), the current settings and the
// list of connections with deferred writes to flush after the current batch of handlers
// (or, with send.coalesce_ms, on a short timer so that one write carries many lines).
// All members are "in loop" unless said otherwise.
#pragma once

#include "core/buffer_pool.hpp"
#include "core/connection_budget.hpp"
#include "core/engine_settings.hpp"
#include "core/stats.hpp"
#include "core/timer_wheel.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>

#include <memory>
#include <vector>

namespace hiconn::core {

class Connection;
using ConnectionPtr = boost::intrusive_ptr<Connection>;
class Server;
class Workload;

class Worker {
public:
    Worker(Server& server, std::size_t index, boost::asio::io_context& io,
           std::shared_ptr<const EngineSettings> settings);
    ~Worker();

    Server& server() noexcept { return server_; }
    Workload& workload() noexcept { return workload_; }
    Stats& stats() noexcept { return stats_; }
    Stats::Shard& shard() noexcept { return shard_; }
    std::size_t index() const noexcept { return index_; }
    boost::asio::io_context& io() noexcept { return io_; }
    TimerWheel& wheel() noexcept { return wheel_; }
    BufferPool& buffers() noexcept { return buffers_; }
    const EngineSettings& settings() const noexcept { return *settings_; }

    /// Starts the one-second tick. Thread safe (posts).
    void start();
    /// New settings from a reload. Thread safe (posts).
    void update_settings(std::shared_ptr<const EngineSettings> settings);
    /// Graceful close of every connection; Server::on_worker_drained() once none is left.
    /// Thread safe (posts).
    void stop();

    /// Takes a freshly accepted socket (already on this worker's io_context). In loop.
    /// A rejected connection only gets the workload's rejection message before its close.
    void adopt(ConnectionPtr connection, Admission admission);
    /// Called by a connection when it is gone (before its memory is released).
    void forget(Connection& connection);
    /// Remembers a connection for the next flush: after the current batch of handlers, or
    /// send.coalesce_ms later.
    void schedule_flush(Connection& connection);
    std::size_t connection_count() const noexcept { return count_; }

private:
    /// Every live connection (they all sit on the wheel), as owning pointers so the caller
    /// may close them while iterating.
    std::vector<ConnectionPtr> connections();
    void do_tick();
    void on_tick(const boost::system::error_code& ec);
    void flush_pending();
    void check_drained();

    Server& server_;
    Workload& workload_;
    Stats& stats_;
    Stats::Shard& shard_;
    std::size_t index_;
    boost::asio::io_context& io_;
    boost::asio::steady_timer tick_timer_;
    boost::asio::steady_timer flush_timer_;  // send.coalesce_ms
    TimerWheel wheel_;
    BufferPool buffers_;
    std::shared_ptr<const EngineSettings> settings_;
    std::size_t count_ = 0;
    std::vector<ConnectionPtr> flush_list_;
    bool flush_pending_ = false;  // a flush is posted or its timer runs
    bool stopping_ = false;
    bool drained_reported_ = false;
};

}  // namespace hiconn::core
