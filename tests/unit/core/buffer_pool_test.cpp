#include "core/buffer_pool.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using hiconn::core::BufferPool;

TEST_CASE("buffer pool rounds sizes up to power-of-two classes", "[buffers]") {
    CHECK(BufferPool::class_size(1) == 512);
    CHECK(BufferPool::class_size(512) == 512);
    CHECK(BufferPool::class_size(513) == 1024);
    CHECK(BufferPool::class_size(65536) == 65536);
    CHECK(BufferPool::class_size(BufferPool::max_size) == BufferPool::max_size);
}

TEST_CASE("buffer pool reuses released buffers of the same class", "[buffers]") {
    BufferPool pool;
    char* a = pool.acquire(4096);
    std::memset(a, 1, 4096);  // the whole class size is usable
    pool.release(a, 4096);
    char* b = pool.acquire(3000);  // same class
    CHECK(b == a);
    CHECK(pool.allocations() == 1);
    char* c = pool.acquire(8192);  // another class: a new allocation
    CHECK(c != a);
    CHECK(pool.allocations() == 2);
    pool.release(b, 4096);
    pool.release(c, 8192);
    CHECK(pool.cached_buffers() == 2);
}

TEST_CASE("buffer pool keeps a bounded number of free buffers", "[buffers]") {
    BufferPool pool(8192);  // at most 8 KiB cached per class: two 4 KiB buffers
    char* bufs[4];
    for (auto& b : bufs) b = pool.acquire(4096);
    for (auto& b : bufs) pool.release(b, 4096);
    CHECK(pool.cached_buffers() == 2);
    char* big = pool.acquire(1 << 20);  // bigger than the cap: still one is kept
    pool.release(big, 1 << 20);
    CHECK(pool.cached_buffers() == 3);
}
