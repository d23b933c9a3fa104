#include "core/connection.hpp"

#include "core/buffer_pool.hpp"
#include "core/operation_limiter.hpp"
#include "core/per_ip_limiter.hpp"
#include "core/plain_allocator.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/workload.hpp"
#include "platform/platform.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Gathered writes take at most this many queue segments at once (an iovec array on the
// stack; Linux accepts 1024, Windows WSASend 64 is plenty here).
constexpr std::size_t max_gather = 64;

/// A view of part of an array of buffers, usable as an Asio ConstBufferSequence.
struct BufferRange {
    const asio::const_buffer* first;
    const asio::const_buffer* last;
    const asio::const_buffer* begin() const noexcept { return first; }
    const asio::const_buffer* end() const noexcept { return last; }
};

bool would_block(const error_code& ec) {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}
}  // namespace

namespace {
/// Posted receive buffers stay locked by the kernel while pending (IOCP): keep them whole
/// pages. Zero-byte drains use the pool's classes as they are.
std::uint32_t first_receive_size(const config::Config& settings) {
    std::size_t size = BufferPool::class_size(settings.receive.initial_buffer);
    if (settings.receive.strategy == "posted")
        size = std::max(size, BufferPool::class_size(platform::page_size()));
    return static_cast<std::uint32_t>(size);
}
}  // namespace

Connection::Connection(Worker& worker, Socket socket, const asio::ip::address& remote)
    : worker_(worker),
      socket_(std::move(socket)),
      remote_(remote),
      got_data_(false),
      wait_pending_(false),
      receive_pending_(false),
      has_receive_slot_(false),
      waiting_receive_slot_(false),
      send_pending_(false),
      waiting_send_slot_(false),
      flush_scheduled_(false),
      read_paused_by_workload_(false),
      read_paused_by_queue_(false),
      peer_closed_(false),
      counted_per_ip_(false),
      rejected_(false) {}

Connection::~Connection() {
    if (posted_buffer_) worker_.buffers().release(posted_buffer_, receive_size_);
}

std::size_t Connection::thread_index() const noexcept { return worker_.index(); }

// ---------------------------------------------------------------------------------------
// Start

void Connection::start(CloseReason rejection, bool counted_per_ip) {
    counted_per_ip_ = counted_per_ip;
    // Here, not in the constructor: that runs on the listener's thread, and the worker's
    // settings and wheel belong to the worker's.
    receive_size_ = first_receive_size(worker_.settings());
    opened_tick_ = activity_tick_ = worker_.wheel().now();
    self_ = shared_from_this();
    error_code ec;
    socket_.non_blocking(true, ec);
    // Replies are small and written as soon as they are ready: Nagle would hold them back.
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    if (rejection != CloseReason::workload) {
        rejected_ = true;
        close_reason_ = rejection;
        const std::string message = worker_.workload().rejection_message(rejection);
        if (!message.empty()) send(std::string_view(message));
        close(rejection);
        return;
    }
    worker_.workload().on_open(*this);
    if (state_ != State::open) return;
    rearm_timer();
    do_receive();
}

// ---------------------------------------------------------------------------------------
// Receive: zero-byte waits, drained with non-blocking reads into a pooled buffer; or, with
// the "posted" strategy, a buffered receive for a bounded FIFO subset of connections.

void Connection::do_receive() {
    if (state_ != State::open || read_paused_by_workload_ || read_paused_by_queue_ ||
        wait_pending_ || receive_pending_)
        return;
    if (worker_.settings().receive.strategy == "posted") {
        if (!has_receive_slot_ && !waiting_receive_slot_) {
            auto& limiter = worker_.server().receive_limiter();
            if (limiter.try_acquire()) {
                has_receive_slot_ = true;
                Stats::add(worker_.stats().posted_receives, 1);
            } else {
                waiting_receive_slot_ = true;
                limiter.wait([self = shared_from_this()] {
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
    // Outstanding for as long as the connection is idle: sized exactly (see PlainAllocator).
    socket_.async_wait(asio::socket_base::wait_read,
                       asio::bind_allocator(PlainAllocator<void>(),
                                            [self = shared_from_this()](const error_code& ec) {
                                                self->on_readable(ec);
                                            }));
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
    const auto& receive = worker_.settings().receive;
    std::size_t budget = receive.max_read_per_wakeup;
    std::size_t size = receive_size_;
    char* buffer = worker_.buffers().acquire(size);
    bool more = false;
    for (;;) {
        error_code read_ec;
        const std::size_t n = socket_.read_some(asio::buffer(buffer, size), read_ec);
        if (would_block(read_ec)) break;
        if (read_ec) {
            worker_.buffers().release(buffer, size);
            read_failed(read_ec);
            return;
        }
        if (!deliver(buffer, n)) break;
        // A short read on a stream socket means the kernel buffer is empty: skip the
        // read that would only say "would block".
        if (n < size) break;
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
    if (more && state_ == State::open && !read_paused_by_workload_ && !read_paused_by_queue_) {
        wait_pending_ = true;
        asio::post(executor(), [self = shared_from_this()] { self->on_readable({}); });
        return;
    }
    do_receive();
}

void Connection::do_posted_receive() {
    if (!posted_buffer_) posted_buffer_ = worker_.buffers().acquire(receive_size_);
    receive_pending_ = true;
    socket_.async_read_some(asio::buffer(posted_buffer_, receive_size_),
                            [self = shared_from_this()](const error_code& ec, std::size_t n) {
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

bool Connection::deliver(const char* data, std::size_t bytes) {
    got_data_ = true;
    activity_tick_ = worker_.wheel().now();
    worker_.shard().add_in(bytes);
    worker_.workload().on_data(*this, std::string_view(data, bytes));
    return state_ == State::open && !read_paused_by_workload_ && !read_paused_by_queue_;
}

void Connection::read_failed(const error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    if (ec == asio::error::eof) {
        // The peer finished sending: answer what was received, then close.
        peer_closed_ = true;
        if (state_ == State::open)
            close(CloseReason::peer_closed);
        else if (state_ == State::lingering)
            finish(close_reason_);
        return;
    }
    fail(ec);
}

bool Connection::discard_input() {
    std::array<char, 4096> scrap;
    for (;;) {
        error_code ec;
        socket_.read_some(asio::buffer(scrap), ec);
        if (would_block(ec)) return false;
        if (ec) {
            if (ec == asio::error::eof) peer_closed_ = true;
            if (state_ == State::lingering || ec != asio::error::eof) finish(close_reason_);
            return true;
        }
    }
}

void Connection::pause_reading() { read_paused_by_workload_ = true; }

void Connection::resume_reading() {
    if (!read_paused_by_workload_) return;
    read_paused_by_workload_ = false;
    do_receive();
}

void Connection::release_posted_buffer() {
    if (!posted_buffer_) return;
    worker_.buffers().release(posted_buffer_, receive_size_);
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

// ---------------------------------------------------------------------------------------
// Send: write at once when the socket takes it; queue the rest; posted sends go through
// the global limiter, oldest waiter first.

void Connection::send(std::string_view bytes) {
    if (state_ != State::open || bytes.empty()) return;
    if (queued_bytes_ == 0 && !send_pending_ && !waiting_send_slot_) {
        error_code ec;
        const std::size_t n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec && !would_block(ec)) {
            fail(ec);
            return;
        }
        if (!ec) {
            worker_.shard().add_out(n);
            bytes.remove_prefix(n);
            if (bytes.empty()) return;
        }
    }
    append(make_shared_buffer(std::string(bytes)), 0);
    start_sending();
}

void Connection::send(SharedBuffer buffer) {
    if (state_ != State::open || !buffer || buffer->empty()) return;
    std::size_t offset = 0;
    if (queued_bytes_ == 0 && !send_pending_ && !waiting_send_slot_) {
        error_code ec;
        offset = socket_.write_some(asio::buffer(*buffer), ec);
        if (ec && !would_block(ec)) {
            fail(ec);
            return;
        }
        if (ec) offset = 0;
        worker_.shard().add_out(offset);
        if (offset == buffer->size()) return;
    }
    append(std::move(buffer), offset);
    start_sending();
}

void Connection::enqueue(SharedBuffer buffer) {
    if (state_ != State::open || !buffer || buffer->empty()) return;
    append(std::move(buffer), 0);
    schedule_flush();
}

void Connection::enqueue(std::string_view bytes) {
    if (state_ != State::open || bytes.empty()) return;
    append(make_shared_buffer(std::string(bytes)), 0);
    schedule_flush();
}

void Connection::append(SharedBuffer buffer, std::size_t offset) {
    const std::size_t bytes = buffer->size() - offset;
    if (queued_bytes_ == 0) stall_since_ = worker_.wheel().now();
    if (!queue_) queue_ = std::make_unique<SendQueue>();
    queue_->segments.push_back(Segment{std::move(buffer), offset});
    queued_bytes_ += bytes;
    Stats::add(worker_.stats().send_queue_bytes, static_cast<std::int64_t>(bytes));
    check_queue_limits();
}

void Connection::check_queue_limits() {
    if (read_paused_by_queue_ || state_ != State::open) return;
    if (queued_bytes_ <= worker_.settings().limits.max_send_queue_bytes) return;
    if (worker_.workload().on_send_queue_full(*this) && state_ == State::open) {
        read_paused_by_queue_ = true;  // back-pressure: stop reading until the queue drains
        rearm_timer();
    }
}

void Connection::schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    worker_.schedule_flush(*this);
}

void Connection::flush() {
    flush_scheduled_ = false;
    if (state_ == State::closed || send_pending_ || waiting_send_slot_) return;
    write_now();
    start_sending();
}

void Connection::write_now() {
    if (queued_bytes_ == 0) return;
    std::array<asio::const_buffer, max_gather> buffers;
    std::size_t count = 0;
    const auto& segments = queue_->segments;
    for (std::size_t i = queue_->head; i < segments.size() && count < max_gather; ++i) {
        const auto& s = segments[i];
        buffers[count++] = asio::buffer(s.bytes->data() + s.offset, s.bytes->size() - s.offset);
    }
    error_code ec;
    const std::size_t n = socket_.write_some(BufferRange{buffers.data(), buffers.data() + count}, ec);
    if (ec) {
        if (!would_block(ec)) fail(ec);
        return;
    }
    worker_.shard().add_out(n);
    consume(n);
}

void Connection::start_sending() {
    if (send_pending_ || waiting_send_slot_ || queued_bytes_ == 0 ||
        state_ == State::closed)
        return;
    auto& limiter = worker_.server().send_limiter();
    if (limiter.try_acquire()) {
        do_posted_send();
        return;
    }
    waiting_send_slot_ = true;
    Stats::add(worker_.stats().send_waiters, 1);
    limiter.wait([self = shared_from_this()] {
        asio::post(self->executor(), [self] { self->on_send_slot(); });
    });
}

void Connection::on_send_slot() {
    waiting_send_slot_ = false;
    Stats::add(worker_.stats().send_waiters, -1);
    if (state_ == State::closed || queued_bytes_ == 0) {
        worker_.server().send_limiter().release();
        return;
    }
    do_posted_send();
}

void Connection::do_posted_send() {
    std::vector<asio::const_buffer> buffers;
    const auto& segments = queue_->segments;
    buffers.reserve(std::min(max_gather, segments.size() - queue_->head));
    for (std::size_t i = queue_->head; i < segments.size() && buffers.size() < max_gather; ++i) {
        const auto& s = segments[i];
        buffers.push_back(asio::buffer(s.bytes->data() + s.offset, s.bytes->size() - s.offset));
    }
    send_pending_ = true;
    Stats::add(worker_.stats().posted_sends, 1);
    socket_.async_write_some(std::move(buffers),
                             [self = shared_from_this()](const error_code& ec, std::size_t n) {
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
        if (ec != asio::error::operation_aborted) fail(ec);
        return;
    }
    worker_.shard().add_out(bytes);
    consume(bytes);
    if (queued_bytes_ != 0) start_sending();
}

void Connection::consume(std::size_t bytes) {
    if (bytes == 0) return;
    activity_tick_ = worker_.wheel().now();
    queued_bytes_ -= bytes;
    Stats::add(worker_.stats().send_queue_bytes, -static_cast<std::int64_t>(bytes));
    if (queued_bytes_ == 0) {
        queue_.reset();  // an idle connection keeps no queue at all
        on_queue_empty();
        return;
    }
    auto& segments = queue_->segments;
    auto& head = queue_->head;
    while (bytes > 0) {
        Segment& s = segments[head];
        const std::size_t left = s.bytes->size() - s.offset;
        if (bytes < left) {
            s.offset += bytes;
            break;
        }
        bytes -= left;
        s.bytes.reset();
        ++head;
    }
    if (head >= 64 && head * 2 >= segments.size()) {
        segments.erase(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
    }
    stall_since_ = worker_.wheel().now();  // progress: the stall clock restarts
    if (read_paused_by_queue_ &&
        queued_bytes_ <= worker_.settings().limits.max_send_queue_bytes / 2) {
        read_paused_by_queue_ = false;
        do_receive();
    }
}

void Connection::on_queue_empty() {
    stall_since_ = 0;
    if (read_paused_by_queue_) {
        read_paused_by_queue_ = false;
        do_receive();
    }
    if (state_ == State::flushing) start_shutdown();
}

// ---------------------------------------------------------------------------------------
// Close: flush, shut down the send side, linger for the peer's FIN, close.

void Connection::close(CloseReason reason) {
    if (state_ != State::open) return;
    close_reason_ = reason;
    state_ = State::flushing;
    const std::uint32_t linger = worker_.settings().timeouts.linger_s;
    // The whole close (flush + FIN) is bounded by linger_s; 0 means "at most a second".
    linger_deadline_ = worker_.wheel().now() + std::max<std::uint32_t>(1, linger);
    if (!receive_pending_) release_receive_slot();
    rearm_timer();
    if (queued_bytes_ > 0) {
        // What is queued goes out right after this handler, not after send.coalesce_ms: the
        // linger deadline must not overtake the last lines (a QUIT's ERROR). Posted, not
        // called, because the caller may be a workload iterating over its clients.
        // on_queue_empty() starts the shutdown once everything is written.
        asio::post(executor(), [self = shared_from_this()] { self->flush(); });
        return;
    }
    if (!send_pending_) start_shutdown();
}

void Connection::start_shutdown() {
    state_ = State::lingering;
    error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_send, ec);
    if (ec || peer_closed_ || worker_.settings().timeouts.linger_s == 0) {
        finish(close_reason_);
        return;
    }
    do_linger();
}

void Connection::do_linger() {
    if (wait_pending_ || receive_pending_ || state_ != State::lingering) return;
    do_wait_readable();
}

void Connection::fail(const error_code& ec) {
    if (state_ == State::closed) return;
    finish(state_ == State::open ? CloseReason::io_error : close_reason_);
}

void Connection::finish(CloseReason reason) {
    if (state_ == State::closed) return;
    state_ = State::closed;
    worker_.wheel().cancel(*this);
    error_code ec;
    socket_.close(ec);  // pending operations complete with operation_aborted
    if (queued_bytes_ > 0)
        Stats::add(worker_.stats().send_queue_bytes, -static_cast<std::int64_t>(queued_bytes_));
    queued_bytes_ = 0;
    queue_.reset();
    release_receive_slot();
    if (counted_per_ip_) worker_.server().per_ip().remove(remote_);
    if (rejected_) {
        Stats::add(worker_.stats().closes[static_cast<std::size_t>(reason)]);
    } else {
        worker_.stats().connection_closed(reason);
        worker_.workload().on_close(*this, reason);
    }
    worker_.forget(*this);
    worker_.server().on_connection_released();
    // Callers up the stack may still touch members: release the last reference later.
    asio::post(executor(), [keep = std::move(self_)] {});
}

// ---------------------------------------------------------------------------------------
// Timeouts (driven by the worker's one-second wheel)

void Connection::set_timer(std::uint32_t seconds) {
    if (state_ == State::closed) return;
    timer_deadline_ = worker_.wheel().now() + std::max<std::uint32_t>(1, seconds);
    rearm_timer();
}

void Connection::cancel_timer() { timer_deadline_ = 0; }

std::uint32_t Connection::next_deadline() const noexcept {
    const auto& t = worker_.settings().timeouts;
    std::uint32_t d = UINT32_MAX;
    if (state_ == State::open) {
        if (!got_data_ && t.first_data_s) d = std::min(d, opened_tick_ + t.first_data_s);
        if (t.idle_s) d = std::min(d, activity_tick_ + t.idle_s);
        if (timer_deadline_) d = std::min(d, timer_deadline_);
    }
    if (stall_since_ && t.send_stall_s && queued_bytes_ > 0) d = std::min(d, stall_since_ + t.send_stall_s);
    if (linger_deadline_ && state_ != State::open) d = std::min(d, linger_deadline_);
    // The wheel is also the worker's registry: every live connection stays on it, at worst
    // re-evaluated once an hour.
    constexpr std::uint32_t keepalive_ticks = 3600;
    return std::min(d, worker_.wheel().now() + keepalive_ticks);
}

void Connection::rearm_timer() {
    if (state_ == State::closed) return;
    const std::uint32_t deadline = next_deadline();
    // Lazy: a node that fires early just re-evaluates; only move it when it would be late.
    if (!scheduled() || deadline < wheel_deadline) worker_.wheel().schedule(*this, deadline);
}

void Connection::on_timeout(std::uint32_t now) {
    const auto& t = worker_.settings().timeouts;
    auto& timeouts = worker_.stats().timeouts;
    if (state_ != State::open) {
        if (linger_deadline_ && now >= linger_deadline_) {
            Stats::add(timeouts[static_cast<std::size_t>(TimeoutKind::linger)]);
            finish(close_reason_);
            return;
        }
    } else if (!got_data_ && t.first_data_s && now >= opened_tick_ + t.first_data_s) {
        Stats::add(timeouts[static_cast<std::size_t>(TimeoutKind::first_data)]);
        close(CloseReason::first_data_timeout);
    } else if (t.idle_s && now >= activity_tick_ + t.idle_s) {
        Stats::add(timeouts[static_cast<std::size_t>(TimeoutKind::idle)]);
        activity_tick_ = now;  // the workload may keep the connection (chat: PING first)
        worker_.workload().on_idle(*this);
    }
    if (state_ == State::closed) return;
    if (stall_since_ && t.send_stall_s && queued_bytes_ > 0 && now >= stall_since_ + t.send_stall_s) {
        Stats::add(timeouts[static_cast<std::size_t>(TimeoutKind::send_stall)]);
        finish(CloseReason::send_stall);
        return;
    }
    if (state_ == State::open && timer_deadline_ && now >= timer_deadline_) {
        timer_deadline_ = 0;
        worker_.workload().on_timer(*this);
        if (state_ == State::closed) return;
    }
    rearm_timer();
}

}  // namespace hiconn::core
