// The client's side of the opening handshake (RFC 6455 section 4.1), for hiconn-load --ws:
// the GET it sends, and the check of the server's answer -- 101, Upgrade, Connection, the
// Sec-WebSocket-Accept that proves the server read our key, and a subprotocol only from
// those offered. Pure, as upgrade_request.hpp: the caller keeps what it received and parses
// again when more has come.
#pragma once

#include "websocket/upgrade_request.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hiconn::websocket {

/// A Sec-WebSocket-Key: the base64 of 16 (random) bytes.
std::string make_key(const std::uint8_t random[16]);

/// The upgrade GET for `target` on `host` ("127.0.0.1:8080"); `protocols` ("text.ircv3.net,
/// binary.ircv3.net") is sent as Sec-WebSocket-Protocol unless empty.
std::string upgrade_request(std::string_view host, std::string_view target, std::string_view key,
                            std::string_view protocols = {});

struct UpgradeResponse {
    enum class Status : std::uint8_t {
        need_more,  ///< the response's header is not complete yet
        upgraded,   ///< frames from `consumed` on
        refused     ///< not a valid 101 for our key: `http_status` and `reason` say why
    };
    Status status = Status::need_more;
    std::size_t consumed = 0;  ///< the response header's bytes (frames may follow)
    int http_status = 0;
    Subprotocol subprotocol = Subprotocol::none;
    std::string reason;
};

/// Parses the server's answer in `received` (everything received so far) to a request that
/// sent `key` and offered `protocols` (as given to upgrade_request).
UpgradeResponse parse_upgrade_response(std::string_view received, std::string_view key,
                                       std::string_view protocols = {});

}  // namespace hiconn::websocket
