// hiconn-load's WebSocket client side (--ws; with --tls it is wss): the upgrade request and
// the check of the server's 101 (websocket/upgrade_response.hpp), then masked frames out and
// the server's unmasked frames in, through the project's own codec (websocket/frame_codec.hpp).
//
// WsClient is the run's (one, shared by every connection, like TlsClient); WsFraming is one
// connection's framing state, used by ClientStream (client_stream.hpp) so that the modes keep
// reading and writing a byte stream:
//   echo, connect  each write is one binary message; the payload of the server's messages is
//                  the stream read back (a reply in several fragments is still one message)
//   chat           each line written (CRLF-terminated) is one text (or, when the server chose
//                  binary.ircv3.net, binary) message without its CRLF; each message read is
//                  one line, given back with "\r\n" appended
// Pings and pongs from the server are skipped (hiconn sends none); its close frame ends the
// stream with the error "ws_close_CODE". Masking keys come from a per-connection xorshift
// generator: unpredictable enough for a load tool, not for a browser (RFC 6455 section 10.3).
#pragma once

#include "tools/load/endpoints.hpp"
#include "tools/load/options.hpp"
#include "websocket/frame_codec.hpp"
#include "websocket/upgrade_response.hpp"

#include <boost/system/error_code.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::load {

/// The errors of the WebSocket layer, for stream_error_name(): a close frame received
/// (its status 1000..4999; 1005 when it had none), an upgrade refused with HTTP status
/// 100..599, or one of these.
enum class WsError { bad_frame = 1, bad_upgrade = 2, no_status = 1005 };
const boost::system::error_category& ws_category();
inline boost::system::error_code make_ws_error(int value) { return {value, ws_category()}; }

class WsClient {
public:
    WsClient(const Options& options, const Target& target);

    /// Chat: one IRC line per message, the IRCv3 subprotocols offered.
    bool lines() const { return lines_; }
    /// The Host header for server number `server` ("127.0.0.1:8080").
    const std::string& host(std::size_t server) const { return hosts_[server]; }
    /// The Sec-WebSocket-Protocol offered ("" for echo and connect).
    const std::string& protocols() const { return protocols_; }
    /// A seed for a new connection's key and masks.
    std::uint64_t next_seed() { return seed_ + 0x9E3779B97F4A7C15ull * ++connections_; }
    /// Once per process, on stderr: why the first refused upgrade was refused.
    void report_refusal(const std::string& reason);

private:
    bool lines_;
    std::vector<std::string> hosts_;
    std::string protocols_;
    std::uint64_t seed_;
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<bool> reported_{false};
};

class WsFraming {
public:
    WsFraming(WsClient& client, std::size_t server);

    /// The upgrade request (a new key each time).
    std::string request();
    /// The server's answer so far: need_more, upgraded (the bytes after its header are kept
    /// for the first read), or refused (the error to fail the connection with in `ec`).
    websocket::UpgradeResponse::Status on_response(std::string_view received, boost::system::error_code& ec);

    /// Appends the frames for `payload` (a message; chat: lines) to `wire`.
    void encode(std::string_view payload, std::string& wire);

    /// A read's outcome: `bytes` of payload (chat: lines) at the front of the buffer, or `ec`.
    struct Read {
        std::size_t bytes = 0;
        boost::system::error_code ec;
    };
    /// Bytes a read must hand out before it reads the socket again (a line end that did not
    /// fit, frames that came with the 101): serve them with take_pending().
    bool has_pending() const { return owed_ > 0 || !pending_.empty(); }
    /// Fills [data, data+capacity) from what is pending and decodes it as decode() does.
    Read take_pending(char* data, std::size_t capacity);
    /// Decodes the `size` frame bytes read into [data, data+capacity) in place: their
    /// payload moves to the front. A read that gives 0 bytes and no error needs another.
    Read decode(char* data, std::size_t size, std::size_t capacity);

private:
    void next_mask(std::uint8_t mask[4]);

    WsClient& client_;
    std::size_t server_;
    std::uint64_t rng_;
    std::string key_;
    bool lines_;
    std::uint8_t opcode_ = websocket::binary;  ///< of the messages we send
    websocket::DecoderState state_;
    std::uint8_t owed_ = 0;      ///< bytes of "\r\n" still to hand out (chat)
    std::string pending_;        ///< frame bytes received but not decoded yet
    std::string line_tail_;      ///< chat: a line written without its end yet
};

}  // namespace hiconn::load
