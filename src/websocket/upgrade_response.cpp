#include "websocket/upgrade_response.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <openssl/evp.h>

namespace hiconn::websocket {
namespace http = boost::beast::http;

namespace {
UpgradeResponse refused(int status, std::string reason) {
    UpgradeResponse r;
    r.status = UpgradeResponse::Status::refused;
    r.http_status = status;
    r.reason = std::move(reason);
    return r;
}

/// Whether `name` is an item of the comma-separated `list`.
bool listed(std::string_view list, std::string_view name) {
    for (const auto& item : http::token_list(boost::beast::string_view(list.data(), list.size())))
        if (std::string_view(item.data(), item.size()) == name) return true;
    return false;
}
}  // namespace

std::string make_key(const std::uint8_t random[16]) {
    unsigned char out[25];
    const int n = EVP_EncodeBlock(out, random, 16);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::string upgrade_request(std::string_view host, std::string_view target, std::string_view key,
                            std::string_view protocols) {
    std::string r = "GET ";
    r.append(target);
    r += " HTTP/1.1\r\nHost: ";
    r.append(host);
    r += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    r.append(key);
    r += "\r\nSec-WebSocket-Version: 13\r\n";
    if (!protocols.empty()) {
        r += "Sec-WebSocket-Protocol: ";
        r.append(protocols);
        r += "\r\n";
    }
    r += "\r\n";
    return r;
}

UpgradeResponse parse_upgrade_response(std::string_view received, std::string_view key,
                                       std::string_view protocols) {
    http::response_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(max_request));
    parser.eager(false);  // the header is all we read: what follows a 101 is frames
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_header_done()) {
        used += parser.put(boost::asio::buffer(received.data() + used, received.size() - used), ec);
        if (ec == http::error::need_more) {
            if (received.size() >= max_request) return refused(0, "response header over 8 KiB");
            return {};
        }
        if (ec) return refused(0, "bad HTTP response: " + ec.message());
    }
    const auto& response = parser.get();
    const int status = static_cast<int>(response.result_int());
    if (status != 101) return refused(status, "HTTP " + std::to_string(status) + " instead of 101");
    auto field = [&](http::field f) {
        const auto v = response[f];
        return std::string_view(v.data(), v.size());
    };
    if (!boost::beast::iequals(field(http::field::upgrade), "websocket"))
        return refused(status, "101 without Upgrade: websocket");
    if (!http::token_list(response[http::field::connection]).exists("upgrade"))
        return refused(status, "101 without Connection: Upgrade");
    if (field(http::field::sec_websocket_accept) != accept_key(key))
        return refused(status, "wrong Sec-WebSocket-Accept");
    UpgradeResponse r;
    r.status = UpgradeResponse::Status::upgraded;
    r.consumed = used;
    r.http_status = status;
    const std::string_view chosen = field(http::field::sec_websocket_protocol);
    if (!chosen.empty()) {
        if (!listed(protocols, chosen))
            return refused(status, "subprotocol " + std::string(chosen) + " was not offered");
        r.subprotocol = chosen == "text.ircv3.net"     ? Subprotocol::text_ircv3
                        : chosen == "binary.ircv3.net" ? Subprotocol::binary_ircv3
                                                       : Subprotocol::none;
    }
    return r;
}

}  // namespace hiconn::websocket
