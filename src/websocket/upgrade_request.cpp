#include "websocket/upgrade_request.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace hiconn::websocket {
namespace http = boost::beast::http;

namespace {
constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

/// A Sec-WebSocket-Key is the base64 of 16 bytes: 22 characters and "==".
bool valid_key(std::string_view key) {
    if (key.size() != 24 || key.substr(22) != "==") return false;
    return std::all_of(key.begin(), key.begin() + 22, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    });
}

/// The first of our subprotocols the client offers (a comma-separated list), IRCv3 order.
Subprotocol choose_subprotocol(std::string_view offered, bool& offered_any) {
    bool text = false, binary = false;
    offered_any = false;
    while (!offered.empty()) {
        const auto comma = offered.find(',');
        std::string_view item = offered.substr(0, comma);
        offered = comma == std::string_view::npos ? std::string_view() : offered.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (item.empty()) continue;
        offered_any = true;
        if (item == "text.ircv3.net") text = true;
        if (item == "binary.ircv3.net") binary = true;
    }
    // Text first: its messages are checked as UTF-8, as the spec's text mode asks.
    return text ? Subprotocol::text_ircv3 : binary ? Subprotocol::binary_ircv3 : Subprotocol::none;
}

UpgradeResult respond(std::size_t consumed, std::string response, std::string reason) {
    UpgradeResult r;
    r.status = UpgradeResult::Status::respond;
    r.consumed = consumed;
    r.response = std::move(response);
    r.reason = std::move(reason);
    return r;
}
}  // namespace

std::string http_error(int code, std::string_view text, std::string_view extra_headers) {
    std::string r = "HTTP/1.1 " + std::to_string(code) + " ";
    r.append(text);
    r += "\r\nContent-Length: 0\r\nConnection: close\r\n";
    r.append(extra_headers);
    r += "\r\n";
    return r;
}

std::string accept_key(std::string_view key) {
    std::string input(key);
    input.append(guid);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    unsigned char out[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

UpgradeResult parse_upgrade(std::string_view received, const UpgradeOptions& options) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(max_request));
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done()) {
        used += parser.put(boost::asio::buffer(received.data() + used, received.size() - used), ec);
        if (ec == http::error::need_more) {
            if (received.size() >= max_request)
                return respond(received.size(), http_error(431, "Request Header Fields Too Large"),
                               "request over " + std::to_string(max_request) + " bytes");
            return {};
        }
        if (ec == http::error::header_limit)
            return respond(received.size(), http_error(431, "Request Header Fields Too Large"),
                           "request over " + std::to_string(max_request) + " bytes");
        if (ec) return respond(received.size(), http_error(400, "Bad Request"), "bad HTTP: " + ec.message());
    }
    const auto& request = parser.get();
    if (request.method() != http::verb::get || request.version() != 11)
        return respond(used, http_error(400, "Bad Request"), "not an HTTP/1.1 GET");
    if (!boost::beast::websocket::is_upgrade(request)) {
        std::string page = options.page ? options.page(request.target()) : std::string();
        if (page.empty()) return respond(used, http_error(404, "Not Found"), "no page here");
        return respond(used, std::move(page), "page served");
    }
    if (request[http::field::sec_websocket_version] != "13")
        return respond(used, http_error(426, "Upgrade Required", "Sec-WebSocket-Version: 13\r\n"),
                       "Sec-WebSocket-Version is not 13");
    const auto key = request[http::field::sec_websocket_key];
    if (!valid_key(std::string_view(key.data(), key.size())))
        return respond(used, http_error(400, "Bad Request"), "bad Sec-WebSocket-Key");
    const auto origin = request[http::field::origin];
    if (!options.allowed_origins.empty() && !origin.empty() &&
        std::none_of(options.allowed_origins.begin(), options.allowed_origins.end(),
                     [&](const std::string& allowed) { return iequal(allowed, {origin.data(), origin.size()}); }))
        return respond(used, http_error(403, "Forbidden"), "Origin " + std::string(origin) + " not allowed");

    UpgradeResult r;
    r.status = UpgradeResult::Status::upgraded;
    r.consumed = used;
    bool offered_any = false;
    const auto offered = request[http::field::sec_websocket_protocol];
    if (options.ircv3) r.subprotocol = choose_subprotocol({offered.data(), offered.size()}, offered_any);
    r.response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: " + accept_key({key.data(), key.size()}) + "\r\n";
    if (r.subprotocol == Subprotocol::text_ircv3) r.response += "Sec-WebSocket-Protocol: text.ircv3.net\r\n";
    if (r.subprotocol == Subprotocol::binary_ircv3) r.response += "Sec-WebSocket-Protocol: binary.ircv3.net\r\n";
    r.response += "\r\n";
    return r;
}

}  // namespace hiconn::websocket
