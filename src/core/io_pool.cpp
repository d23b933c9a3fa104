#include "core/io_pool.hpp"

namespace hiconn::core {
namespace {
// Which pool context the current thread runs (size() = none).
thread_local std::size_t t_current_index = static_cast<std::size_t>(-1);
}  // namespace

IoPool::IoPool(std::size_t threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    contexts_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        // Concurrency hint 1: each context is run by exactly one thread, so Asio can skip
        // locking in its scheduler.
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

IoPool::~IoPool() {
    stop();
}

std::size_t IoPool::next_index() noexcept {
    return next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
}

void IoPool::start() {
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        threads_.emplace_back([this, i] {
            t_current_index = i;
            contexts_[i]->run();
        });
    }
}

void IoPool::release() {
    for (auto& guard : guards_) guard.reset();
}

void IoPool::stop() {
    for (auto& context : contexts_) context->stop();
    join();
}

void IoPool::join() {
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
    threads_.clear();
}

std::size_t IoPool::current_index() const noexcept {
    return t_current_index < contexts_.size() ? t_current_index : contexts_.size();
}

}  // namespace hiconn::core
