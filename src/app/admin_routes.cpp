// The admin endpoint without I/O: who may use the controls (AdminAccess), the routing
// (respond()) and a whole connection's bytes to its responses (serve_http_bytes(), which the
// fuzz target drives). The sockets are in admin_http.cpp.
#include "app/admin_http.hpp"

#include "app/status_assets.hpp"

#include "core/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace hiconn::app {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

asio::ip::address normalize_peer(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

namespace {

template <typename Bytes>
bool same_prefix(const Bytes& a, const Bytes& b, unsigned prefix) {
    for (std::size_t i = 0; i < a.size() && prefix > 0; ++i) {
        const unsigned bits = std::min(prefix, 8u);
        const auto mask = static_cast<unsigned char>(0xFFu << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
        prefix -= bits;
    }
    return true;
}

HttpResponse make_response(http::status status, const HttpRequest& request, std::string body,
                           const char* content_type = "text/plain; charset=utf-8") {
    HttpResponse response{status, request.version()};
    response.set(http::field::server, "hiconn/" HICONN_VERSION);
    response.set(http::field::content_type, content_type);
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

HttpResponse method_not_allowed(const HttpRequest& request, const char* allow) {
    auto response = make_response(http::status::method_not_allowed, request,
                                  std::string("use ") + allow + '\n');
    response.set(http::field::allow, allow);
    return response;
}

// GET and HEAD: HEAD gets the GET's headers, Content-Length included, without the body.
template <typename MakeBody>
HttpResponse serve_get(const HttpRequest& request, const char* content_type, MakeBody&& make_body) {
    if (request.method() != http::verb::get && request.method() != http::verb::head)
        return method_not_allowed(request, "GET");
    auto response = make_response(http::status::ok, request, make_body(), content_type);
    if (request.method() == http::verb::head) response.body().clear();  // Content-Length stays
    return response;
}

HttpResponse serve_figures(const HttpRequest& request, bool prometheus,
                           const AdminCallbacks& callbacks) {
    if (prometheus)
        return serve_get(request, prometheus_content_type,
                         [&] { return render_prometheus(callbacks.sample()); });
    return serve_get(request, "application/json", [&] { return render_json(callbacks.sample()); });
}

// The status page's files. Revalidated on every load (no-cache) rather than never stored
// (no-store, the figures' rule): they change only with the binary. The policy lets the page
// load its script and style and fetch the figures from this server only; no inline script
// or style, no frames, no forms.
HttpResponse serve_asset(const HttpRequest& request, const StatusAsset& asset) {
    auto response = serve_get(request, asset.content_type, [&] { return std::string(asset.body); });
    if (response.result() != http::status::ok) return response;
    response.set(http::field::cache_control, "no-cache");
    response.set("Content-Security-Policy",
                 "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    response.set("X-Content-Type-Options", "nosniff");
    return response;
}

// The controls' rules: 403 for an address not allowed, 401 without the token (each
// logged, rate-limited); nullopt when the request may go on.
std::optional<HttpResponse> refuse_unauthorized(const HttpRequest& request, const std::string& who,
                                                const asio::ip::address& peer, const AdminAccess& access) {
    if (!access.address_allowed(peer)) {
        log::write_limited(log::Level::warn, "admin-forbidden", who + " refused: address not allowed");
        return make_response(http::status::forbidden, request,
                             "forbidden: admin controls are allowed from 127.0.0.1, ::1 and "
                             "stats.http.allow only\n");
    }
    const auto authorization = request[http::field::authorization];
    if (!access.token_accepted(std::string_view(authorization.data(), authorization.size()))) {
        log::write_limited(log::Level::warn, "admin-unauthorized", who + " refused: bad or missing token");
        auto response = make_response(http::status::unauthorized, request,
                                      "unauthorized: send Authorization: Bearer <stats.http.token>\n");
        response.set(http::field::www_authenticate, "Bearer realm=\"hiconn\"");
        return response;
    }
    return std::nullopt;
}

HttpResponse serve_control(const HttpRequest& request, std::string_view path,
                           const asio::ip::address& peer, const AdminAccess& access,
                           const AdminCallbacks& callbacks) {
    if (request.method() != http::verb::post) return method_not_allowed(request, "POST");
    const std::string who = "admin: POST " + std::string(path) + " from " + peer.to_string();
    if (auto refused = refuse_unauthorized(request, who, peer, access)) return std::move(*refused);
    log::info(who);
    if (path == "/pause") {
        callbacks.pause();
        return make_response(http::status::ok, request, "paused: not accepting\n");
    }
    if (path == "/continue") {
        callbacks.resume();
        return make_response(http::status::ok, request, "continued: accepting\n");
    }
    if (callbacks.reload())
        return make_response(http::status::ok, request, "reloaded\n");
    return make_response(http::status::internal_server_error, request,
                         "reload failed: the config file is invalid, the old config is kept "
                         "(the log says why)\n");
}

// The workload's routes (chat moderation): the controls' access rules, then the workload.
// Every request that passes is logged with who asked (address, and the token when one is
// required: there is one token, so its use is the identity).
HttpResponse serve_workload(const HttpRequest& request, std::string_view path,
                            const asio::ip::address& peer, const AdminAccess& access,
                            const AdminCallbacks& callbacks) {
    if (!callbacks.workload) return make_response(http::status::not_found, request, "not found\n");
    const std::string method(request.method_string());
    const std::string asker = peer.to_string() + (access.token_required() ? " (token)" : "");
    const std::string who = "admin: " + method + ' ' + std::string(path) + " from " + peer.to_string();
    if (auto refused = refuse_unauthorized(request, who, peer, access)) return std::move(*refused);
    const auto reply = callbacks.workload(core::AdminRequest{method, path, request.body(), asker});
    if (!reply) return make_response(http::status::not_found, request, "not found\n");
    log::info(who + (access.token_required() ? " with the token" : "") + ": " + std::to_string(reply->status));
    auto response = make_response(static_cast<http::status>(reply->status), request, reply->body,
                                  "application/json");
    if (reply->allow) response.set(http::field::allow, reply->allow);
    return response;
}

}  // namespace

// --- AdminAccess -------------------------------------------------------------------------

AdminAccess::AdminAccess(const std::vector<std::string>& allow, std::string token)
    : token_(std::move(token)) {
    for (const auto& entry : allow) {
        const auto slash = entry.find('/');
        boost::system::error_code ec;
        const auto address = normalize_peer(asio::ip::make_address(entry.substr(0, slash), ec));
        const unsigned max_prefix = address.is_v4() ? 32 : 128;
        unsigned prefix = max_prefix;
        bool ok = !ec;
        if (ok && slash != std::string::npos) {
            const std::string digits = entry.substr(slash + 1);
            ok = !digits.empty() && digits.size() <= 3 &&
                 std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
            if (ok) prefix = static_cast<unsigned>(std::stoul(digits));
            ok = ok && prefix <= max_prefix;
        }
        if (!ok)
            throw std::invalid_argument("stats.http.allow: '" + entry +
                                        "' is not an IP address or ADDRESS/PREFIX network");
        allow_.push_back({address, prefix});
    }
}

bool AdminAccess::address_allowed(const asio::ip::address& peer_in) const {
    const auto peer = normalize_peer(peer_in);
    if (peer == asio::ip::address_v4::loopback() || peer == asio::ip::address_v6::loopback())
        return true;
    for (const auto& network : allow_) {
        if (network.address.is_v4() != peer.is_v4()) continue;
        const bool match = peer.is_v4()
            ? same_prefix(peer.to_v4().to_bytes(), network.address.to_v4().to_bytes(), network.prefix)
            : same_prefix(peer.to_v6().to_bytes(), network.address.to_v6().to_bytes(), network.prefix);
        if (match) return true;
    }
    return false;
}

bool AdminAccess::token_accepted(std::string_view authorization) const {
    if (token_.empty()) return true;
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return false;
    auto given = authorization.substr(scheme.size());
    while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
    while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
    // Constant time in the token's length: the comparison must not tell how many leading
    // characters of a guess were right.
    unsigned char diff = given.size() != token_.size();
    for (std::size_t i = 0; i < token_.size(); ++i)
        diff |= static_cast<unsigned char>(token_[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

// --- routing -----------------------------------------------------------------------------

HttpResponse respond(const HttpRequest& request, const asio::ip::address& peer,
                     const AdminAccess& access, const AdminCallbacks& callbacks) {
    std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    try {
        if (path == "/metrics") return serve_figures(request, true, callbacks);
        if (path == "/stats") return serve_figures(request, false, callbacks);
        if (path == "/pause" || path == "/continue" || path == "/reload")
            return serve_control(request, path, peer, access, callbacks);
        if (path.substr(0, 6) == "/chat/") return serve_workload(request, path, peer, access, callbacks);
        if (path == "/stats/history")
            return serve_get(request, "application/json", [&] { return callbacks.history(); });
        if (const auto asset = find_status_asset(path)) return serve_asset(request, *asset);
        return make_response(http::status::not_found, request, "not found\n");
    } catch (const std::exception& e) {
        log::write_limited(log::Level::error, "admin-exception",
                           "admin: " + std::string(path) + " failed: " + e.what());
        return make_response(http::status::internal_server_error, request,
                             std::string("internal error: ") + e.what() + '\n');
    }
}

void limit_request_parser(HttpRequestParser& parser) {
    parser.header_limit(AdminHttp::header_limit);
    parser.body_limit(AdminHttp::body_limit);
}

std::optional<HttpResponse> read_error_response(const boost::system::error_code& ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted)
        return std::nullopt;
    // Garbage or an oversized request: say so once, then hang up. Socket errors (reset,
    // ...) just close.
    if (ec.category() != http::make_error_code(http::error::header_limit).category())
        return std::nullopt;
    const bool too_large = ec == http::error::header_limit || ec == http::error::body_limit ||
                           ec == http::error::buffer_overflow;
    HttpRequest dummy{http::verb::unknown, "/", 11};
    dummy.keep_alive(false);
    return make_response(too_large ? http::status::payload_too_large : http::status::bad_request,
                         dummy, too_large ? "request too large\n" : "bad request\n");
}

std::string serve_http_bytes(std::string_view bytes, const asio::ip::address& peer_in,
                             const AdminAccess& access, const AdminCallbacks& callbacks) {
    const auto peer = normalize_peer(peer_in);
    std::string out;
    auto write = [&](HttpResponse& response) {
        http::response_serializer<http::string_body> serializer(response);
        boost::system::error_code ec;
        do {
            serializer.next(ec, [&](boost::system::error_code&, const auto& buffers) {
                std::size_t n = 0;
                for (const auto b : beast::buffers_range_ref(buffers)) {
                    out.append(static_cast<const char*>(b.data()), b.size());
                    n += b.size();
                }
                serializer.consume(n);
            });
        } while (!ec && !serializer.is_done());
    };
    // As http::async_read() over the session's flat_buffer of AdminHttp::header_limit bytes:
    // the parser sees at most that much unconsumed input at once; more needed when it is
    // full is buffer_overflow; the end of the bytes is the end of the stream.
    while (true) {
        HttpRequestParser parser;
        limit_request_parser(parser);
        parser.eager(true);
        boost::system::error_code ec;
        while (!parser.is_done()) {
            const std::string_view window = bytes.substr(0, AdminHttp::header_limit);
            if (window.empty()) {
                if (parser.got_some()) parser.put_eof(ec);
                else ec = http::error::end_of_stream;
                break;
            }
            const std::size_t used = parser.put(asio::buffer(window.data(), window.size()), ec);
            bytes.remove_prefix(used);
            if (ec == http::error::need_more) {
                ec = {};
                if (used == 0 && window.size() == AdminHttp::header_limit) {
                    ec = http::error::buffer_overflow;
                    break;
                }
                if (used == 0 && window.size() == bytes.size()) {
                    // Everything left is in the buffer and the parser wants more: the FIN.
                    if (parser.got_some()) parser.put_eof(ec);
                    else ec = http::error::end_of_stream;
                    break;
                }
            } else if (ec) {
                break;
            }
        }
        if (ec) {
            if (auto response = read_error_response(ec)) write(*response);
            return out;
        }
        HttpResponse response = respond(parser.get(), peer, access, callbacks);
        write(response);
        if (!response.keep_alive()) return out;
    }
}

}  // namespace hiconn::app
