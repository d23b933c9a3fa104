// Receive: zero-byte waits, drained with non-blocking reads into a pooled buffer; or, with
// the "posted" strategy, a buffered receive for a bounded FIFO subset of connections.
#include "core/connection.hpp"

#include "core/buffer_pool.hpp"
#include "core/operation_limiter.hpp"
#include "core/plain_allocator.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/would_block.hpp"
#include "core/workload.hpp"
#include "websocket/upgrade_request.hpp"

#include <boost/asio/post.hpp>

#include <array>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

/// The handler of the zero-byte wait, outstanding for as long as the connection is idle: one
/// pointer, allocated at its exact size (see PlainAllocator). A nested allocator_type rather
/// than bind_allocator, whose stored allocator would pad the operation by 8 bytes.
struct Connection::ReadableHandler {
    ConnectionPtr self;
    using allocator_type = PlainAllocator<void>;
    allocator_type get_allocator() const noexcept { return {}; }
    void operator()(const error_code& ec) { self->on_readable(ec); }
};

void Connection::do_receive() {
    if (!reading() || wait_pending_ || receive_pending_) return;
    if (proxy_pending_) {  // the header is peeked at, never received into a posted buffer
        do_wait_readable();
        return;
    }
    // Posted receives hand the socket a buffer; a TLS session reads the socket itself.
    // WebSocket decodes in the drain's pooled buffer: zero-byte waits only.
    if (worker_.settings().receive.strategy == ReceiveStrategy::posted && !tls_ && !websocket_) {
        if (!has_receive_slot_ && !waiting_receive_slot_) {
            auto& limiter = worker_.server().receive_limiter();
            if (limiter.try_acquire()) {
                has_receive_slot_ = true;
                Stats::add(worker_.stats().posted_receives, 1);
            } else {
                waiting_receive_slot_ = true;
                limiter.wait([self = ptr()] {
                    asio::post(self->executor(), [self] { self->on_receive_slot(); });
                });
            }
        }
        if (has_receive_slot_) {
            do_posted_receive();
            return;
        }
    }
    do_wait_readable();
}

void Connection::on_receive_slot() {
    waiting_receive_slot_ = false;
    has_receive_slot_ = true;
    Stats::add(worker_.stats().posted_receives, 1);
    if (state_ != State::open) {
        release_receive_slot();
        return;
    }
    do_receive();  // no-op while a zero-byte wait is pending; the slot is used next time
}

void Connection::do_wait_readable() {
    wait_pending_ = true;
    if (tls_input_buffered()) {
        asio::post(executor(), [self = ptr()] { self->on_readable({}); });
        return;
    }
    if (tls_read_wants_write_) {  // the handshake's reply waits for room in the socket
        tls_read_wants_write_ = false;
        socket_.async_wait(asio::socket_base::wait_write, ReadableHandler{ptr()});
        return;
    }
    socket_.async_wait(asio::socket_base::wait_read, ReadableHandler{ptr()});
}

void Connection::on_readable(const error_code& ec) {
    wait_pending_ = false;
    if (state_ == State::closed) return;
    if (ec) {
        read_failed(ec);
        return;
    }
    if (state_ != State::open) {  // closing: drop input, watch for the peer's FIN
        if (discard_input() || state_ != State::lingering) return;
        do_linger();
        return;
    }
    if (proxy_pending_) {
        on_proxy_readable();
        return;
    }
    if (ws_upgrading_) {
        on_upgrade_readable();
        return;
    }
    const auto& receive = worker_.settings().receive;
    std::size_t budget = receive.max_read_per_wakeup;
    std::size_t size = receive_size_;
    char* buffer = worker_.buffers().acquire(size);
    bool more = false;
    for (;;) {
        error_code read_ec;
        const std::size_t n = read_stream(buffer, size, read_ec);
        if (would_block(read_ec)) break;
        if (read_ec) {
            worker_.buffers().release(buffer, size);
            read_failed(read_ec);
            return;
        }
        if (!deliver(buffer, n)) break;
        // A short read on a stream socket means the kernel buffer is empty: skip the
        // read that would only say "would block". (TLS reads end at records: read on.)
        if (n < size && !tls_) break;
        if (size < receive.max_buffer && size < BufferPool::max_size) {
            worker_.buffers().release(buffer, size);
            size *= 2;
            receive_size_ = static_cast<std::uint32_t>(size);
            buffer = worker_.buffers().acquire(size);
        }
        if (n >= budget) {  // fairness: let the other connections of this thread run
            more = true;
            break;
        }
        budget -= n;
    }
    worker_.buffers().release(buffer, size);
    if (tls_write_wants_read_) {  // the handshake moved on: what waited for it goes out
        tls_write_wants_read_ = false;
        flush();
    }
    if (more && reading()) {
        wait_pending_ = true;
        asio::post(executor(), [self = ptr()] { self->on_readable({}); });
        return;
    }
    do_receive();
}

void Connection::do_posted_receive() {
    if (!posted_buffer_) posted_buffer_ = worker_.buffers().acquire(receive_size_);
    receive_pending_ = true;
    socket_.async_read_some(asio::buffer(posted_buffer_, receive_size_),
                            [self = ptr()](const error_code& ec, std::size_t n) {
                                self->on_posted_receive(ec, n);
                            });
}

void Connection::on_posted_receive(const error_code& ec, std::size_t bytes) {
    receive_pending_ = false;
    if (state_ != State::open) {
        release_receive_slot();
        if (state_ == State::closed) return;
        if (ec == asio::error::eof) peer_closed_ = true;
        if (state_ == State::lingering) {
            if (peer_closed_ || (ec && ec != asio::error::operation_aborted))
                finish(close_reason_);
            else
                do_linger();
        }
        return;
    }
    if (ec) {
        release_receive_slot();
        read_failed(ec);
        return;
    }
    const bool filled = bytes == receive_size_;
    if (!deliver(posted_buffer_, bytes)) {
        if (state_ != State::open) release_receive_slot();
        return;
    }
    const auto& receive = worker_.settings().receive;
    if (filled && receive_size_ < receive.max_buffer && receive_size_ < BufferPool::max_size) {
        release_posted_buffer();
        receive_size_ *= 2;
    }
    // Fairness: a slot is lent, not owned -- hand it on when others wait for one.
    if (worker_.server().receive_limiter().waiting() > 0) release_receive_slot();
    do_receive();
}

bool Connection::deliver(char* data, std::size_t bytes) {
    got_data_ = true;
    activity_tick_ = worker_.wheel().now();
    worker_.shard().add_in(bytes);
    if (websocket_)
        deliver_frames(data, bytes);
    else
        worker_.workload().on_data(*this, std::string_view(data, bytes));
    return reading();
}

void Connection::read_failed(const error_code& ec) {
    if (ec == asio::error::eof) {
        // The peer finished sending: answer what was received, then close.
        peer_closed_ = true;
        if (state_ == State::open)
            close(CloseReason::peer_closed);
        else if (state_ == State::lingering)
            finish(close_reason_);
        return;
    }
    fail(ec, "receive");
}

bool Connection::discard_input() {
    std::array<char, 4096> scrap;
    for (;;) {
        error_code ec;
        read_stream(scrap.data(), scrap.size(), ec);
        if (state_ == State::closed) return true;  // a TLS failure
        if (would_block(ec)) return false;
        if (ec) {
            if (ec == asio::error::eof) peer_closed_ = true;
            if (state_ == State::lingering || ec != asio::error::eof) finish(close_reason_);
            return true;
        }
    }
}

void Connection::release_posted_buffer() {
    if (!posted_buffer_) return;
    // A WebSocket connection never posts receives: its only such buffer is the upgrade's,
    // of its own size. Given back under receive_size_'s class (a close before the request
    // was complete), an 8 KiB buffer would later take a bigger class's read.
    worker_.buffers().release(posted_buffer_, websocket_ ? websocket::max_request : receive_size_);
    posted_buffer_ = nullptr;
}

void Connection::release_receive_slot() {
    if (receive_pending_) return;  // the buffer is still in use; the completion releases
    release_posted_buffer();
    if (!has_receive_slot_) return;
    has_receive_slot_ = false;
    Stats::add(worker_.stats().posted_receives, -1);
    worker_.server().receive_limiter().release();
}

}  // namespace hiconn::core
