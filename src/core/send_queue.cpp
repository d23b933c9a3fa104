#include "core/send_queue.hpp"

namespace hiconn::core {

void SendQueue::push(SharedBuffer buffer, std::size_t offset) {
    if (!buffer || offset >= buffer->size()) return;
    if (!segments_) segments_ = std::make_unique<Segments>();
    segments_->bytes += buffer->size() - offset;
    segments_->items.push_back(Segment{std::move(buffer), offset});
}

std::size_t SendQueue::gather(boost::asio::const_buffer* out, std::size_t max) const noexcept {
    if (!segments_) return 0;
    const auto& items = segments_->items;
    std::size_t count = 0;
    for (std::size_t i = segments_->head; i < items.size() && count < max; ++i) {
        const auto& s = items[i];
        out[count++] = boost::asio::buffer(s.bytes->data() + s.offset, s.bytes->size() - s.offset);
    }
    return count;
}

void SendQueue::consume(std::size_t n) noexcept {
    if (!segments_ || n == 0) return;
    if (n >= segments_->bytes) {
        segments_.reset();
        return;
    }
    segments_->bytes -= n;
    auto& items = segments_->items;
    auto& head = segments_->head;
    while (n > 0) {
        Segment& s = items[head];
        const std::size_t left = s.bytes->size() - s.offset;
        if (n < left) {
            s.offset += n;
            break;
        }
        n -= left;
        s.bytes.reset();
        ++head;
    }
    // Compact now and then, so a queue that never empties does not grow without bound.
    if (head >= 64 && head * 2 >= items.size()) {
        items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
    }
}

std::size_t SendQueue::clear() noexcept {
    const std::size_t dropped = bytes();
    segments_.reset();
    return dropped;
}

}  // namespace hiconn::core
