// Size-class buffer pool, one per I/O thread: receive buffers are taken for one drain and
// given back right after, so an idle connection holds none. Classes are powers of two from
// 512 B; each class keeps a bounded free list so a burst does not pin memory forever.
// Not thread safe: owned by one I/O thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hiconn::core {

class BufferPool {
public:
    static constexpr std::size_t min_size = 512;
    static constexpr std::size_t class_count = 16;  // 512 B .. 16 MiB
    static constexpr std::size_t max_size = min_size << (class_count - 1);

    /// `max_cached_bytes`: free buffers kept per class at most (at least one buffer).
    explicit BufferPool(std::size_t max_cached_bytes = 4 << 20);
    ~BufferPool();
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    /// The size a request of `size` bytes gets (its class size). size <= max_size.
    static std::size_t class_size(std::size_t size) noexcept;

    /// A buffer of class_size(size) bytes.
    char* acquire(std::size_t size);
    /// Gives back a buffer from acquire(size) (same size argument, or its class size).
    void release(char* buffer, std::size_t size);

    std::size_t cached_buffers() const noexcept;
    std::size_t allocations() const noexcept { return allocations_; }

private:
    static std::size_t class_index(std::size_t size) noexcept;
    std::array<std::vector<char*>, class_count> free_;
    std::size_t max_cached_bytes_;
    std::size_t allocations_ = 0;
};

}  // namespace hiconn::core
