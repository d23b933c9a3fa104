// Send: write at once when the socket takes it; queue the rest; posted sends go through
// the global limiter, oldest waiter first. Over limits.max_send_queue_bytes the connection
// stops reading (back-pressure) and the workload hears of it after the current handler.
#include "core/connection.hpp"

#include "core/operation_limiter.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/workload.hpp"
#include "core/would_block.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
/// A view of part of an array of buffers, usable as an Asio ConstBufferSequence.
struct BufferRange {
    const asio::const_buffer* first;
    const asio::const_buffer* last;
    const asio::const_buffer* begin() const noexcept { return first; }
    const asio::const_buffer* end() const noexcept { return last; }
};
}  // namespace

std::size_t Connection::write_some_now(const char* data, std::size_t size) {
    if (!queue_.empty() || send_pending_ || waiting_send_slot_) return 0;  // keep the order
    if (ws_lines()) return 0;  // framed at write time, from the queue
    std::size_t written = 0;
    do {  // once on TCP; record by record on TLS
        error_code ec;
        const std::size_t n = write_stream(data + written, size - written, ec);
        if (ec) {
            if (!would_block(ec)) fail(ec, "send");
            break;
        }
        worker_.shard().add_out(n);
        written += n;
    } while (tls_ && written < size);
    return written;
}

void Connection::send(std::string_view bytes) {
    if (ws_framed() && !ws_lines_) {  // echo over WebSocket: a fragment of the reply
        send_fragment(bytes);
        return;
    }
    send_raw(bytes);
}

void Connection::send_unframed(std::string_view bytes) {
    if (state_ != State::open || bytes.empty()) return;
    bytes.remove_prefix(write_some_now(bytes.data(), bytes.size()));
    if (bytes.empty() || state_ != State::open) return;
    append(make_shared_buffer(std::string(bytes)), 0);
    if (ws_lines()) write_queue_frames();
    start_sending();
}

void Connection::send(SharedBuffer buffer) {
    if (state_ != State::open || !buffer || buffer->empty()) return;
    if (ws_framed() && !ws_lines_) {
        send_fragment(*buffer);
        return;
    }
    const std::size_t written = write_some_now(buffer->data(), buffer->size());
    if (written == buffer->size() || state_ != State::open) return;
    append(std::move(buffer), written);
    if (ws_lines()) write_queue_frames();
    start_sending();
}

void Connection::enqueue(SharedBuffer buffer) {
    if (state_ != State::open || !buffer || buffer->empty()) return;
    if (ws_framed() && !ws_lines_) {
        send_fragment(*buffer);
        return;
    }
    append(std::move(buffer), 0);
    schedule_flush();
}

void Connection::enqueue(std::string_view bytes) {
    if (state_ != State::open || bytes.empty()) return;
    if (ws_framed() && !ws_lines_) {
        send_fragment(bytes);
        return;
    }
    append(make_shared_buffer(std::string(bytes)), 0);
    schedule_flush();
}

void Connection::append(SharedBuffer buffer, std::size_t offset) {
    const std::size_t bytes = buffer->size() - offset;
    if (queue_.empty()) stall_since_ = worker_.wheel().now();
    queue_.push(std::move(buffer), offset);
    Stats::add(worker_.stats().send_queue_bytes, static_cast<std::int64_t>(bytes));
    check_queue_limits();
}

void Connection::check_queue_limits() {
    if (read_paused_by_queue_ || state_ != State::open) return;
    if (queue_.bytes() <= worker_.settings().limits.max_send_queue_bytes) return;
    read_paused_by_queue_ = true;  // back-pressure: stop reading until the queue drains
    rearm_timer();                 // the send-stall clock now counts
    // Posted, so the workload is never re-entered from inside one of its own sends.
    asio::post(executor(), [self = ptr()] {
        if (self->state_ == State::open && self->read_paused_by_queue_)
            self->worker_.workload().on_send_queue_full(*self);
    });
}

void Connection::schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    worker_.schedule_flush(*this);
}

void Connection::flush() {
    flush_scheduled_ = false;
    if (state_ == State::closed || send_pending_ || waiting_send_slot_) return;
    write_queue_now();
    start_sending();
}

void Connection::write_queue_now() {
    if (ws_lines()) {
        write_queue_frames();
        return;
    }
    if (tls_) {
        write_queue_records();
        return;
    }
    if (queue_.empty()) return;
    std::array<asio::const_buffer, SendQueue::max_gather> buffers;
    const std::size_t count = queue_.gather(buffers.data(), buffers.size());
    error_code ec;
    const std::size_t n = socket_.write_some(BufferRange{buffers.data(), buffers.data() + count}, ec);
    if (ec) {
        if (!would_block(ec)) fail(ec, "send");
        return;
    }
    worker_.shard().add_out(n);
    consume(n);
}

void Connection::start_sending() {
    if (send_pending_ || waiting_send_slot_ || queue_.empty() || state_ == State::closed) return;
    if (tls_write_wants_read_) return;  // the handshake needs input first: on_readable sends
    auto& limiter = worker_.server().send_limiter();
    if (limiter.try_acquire()) {
        do_posted_send();
        return;
    }
    waiting_send_slot_ = true;
    Stats::add(worker_.stats().send_waiters, 1);
    limiter.wait([self = ptr()] {
        asio::post(self->executor(), [self] { self->on_send_slot(); });
    });
}

void Connection::on_send_slot() {
    waiting_send_slot_ = false;
    Stats::add(worker_.stats().send_waiters, -1);
    if (state_ == State::closed || queue_.empty()) {
        worker_.server().send_limiter().release();
        return;
    }
    do_posted_send();
}

void Connection::do_posted_send() {
    // The session writes the socket itself, and line framing copies into a record: wait
    // for room, then write.
    if (tls_ || ws_lines()) {
        send_pending_ = true;
        Stats::add(worker_.stats().posted_sends, 1);
        socket_.async_wait(asio::socket_base::wait_write,
                           [self = ptr()](const error_code& ec) { self->on_tls_writable(ec); });
        return;
    }
    std::array<asio::const_buffer, SendQueue::max_gather> gathered;
    const std::size_t count = queue_.gather(gathered.data(), gathered.size());
    // The operation outlives this frame: it owns its copy of the buffer list.
    std::vector<asio::const_buffer> buffers(gathered.begin(), gathered.begin() + static_cast<std::ptrdiff_t>(count));
    send_pending_ = true;
    Stats::add(worker_.stats().posted_sends, 1);
    socket_.async_write_some(std::move(buffers),
                             [self = ptr()](const error_code& ec, std::size_t n) {
                                 self->on_posted_send(ec, n);
                             });
}

void Connection::on_posted_send(const error_code& ec, std::size_t bytes) {
    send_pending_ = false;
    Stats::add(worker_.stats().posted_sends, -1);
    // Release after every send, so waiting connections get their turn (FIFO).
    worker_.server().send_limiter().release();
    if (state_ == State::closed) return;
    if (ec) {
        fail(ec, "send");
        return;
    }
    worker_.shard().add_out(bytes);
    consume(bytes);
    if (!queue_.empty()) start_sending();
}

void Connection::consume(std::size_t bytes) {
    if (bytes == 0) return;
    activity_tick_ = worker_.wheel().now();
    queue_.consume(bytes);
    Stats::add(worker_.stats().send_queue_bytes, -static_cast<std::int64_t>(bytes));
    if (queue_.empty()) {
        stall_since_ = 0;
        on_queue_drained();
        if (state_ == State::flushing) start_shutdown();
        return;
    }
    stall_since_ = worker_.wheel().now();  // progress: the stall clock restarts
    if (queue_.bytes() <= worker_.settings().limits.max_send_queue_bytes / 2) on_queue_drained();
}

void Connection::on_queue_drained() {
    // Resume reading at half the cap, so one line more does not pause it again at once.
    if (!read_paused_by_queue_) return;
    read_paused_by_queue_ = false;
    do_receive();
}

}  // namespace hiconn::core
