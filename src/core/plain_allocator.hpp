// An allocator for Asio handlers that allocates exactly what the operation needs.
//
// By default Asio recycles operation memory through a small per-thread cache and hands a
// new operation any cached block that is large enough. An idle connection's zero-byte wait
// then keeps the (much larger) block of the accept operation that preceded it for as long
// as the connection lives: ~240 bytes instead of ~100. Handlers bound to this allocator
// (boost::asio::bind_allocator) skip that cache; glibc's per-thread cache keeps the
// allocation itself cheap.
#pragma once

#include <cstddef>
#include <new>

namespace hiconn::core {

template <typename T>
struct PlainAllocator {
    using value_type = T;

    PlainAllocator() noexcept = default;
    template <typename U>
    PlainAllocator(const PlainAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p); }

    template <typename U>
    bool operator==(const PlainAllocator<U>&) const noexcept { return true; }
    template <typename U>
    bool operator!=(const PlainAllocator<U>&) const noexcept { return false; }
};

}  // namespace hiconn::core
