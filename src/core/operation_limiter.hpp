// A global cap on simultaneously posted operations (the book's "200 outstanding sends"),
// with a first-in first-out wait for a slot. Thread safe.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace hiconn::core {

class OperationLimiter {
public:
    /// Called with the slot already owned by the waiter; runs on the releasing thread, so
    /// it should only post to the waiter's own executor.
    using Grant = std::function<void()>;

    explicit OperationLimiter(std::size_t capacity);

    /// Takes a slot when one is free and nobody is waiting (FIFO: no overtaking).
    bool try_acquire();
    /// Queues a waiter; `grant` runs once a slot is handed to it.
    void wait(Grant grant);
    /// Returns a slot: handed to the oldest waiter, or freed.
    void release();
    /// New capacity (config reload); a larger one serves waiters at once.
    void set_capacity(std::size_t capacity);

    std::size_t in_use() const;
    std::size_t waiting() const;
    std::size_t capacity() const;

private:
    mutable std::mutex mutex_;
    std::size_t capacity_;
    std::size_t in_use_ = 0;
    std::deque<Grant> waiters_;
};

}  // namespace hiconn::core
