// One accepted TCP connection: zero-byte (or posted) reads, a bounded send queue with
// back-pressure, coarse timeouts and a graceful close. It owns itself: an intrusive count
// (ConnectionPtr), held by its pending operations and by one self-reference from start() to
// the final release; the per-thread registry (its timer wheel) only points at it so stop()
// can reach it. Intrusive rather than shared_ptr because an idle connection is mostly this
// object: no control block, no weak pointer, and 8-byte captures in its pending operations
// (docs/benchmarks.md, "Where an idle connection's bytes go").
//
// Its parts live in files named after them:
//   connection.cpp          start, failure and the final release
//   connection_receive.cpp  the receive strategies (zero-byte waits, posted receives)
//   connection_send.cpp     the send path over a SendQueue (immediate, deferred, posted)
//   connection_close.cpp    the close and linger state machine, and the timeouts
//   connection_stream.cpp   the byte stream: the socket itself, or a TLS session over it
//   connection_proxy.cpp    the PROXY protocol header of a proxy listener, before all else
//   connection_websocket.cpp the upgrade and the frames of a ws:// or wss:// listener
//   connection_ws_send.cpp  the send queue framed at write time (one line, one message)
//
// Thread safety: every member function is "in loop" -- call it only on the connection's own
// I/O thread (from a Workload callback, or after posting to executor()).
#pragma once

#include "core/close_reason.hpp"
#include "core/connection_budget.hpp"
#include "core/send_queue.hpp"
#include "core/shared_buffer.hpp"
#include "core/timer_wheel.hpp"
#include "tls/session.hpp"
#include "websocket/frame_codec.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace hiconn::proxy { struct HeaderResult; }
namespace hiconn::websocket { struct Decoded; }

namespace hiconn::core {

class Worker;
class Connection;
using ConnectionPtr = boost::intrusive_ptr<Connection>;

class Connection : private WheelNode {
public:
    using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                    boost::asio::io_context::executor_type>;

    /// `session` is empty for plain TCP. `proxy`: a proxy listener's connection, whose
    /// PROXY header is read (and `remote` replaced) before the workload sees it.
    /// `websocket`: a ws:// or wss:// listener's, upgraded before the workload sees it.
    Connection(Worker& worker, Socket socket, const boost::asio::ip::address& remote,
               tls::Session session = {}, bool proxy = false, bool websocket = false);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Writes now when the socket takes it (non-blocking), queues the rest (a copy).
    void send(std::string_view bytes);
    /// Same, without copying: the buffer is shared.
    void send(SharedBuffer buffer);
    /// Queues without writing; the bytes go out in one gathered write after the current
    /// batch of handlers on this thread (many small messages, one system call).
    void enqueue(SharedBuffer buffer);
    void enqueue(std::string_view bytes);

    /// Bytes waiting in the send queue.
    std::size_t send_queue_bytes() const noexcept { return queue_.bytes(); }

    /// Graceful close: stop reading, flush the queue, shut down the send side, wait up to
    /// timeouts.linger_s for the peer's FIN, then close. Idempotent.
    void close(CloseReason reason = CloseReason::workload);

    /// One workload timer per connection on the coarse timer wheel (1 s resolution):
    /// Workload::on_timer() runs after about `seconds` (>= 1). Re-setting replaces it.
    void set_timer(std::uint32_t seconds);
    void cancel_timer();

    /// Per-connection state of the workload (chat: its client object). Not owned.
    void* user() const noexcept { return user_; }
    void set_user(void* user) noexcept { user_ = user; }

    /// The client's address: the socket's peer, or behind a proxy listener the one its
    /// PROXY header gave (the workload only ever sees the latter).
    const boost::asio::ip::address& remote_address() const noexcept { return remote_; }
    std::string remote_ip() const { return remote_.to_string(); }
    boost::asio::io_context::executor_type executor() noexcept { return socket_.get_executor(); }
    /// Index of the I/O thread this connection lives on.
    std::size_t thread_index() const noexcept;
    bool is_open() const noexcept { return state_ == State::open; }
    /// Over TLS (a tls:// or wss:// listener).
    bool secure() const noexcept { return static_cast<bool>(tls_); }
    /// Over WebSocket (a ws:// or wss:// listener).
    bool websocket() const noexcept { return websocket_; }
    /// SHA-256 of the client's TLS certificate in hex; empty when it sent none.
    std::string tls_fingerprint() const { return tls_ ? tls_.peer_fingerprint() : std::string(); }

    /// Another owning reference (for a task posted to this connection's thread).
    ConnectionPtr ptr() noexcept { return ConnectionPtr(this); }
    friend void intrusive_ptr_add_ref(Connection* c) noexcept {
        c->refs_.fetch_add(1, std::memory_order_relaxed);
    }
    friend void intrusive_ptr_release(Connection* c) noexcept {
        if (c->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete c;
    }

private:
    friend class Worker;
    enum class State : std::uint8_t { open, flushing, lingering, closed };

    // connection.cpp
    /// In loop, once: serves an admitted connection; a rejected one only gets the
    /// workload's rejection message before its close.
    void start(Admission admission);
    /// The workload's rejection message (none over TLS), then the close.
    void reject(CloseReason rejection);
    /// A socket operation failed: logs `what` at debug level (silent for
    /// operation_aborted) and closes at once.
    void fail(const boost::system::error_code& ec, const char* what);
    void finish(CloseReason reason);

    // connection_receive.cpp
    struct ReadableHandler;
    void do_receive();
    bool reading() const noexcept { return state_ == State::open && !read_paused_by_queue_; }
    void do_wait_readable();
    void on_readable(const boost::system::error_code& ec);
    void do_posted_receive();
    void on_posted_receive(const boost::system::error_code& ec, std::size_t bytes);
    bool deliver(char* data, std::size_t bytes);
    void read_failed(const boost::system::error_code& ec);
    void on_receive_slot();
    bool discard_input();
    void release_receive_slot();
    void release_posted_buffer();

    // connection_send.cpp
    /// Writes what the socket takes now; returns the bytes written (0 on would-block or
    /// after a failure, which closes).
    std::size_t write_some_now(const char* data, std::size_t size);
    /// send() without WebSocket message framing (the bytes as they are, or in line mode
    /// the queue's lines, framed at write time).
    void send_unframed(std::string_view bytes);
    void append(SharedBuffer buffer, std::size_t offset);
    void write_queue_now();
    void start_sending();
    void on_send_slot();
    void do_posted_send();
    void on_posted_send(const boost::system::error_code& ec, std::size_t bytes);
    void consume(std::size_t bytes);
    void check_queue_limits();
    void schedule_flush();
    void flush();
    void on_queue_drained();

    // connection_stream.cpp: read/write what the stream takes now; would_block when it
    // takes nothing, eof at its end; a TLS failure closes the connection (tls_error).
    std::size_t read_stream(char* data, std::size_t size, boost::system::error_code& ec);
    std::size_t write_stream(const char* data, std::size_t size, boost::system::error_code& ec);
    std::size_t tls_outcome(tls::Session::Result result, bool reading, boost::system::error_code& ec);
    /// TLS sends encrypt record by record: what the queue holds, up to one record at a time.
    void write_queue_records();
    void on_tls_writable(const boost::system::error_code& ec);
    /// A TLS read that stopped early leaves bytes inside the session, not in the socket.
    bool tls_input_buffered() const { return tls_ && !tls_drained_ && tls_.has_buffered(); }

    // connection_proxy.cpp
    void start_proxy_header();
    void on_proxy_readable();
    void on_proxy_header(const proxy::HeaderResult& header);

    // connection_websocket.cpp
    void start_websocket_upgrade();
    void on_upgrade_readable();
    /// Decodes frames in place and hands their payload to the workload.
    void deliver_frames(char* data, std::size_t bytes);
    void on_control_frame(const websocket::Decoded& piece);
    void on_message_end(std::uint8_t opcode);
    /// Sends a close frame with `code` and closes (websocket_error unless normal).
    void close_websocket(std::uint16_t code);
    /// A frame header + payload of this server's own (pong, close), never split by the
    /// line framing: sent as a raw segment.
    void send_control(std::uint8_t opcode, const char* payload, std::size_t size);
    void send_raw(std::string_view bytes);
    void release_upgrade_buffer();
    /// The workload's bytes as a message fragment (echo: a reply in the pieces it came in).
    void send_fragment(std::string_view bytes);
    bool ws_framed() const noexcept { return websocket_ && !ws_upgrading_; }
    bool ws_lines() const noexcept { return ws_framed() && ws_lines_; }

    // connection_ws_send.cpp
    /// Line mode: frames the queue's lines into a record and writes it; the state of a
    /// partly written frame stays in ws_out_*.
    void write_queue_frames();

    // connection_close.cpp
    void start_shutdown();
    void do_linger();
    void on_timeout(std::uint32_t now);
    std::uint32_t next_deadline() const noexcept;
    void rearm_timer();

    // Ordered for packing (an idle connection is mostly this object): 184 bytes on x86-64
    // (160 before the WebSocket state).
    std::atomic<std::uint32_t> refs_{0};  // fits in WheelNode's tail padding
    Worker& worker_;
    Socket socket_;
    void* user_ = nullptr;
    SendQueue queue_;
    char* posted_buffer_ = nullptr;   // held only while a posted receive is outstanding
    boost::asio::ip::address remote_;
    std::uint32_t receive_size_ = 0;  // adaptive: doubles when a read fills it
    tls::Session tls_;                // empty (one null pointer) on plain TCP

    // Coarse timers (ticks are seconds on the worker's wheel; see TimerWheel).
    std::uint32_t opened_tick_ = 0;
    std::uint32_t activity_tick_ = 0;
    std::uint32_t stall_since_ = 0;  // 0 = not stalled
    /// While open: the workload's timer (0 = none). Closing: the linger deadline.
    std::uint32_t deadline_ = 0;

    State state_ = State::open;
    CloseReason close_reason_ = CloseReason::peer_closed;
    Admission admission_;
    bool got_data_ : 1;
    bool wait_pending_ : 1;
    bool receive_pending_ : 1;
    bool has_receive_slot_ : 1;
    bool waiting_receive_slot_ : 1;
    bool send_pending_ : 1;
    bool waiting_send_slot_ : 1;
    bool flush_scheduled_ : 1;
    bool read_paused_by_queue_ : 1;
    bool peer_closed_ : 1;
    bool tls_drained_ : 1;            // the last TLS read found nothing more
    bool tls_read_wants_write_ : 1;   // the TLS read waits for the socket to take its bytes
    bool tls_write_wants_read_ : 1;   // TLS writes wait for the handshake's next input
    bool proxy_pending_ : 1;          // a proxy listener's connection before its header
    bool websocket_ : 1;              // a ws:// or wss:// listener's connection
    bool ws_upgrading_ : 1;           // before the 101: the queue holds plain HTTP
    bool ws_lines_ : 1;               // chat: a message is a line (the IRCv3 transport)
    bool ws_binary_ : 1;              // binary.ircv3.net: lines go out as binary messages
    bool ws_out_mid_ : 1;             // the front line's header is written, its payload under way
    bool ws_reply_started_ : 1;       // echo: the reply to the message in progress has begun
    bool ws_close_sent_ : 1;          // our close frame is queued or written

    // WebSocket only (20 + 2 bytes): where the decoder stands in the client's frames (during
    // the upgrade, ws_.remaining counts the request bytes received), and how much of the
    // prefix of the frame at the send queue's front is written.
    websocket::DecoderState ws_;
    std::uint16_t ws_out_done_ = 0;
};

}  // namespace hiconn::core
