// A ws:// or wss:// listener's connection (RFC 6455): the HTTP upgrade, then frames, at the
// byte-stream seam (connection_stream.cpp), so wss:// is TLS + WebSocket and both keep the
// engine's promises. Why not Beast's websocket::stream: see websocket/frame_codec.hpp.
//
//   accept -> wait readable -> read into the upgrade buffer (pooled, websocket::max_request
//             bytes, held only until the request is complete) -> parse_upgrade (Beast's
//             request_parser over all of it, again as more comes; first_data_s bounds it)
//               need_more: wait again      respond: the page or an HTTP error, then the close
//               upgraded:  101, buffer released, on_open(), frames from here on
//
// Frames: each drain's pooled buffer is decoded in place (websocket::decode unmasks it),
// and the payload goes to the workload as it comes. Chat (line mode): a message ends with a
// line end fed to its line framer, so a message is one IRC line. Echo (message mode): what
// the workload sends while a message comes in is that message's reply, in fragments; the
// message's end sends the final fragment. Pings get their pong; a close gets a close reply,
// then the FIN; a bad frame gets a close with its status (1002, 1007, 1009), then the FIN.
#include "core/connection.hpp"

#include "core/buffer_pool.hpp"
#include "core/log.hpp"
#include "core/worker.hpp"
#include "core/would_block.hpp"
#include "core/workload.hpp"
#include "websocket/upgrade_request.hpp"

#include <boost/asio/post.hpp>

#include <cstring>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

void Connection::start_websocket_upgrade() {
    rearm_timer();  // timeouts.first_data_s: the upgrade request is the first data
    do_wait_readable();
}

void Connection::release_upgrade_buffer() {
    if (!posted_buffer_) return;
    worker_.buffers().release(posted_buffer_, websocket::max_request);
    posted_buffer_ = nullptr;
}

void Connection::on_upgrade_readable() {
    if (!posted_buffer_) posted_buffer_ = worker_.buffers().acquire(websocket::max_request);
    std::size_t have = ws_.remaining;
    for (;;) {
        error_code ec;
        const std::size_t n = read_stream(posted_buffer_ + have, websocket::max_request - have, ec);
        if (state_ == State::closed) return;  // a TLS failure
        if (would_block(ec)) break;
        if (ec) {
            read_failed(ec);  // eof: a close before the request
            return;
        }
        worker_.shard().add_in(n);
        have += n;
        if (have == websocket::max_request) break;
    }
    ws_.remaining = static_cast<std::uint32_t>(have);
    activity_tick_ = worker_.wheel().now();

    const auto& settings = worker_.settings().websocket;
    websocket::UpgradeOptions options;
    options.allowed_origins = settings.allowed_origins;
    options.ircv3 = settings.lines;
    options.page = settings.page;
    auto result = websocket::parse_upgrade(std::string_view(posted_buffer_, have), options);
    using Status = websocket::UpgradeResult::Status;
    if (result.status == Status::need_more) {
        do_wait_readable();
        return;
    }
    if (result.status == Status::respond) {
        if (log::enabled(log::Level::debug))
            log::debug("connection from " + remote_ip() + ": WebSocket listener, " + result.reason + ", closed");
        release_upgrade_buffer();
        got_data_ = true;  // answered: the close, not first_data_s, ends it now
        send_unframed(result.response);
        const bool page = result.response.compare(0, 12, "HTTP/1.1 200") == 0;
        close(page ? CloseReason::workload : CloseReason::websocket_error);
        return;
    }
    // Upgraded. Frames the client sent right after its request are in the buffer already.
    const std::size_t extra = have - result.consumed;
    char leftover[256];
    const bool keep = extra <= sizeof leftover;
    if (keep) std::memcpy(leftover, posted_buffer_ + result.consumed, extra);
    release_upgrade_buffer();
    ws_ = {};
    ws_lines_ = settings.lines;
    ws_binary_ = result.subprotocol == websocket::Subprotocol::binary_ircv3;
    send_unframed(result.response);  // still unframed: ws_upgrading_ is set
    ws_upgrading_ = false;
    got_data_ = true;
    if (state_ != State::open) return;
    if (!keep) {  // a client does not pile up more than that before the 101
        close_websocket(websocket::protocol_error);
        return;
    }
    worker_.workload().on_open(*this);
    if (state_ != State::open) return;
    if (extra > 0) deliver(leftover, extra);
    if (state_ != State::open) return;
    // The readiness that brought the request is used up; a TLS session may hold more.
    wait_pending_ = true;
    asio::post(executor(), [self = ptr()] { self->on_readable({}); });
}

void Connection::deliver_frames(char* data, std::size_t bytes) {
    const auto& settings = worker_.settings().websocket;
    websocket::DecodeLimits limits;
    limits.max_message = settings.max_message_bytes;
    // The IRCv3 text subprotocol (and no subprotocol: text) promises UTF-8; echo checks
    // text messages too, as RFC 6455 asks.
    limits.check_utf8 = !ws_binary_;
    websocket::Decoded piece;
    while (state_ == State::open && !ws_close_sent_) {
        const std::size_t used = websocket::decode(ws_, data, bytes, limits, piece);
        data += used;
        bytes -= used;
        using Kind = websocket::Decoded::Kind;
        switch (piece.kind) {
        case Kind::need_more:
            return;
        case Kind::data:
            worker_.workload().on_data(*this, std::string_view(piece.data, piece.size));
            break;
        case Kind::message_end:
            on_message_end(piece.opcode);
            break;
        case Kind::control:
            on_control_frame(piece);
            break;
        case Kind::error:
            if (log::enabled(log::Level::debug))
                log::debug("connection from " + remote_ip() + ": bad WebSocket frame, close " +
                           std::to_string(piece.code));
            close_websocket(piece.code);
            return;
        }
    }
}

void Connection::on_message_end(std::uint8_t opcode) {
    if (ws_lines_) {  // one message, one IRC line
        worker_.workload().on_data(*this, std::string_view("\r\n", 2));
        return;
    }
    if (ws_out_mid_) {  // echo: the reply went out whole, FIN set (send_fragment)
        ws_out_mid_ = false;
        return;
    }
    // Echo: the reply's last fragment (empty), or the whole reply to an empty message.
    char header[websocket::max_header];
    const std::size_t n =
        websocket::encode_header(header, ws_reply_started_ ? std::uint8_t(websocket::continuation) : opcode, true, 0);
    ws_reply_started_ = false;
    send_unframed(std::string_view(header, n));
}

void Connection::send_fragment(std::string_view bytes) {
    if (state_ != State::open || bytes.empty()) return;
    // The opcode of the message being answered is the decoder's (echo answers in kind).
    std::uint8_t opcode = ws_.message ? ws_.message : std::uint8_t(websocket::binary);
    if (ws_reply_started_) opcode = websocket::continuation;
    // The piece that ends the message in progress (its last frame's payload is all here)
    // answers with FIN set: a message in one frame gets one frame back, and no final one.
    const bool last = ws_.message && ws_.remaining == 0 && (ws_.frame & 0x80) != 0;
    ws_reply_started_ = !last;
    // Message mode never frames its queue at write time, so the line framer's bit is free:
    // here it says "the reply is complete" for on_message_end.
    ws_out_mid_ = last;
    std::string frame(websocket::header_size(bytes.size()), '\0');
    websocket::encode_header(frame.data(), opcode, last, bytes.size());
    frame.append(bytes);
    // Queued and written once after this wake-up's messages (one gathered write for all
    // of them), as chat's enqueue: a write per message would cost a system call each.
    append(make_shared_buffer(std::move(frame)), 0);
    schedule_flush();
}

void Connection::on_control_frame(const websocket::Decoded& piece) {
    // A control frame's payload (<= 125 bytes) nearly always comes whole; one cut by the
    // network is answered with what its last piece holds (a pong must echo the ping's data:
    // such a pong is short, which clients tolerate; nothing is kept per connection).
    if (piece.offset + piece.size != piece.total) return;  // not its last piece yet
    switch (piece.opcode) {
    case websocket::ping:
        send_control(websocket::pong, piece.data, piece.offset == 0 ? piece.size : 0);
        return;
    case websocket::close: {
        // Answer with the client's status code (none when it sent none), then the FIN.
        const std::size_t code_bytes = piece.total >= 2 && piece.offset == 0 ? 2 : 0;
        send_control(websocket::close, piece.data, code_bytes);
        ws_close_sent_ = true;
        close(CloseReason::peer_closed);
        return;
    }
    default:
        return;  // an unsolicited pong: nothing to do
    }
}

void Connection::close_websocket(std::uint16_t code) {
    if (!ws_close_sent_) {
        const char status[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        send_control(websocket::close, status, 2);
        ws_close_sent_ = true;
    }
    close(code == websocket::normal ? CloseReason::workload : CloseReason::websocket_error);
}

void Connection::send_control(std::uint8_t opcode, const char* payload, std::size_t size) {
    char frame[websocket::max_header + 125];
    const std::size_t n = websocket::encode_header(frame, opcode, true, size);
    if (size) std::memcpy(frame + n, payload, size);
    send_raw(std::string_view(frame, n + size));
}

void Connection::send_raw(std::string_view bytes) {
    if (!ws_lines()) {
        send_unframed(bytes);
        return;
    }
    // Line mode frames the queue's lines; a NUL (which no IRC line starts with) marks a
    // segment to pass as it is: NUL, its length (16 bits, big-endian), its bytes.
    std::string segment(3, '\0');
    segment[1] = static_cast<char>(bytes.size() >> 8);
    segment[2] = static_cast<char>(bytes.size() & 0xFF);
    segment.append(bytes);
    send_unframed(segment);
}

}  // namespace hiconn::core
