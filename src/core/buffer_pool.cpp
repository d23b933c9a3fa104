#include "core/buffer_pool.hpp"

#include <algorithm>

namespace hiconn::core {

BufferPool::BufferPool(std::size_t max_cached_bytes) : max_cached_bytes_(max_cached_bytes) {}

BufferPool::~BufferPool() {
    for (auto& list : free_)
        for (char* buffer : list) delete[] buffer;
}

std::size_t BufferPool::class_index(std::size_t size) noexcept {
    std::size_t index = 0;
    std::size_t capacity = min_size;
    while (capacity < size && index + 1 < class_count) {
        capacity <<= 1;
        ++index;
    }
    return index;
}

std::size_t BufferPool::class_size(std::size_t size) noexcept {
    return min_size << class_index(size);
}

char* BufferPool::acquire(std::size_t size) {
    auto& list = free_[class_index(size)];
    if (!list.empty()) {
        char* buffer = list.back();
        list.pop_back();
        return buffer;
    }
    ++allocations_;
    return new char[class_size(size)];
}

void BufferPool::release(char* buffer, std::size_t size) {
    if (!buffer) return;
    const std::size_t index = class_index(size);
    const std::size_t keep = std::max<std::size_t>(1, max_cached_bytes_ / (min_size << index));
    auto& list = free_[index];
    if (list.size() < keep)
        list.push_back(buffer);
    else
        delete[] buffer;
}

std::size_t BufferPool::cached_buffers() const noexcept {
    std::size_t n = 0;
    for (const auto& list : free_) n += list.size();
    return n;
}

}  // namespace hiconn::core
