// The threading model, in one class: N io_contexts, one thread each (Asio's "server2"
// model). A connection lives on one context for its whole life, so its state needs no lock;
// cross-thread work is posted to the owning context. Nothing else in hiconn creates threads.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace hiconn::core {

class IoPool {
public:
    /// threads == 0: one per hardware core.
    explicit IoPool(std::size_t threads);
    ~IoPool();
    IoPool(const IoPool&) = delete;
    IoPool& operator=(const IoPool&) = delete;

    std::size_t size() const noexcept { return contexts_.size(); }
    boost::asio::io_context& context(std::size_t index) { return *contexts_[index]; }
    /// Round robin over the contexts. Thread safe.
    std::size_t next_index() noexcept;

    /// Starts one thread per context (they run until stop()). Not thread safe.
    void start();
    /// Drops the work guards so run() returns once the work is done. Thread safe.
    void release();
    /// Stops every context at once and joins the threads. Not from an I/O thread.
    void stop();
    /// Joins the threads (after release() or stop()).
    void join();

    /// Index of the pool context the calling thread runs, or size() when not an I/O thread.
    std::size_t current_index() const noexcept;

private:
    using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<WorkGuard> guards_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace hiconn::core
