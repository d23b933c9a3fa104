// The close: open -> flushing (what is queued goes out) -> lingering (send side shut down,
// waiting for the peer's FIN) -> closed, the whole of it bounded by timeouts.linger_s. And
// the timeouts, driven by the worker's one-second wheel.
#include "core/connection.hpp"

#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/workload.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

void Connection::close(CloseReason reason) {
    if (state_ != State::open) return;
    close_reason_ = reason;
    state_ = State::flushing;
    const std::uint32_t linger = worker_.settings().timeouts.linger_s;
    // The whole close (flush + FIN) is bounded by linger_s; 0 means "at most a second". The
    // wheel's current tick is already under way, so N ticks from now can be N-1 s away: one
    // more tick, or a 1 s linger can cut off the last lines (a QUIT's ERROR).
    deadline_ = worker_.wheel().now() + std::max<std::uint32_t>(1, linger) + 1;  // the workload's timer is gone
    if (!receive_pending_) release_receive_slot();
    rearm_timer();
    if (!queue_.empty()) {
        // What is queued goes out right after this handler, not after send.coalesce_ms: the
        // linger deadline must not overtake the last lines (a QUIT's ERROR). Posted, not
        // called, because the caller may be a workload iterating over its clients.
        // consume() starts the shutdown once everything is written.
        asio::post(executor(), [self = ptr()] { self->flush(); });
        return;
    }
    if (!send_pending_) start_shutdown();
}

void Connection::start_shutdown() {
    state_ = State::lingering;
    // WebSocket: our close frame, then the FIN (best effort, as close_notify: the queue is
    // empty here, so it goes straight to the stream).
    if (ws_framed() && !ws_close_sent_) {
        ws_close_sent_ = true;
        char frame[4];
        const std::size_t n = websocket::encode_header(frame, websocket::close, true, 2);
        frame[n] = static_cast<char>(websocket::normal >> 8);
        frame[n + 1] = static_cast<char>(websocket::normal & 0xFF);
        error_code ignored;
        write_stream(frame, n + 2, ignored);
    }
    if (tls_) tls_.shutdown();  // close_notify, then the FIN
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

void Connection::set_timer(std::uint32_t seconds) {
    if (state_ != State::open) return;
    deadline_ = worker_.wheel().now() + std::max<std::uint32_t>(1, seconds);
    rearm_timer();
}

void Connection::cancel_timer() {
    if (state_ == State::open) deadline_ = 0;
}

std::uint32_t Connection::next_deadline() const noexcept {
    const auto& t = worker_.settings().timeouts;
    std::uint32_t d = UINT32_MAX;
    if (state_ == State::open) {
        if (!got_data_ && t.first_data_s) d = std::min(d, opened_tick_ + t.first_data_s);
        if (t.idle_s) d = std::min(d, activity_tick_ + t.idle_s);
        if (deadline_) d = std::min(d, deadline_);
    }
    if (stall_since_ && t.send_stall_s && !queue_.empty()) d = std::min(d, stall_since_ + t.send_stall_s);
    if (deadline_ && state_ != State::open) d = std::min(d, deadline_);
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
        if (deadline_ && now >= deadline_) {
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
        if (proxy_pending_ || ws_upgrading_)  // before its header or upgrade: no workload to ask yet
            close(CloseReason::idle_timeout);
        else
            worker_.workload().on_idle(*this);
    }
    if (state_ == State::closed) return;
    if (stall_since_ && t.send_stall_s && !queue_.empty() && now >= stall_since_ + t.send_stall_s) {
        Stats::add(timeouts[static_cast<std::size_t>(TimeoutKind::send_stall)]);
        finish(CloseReason::send_stall);
        return;
    }
    if (state_ == State::open && deadline_ && now >= deadline_) {
        deadline_ = 0;
        worker_.workload().on_timer(*this);
        if (state_ == State::closed) return;
    }
    rearm_timer();
}

}  // namespace hiconn::core
