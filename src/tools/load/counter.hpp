// Counters written by one I/O thread and read by the main thread for progress: a relaxed
// load + store (no locked read-modify-write), since each shard has a single writer.
#pragma once

#include <atomic>
#include <cstdint>

namespace hiconn::load {

struct Counter {
    std::atomic<std::uint64_t> value{0};
    void add(std::uint64_t n = 1) noexcept {
        value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void sub(std::uint64_t n = 1) noexcept {
        value.store(value.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

/// Local resource errors: opening more connections cannot succeed now, stop trying.
bool is_local_resource_error(int errno_value);

}  // namespace hiconn::load
