// The opening handshake of a ws:// or wss:// connection (RFC 6455 section 4.2): the client's
// HTTP/1.1 GET, parsed with Boost.Beast's request_parser over the bytes received so far (the
// caller keeps them in a temporary buffer during the handshake only), and the answer: 101 with
// Sec-WebSocket-Accept, a page (GET without an upgrade), or an HTTP error before the close.
// Pure: no socket, no state between calls, so a request arriving in pieces is parsed again
// when more has come.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::websocket {

/// The bound on the request (line and headers): more without its end -> 431.
constexpr std::size_t max_request = 8192;

/// What the connection's messages are, as negotiated by Sec-WebSocket-Protocol.
enum class Subprotocol : std::uint8_t { none, text_ircv3, binary_ircv3 };

struct UpgradeOptions {
    /// Origins allowed to connect ("https://chat.example.org"); empty = any. A request
    /// without an Origin header (not a browser) is allowed.
    std::vector<std::string> allowed_origins;
    /// Offer the IRCv3 subprotocols (chat); otherwise none is ever selected (echo).
    bool ircv3 = false;
    /// A GET without an upgrade: the whole HTTP response for `target`, or "" for 404.
    std::function<std::string(std::string_view target)> page;
};

struct UpgradeResult {
    enum class Status : std::uint8_t {
        need_more,  ///< the request is not complete yet: receive more, parse again
        upgraded,   ///< send `response` (101) and speak WebSocket from `consumed` on
        respond     ///< send `response` (a page or an error), then close
    };
    Status status = Status::need_more;
    std::size_t consumed = 0;  ///< the request's bytes (upgraded: frames may follow)
    std::string response;
    Subprotocol subprotocol = Subprotocol::none;
    std::string reason;  ///< respond: why, for the debug log
};

/// Parses the request in `received` (everything received so far).
UpgradeResult parse_upgrade(std::string_view received, const UpgradeOptions& options);

/// base64(SHA-1(key + the RFC's GUID)): the Sec-WebSocket-Accept for `key`.
std::string accept_key(std::string_view key);

/// "HTTP/1.1 CODE TEXT" with no body, Connection: close (an error before the close).
std::string http_error(int code, std::string_view text, std::string_view extra_headers = {});

}  // namespace hiconn::websocket
