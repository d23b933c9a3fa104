#include "core/connection.hpp"

#include "core/buffer_pool.hpp"
#include "core/log.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/workload.hpp"
#include "platform/platform.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
/// Posted receive buffers stay locked by the kernel while pending (IOCP): keep them whole
/// pages. Zero-byte drains use the pool's classes as they are.
std::uint32_t first_receive_size(const EngineSettings::Receive& receive) {
    std::size_t size = BufferPool::class_size(receive.initial_buffer);
    if (receive.strategy == ReceiveStrategy::posted)
        size = std::max(size, BufferPool::class_size(platform::page_size()));
    return static_cast<std::uint32_t>(size);
}
}  // namespace

Connection::Connection(Worker& worker, Socket socket, const asio::ip::address& remote,
                       tls::Session session, bool proxy, bool websocket)
    : worker_(worker),
      socket_(std::move(socket)),
      remote_(remote),
      tls_(std::move(session)),
      got_data_(false),
      wait_pending_(false),
      receive_pending_(false),
      has_receive_slot_(false),
      waiting_receive_slot_(false),
      send_pending_(false),
      waiting_send_slot_(false),
      flush_scheduled_(false),
      read_paused_by_queue_(false),
      peer_closed_(false),
      tls_drained_(false),
      tls_read_wants_write_(false),
      tls_write_wants_read_(false),
      proxy_pending_(proxy),
      websocket_(websocket),
      ws_upgrading_(websocket),
      ws_lines_(false),
      ws_binary_(false),
      ws_out_mid_(false),
      ws_reply_started_(false),
      ws_close_sent_(false) {
    // Only fails without memory; the session's first read then fails and closes it.
    if (tls_) tls_.attach(static_cast<int>(socket_.native_handle()));
}

Connection::~Connection() {
    release_posted_buffer();  // of the right size class, WebSocket's upgrade buffer included
}

std::size_t Connection::thread_index() const noexcept { return worker_.index(); }

void Connection::start(Admission admission) {
    admission_ = admission;
    // Here, not in the constructor: that runs on the listener's thread, and the worker's
    // settings and wheel belong to the worker's.
    receive_size_ = first_receive_size(worker_.settings().receive);
    opened_tick_ = activity_tick_ = worker_.wheel().now();
    intrusive_ptr_add_ref(this);  // the self-reference, given up by finish()
    error_code ec;
    socket_.non_blocking(true, ec);
    // Replies are small and written as soon as they are ready: Nagle would hold them back.
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    if (!admission.admitted()) {
        reject(admission.rejection());
        return;
    }
    if (proxy_pending_) {  // the workload opens it once the header has come
        start_proxy_header();
        return;
    }
    if (ws_upgrading_) {  // likewise, once the upgrade is done
        start_websocket_upgrade();
        return;
    }
    worker_.workload().on_open(*this);
    if (state_ != State::open) return;
    rearm_timer();
    do_receive();
}

void Connection::reject(CloseReason rejection) {
    close_reason_ = rejection;
    // Over TLS the message would need a whole handshake first: a rejected client there
    // only sees the close.
    // Over WebSocket it would need the upgrade first: likewise.
    const std::string message =
        tls_ || websocket_ ? std::string() : worker_.workload().rejection_message(rejection);
    if (!message.empty()) send(std::string_view(message));
    close(rejection);
}

void Connection::fail(const error_code& ec, const char* what) {
    if (state_ == State::closed || ec == asio::error::operation_aborted) return;
    if (log::enabled(log::Level::debug))
        log::debug(std::string("connection from ") + remote_ip() + ": " + what + " failed: " +
                   ec.message() + " (" + std::to_string(ec.value()) + ")");
    finish(state_ == State::open ? CloseReason::io_error : close_reason_);
}

void Connection::finish(CloseReason reason) {
    if (state_ == State::closed) return;
    state_ = State::closed;
    worker_.wheel().cancel(*this);
    error_code ec;
    socket_.close(ec);  // pending operations complete with operation_aborted
    if (const std::size_t dropped = queue_.clear())
        Stats::add(worker_.stats().send_queue_bytes, -static_cast<std::int64_t>(dropped));
    release_receive_slot();
    worker_.stats().count_close(reason);
    // The workload knows only the connections it opened (not one that closed before its
    // PROXY header).
    if (admission_.admitted() && !proxy_pending_ && !ws_upgrading_) worker_.workload().on_close(*this, reason);
    // Its slot first: forget() may report the worker drained, and a stop that completes
    // must find every slot released.
    worker_.server().release(admission_, remote_);
    worker_.forget(*this);
    // Callers up the stack may still touch members: release the self-reference later.
    asio::post(executor(), [self = ConnectionPtr(this, /*add_ref=*/false)] {});
}

}  // namespace hiconn::core
