#include "core/operation_limiter.hpp"

#include <vector>

namespace hiconn::core {

OperationLimiter::OperationLimiter(std::size_t capacity) : capacity_(capacity) {}

bool OperationLimiter::try_acquire() {
    std::lock_guard lock(mutex_);
    if (in_use_ >= capacity_ || !waiters_.empty()) return false;
    ++in_use_;
    return true;
}

void OperationLimiter::wait(Grant grant) {
    std::unique_lock lock(mutex_);
    if (in_use_ < capacity_ && waiters_.empty()) {
        ++in_use_;
        lock.unlock();
        grant();
        return;
    }
    waiters_.push_back(std::move(grant));
}

void OperationLimiter::release() {
    Grant next;
    {
        std::lock_guard lock(mutex_);
        if (in_use_ > capacity_ || waiters_.empty()) {
            --in_use_;  // over capacity after a shrink, or nobody waits: the slot is freed
            return;
        }
        next = std::move(waiters_.front());  // the slot passes on; in_use_ is unchanged
        waiters_.pop_front();
    }
    next();
}

void OperationLimiter::set_capacity(std::size_t capacity) {
    std::vector<Grant> granted;
    {
        std::lock_guard lock(mutex_);
        capacity_ = capacity;
        while (in_use_ < capacity_ && !waiters_.empty()) {
            ++in_use_;
            granted.push_back(std::move(waiters_.front()));
            waiters_.pop_front();
        }
    }
    for (auto& grant : granted) grant();
}

std::size_t OperationLimiter::in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

std::size_t OperationLimiter::waiting() const {
    std::lock_guard lock(mutex_);
    return waiters_.size();
}

std::size_t OperationLimiter::capacity() const {
    std::lock_guard lock(mutex_);
    return capacity_;
}

}  // namespace hiconn::core
