// The bytes waiting to be written to one socket: shared segments, gathered into one write
// and consumed from the front as the kernel takes them. Pure: no socket, no clock, no
// stats. An empty queue holds no allocation, so an idle connection pays one pointer for it.
#pragma once

#include "core/shared_buffer.hpp"

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace hiconn::core {

class SendQueue {
public:
    /// One gathered write takes at most this many segments (an iovec array on the stack;
    /// Linux accepts 1024, Windows WSASend 64 is plenty here).
    static constexpr std::size_t max_gather = 64;

    /// Bytes waiting.
    std::size_t bytes() const noexcept { return segments_ ? segments_->bytes : 0; }
    bool empty() const noexcept { return !segments_; }

    /// Appends `buffer` from `offset` on (the part before was written already).
    /// An empty remainder is ignored.
    void push(SharedBuffer buffer, std::size_t offset = 0);

    /// Fills `out[0..max)` with the front segments, in order; returns how many.
    std::size_t gather(boost::asio::const_buffer* out, std::size_t max) const noexcept;

    /// Drops `n` written bytes (at most bytes()) from the front. Frees everything when
    /// the queue becomes empty.
    void consume(std::size_t n) noexcept;

    /// Drops everything; returns how many bytes were waiting.
    std::size_t clear() noexcept;

private:
    struct Segment {
        SharedBuffer bytes;
        std::size_t offset;
    };
    struct Segments {
        std::vector<Segment> items;
        std::size_t head = 0;   // first live item
        std::size_t bytes = 0;  // > 0: an empty queue has no Segments
    };
    std::unique_ptr<Segments> segments_;  // only while bytes wait
};

}  // namespace hiconn::core
