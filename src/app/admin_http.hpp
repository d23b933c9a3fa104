// The HTTP admin endpoint (stats.http): GET /metrics (Prometheus text), GET /stats (JSON),
// GET /stats/history (JSON, the last 10 minutes), GET / (the status page: HTML, with
// /status.css and /status.js), POST /pause, /continue, /reload. Boost.Beast on an io_context
// the daemon owns, one session per connection, each on its own strand.
//
// Who may do what:
//   GET  /metrics, /stats, /stats/history, / (and the page's files)
//                                  anyone who can reach the address (bind it accordingly)
//   POST /pause, /continue, /reload, and the workload's routes (chat: GET /chat/clients,
//   GET /chat/bans, POST /chat/kill, POST and DELETE /chat/ban; docs/chat.md)
//                                   localhost (127.0.0.1, ::1) and stats.http.allow
//                                   entries (addresses; ADDRESS/PREFIX networks too, though
//                                   the config loader accepts addresses only), else 403;
//                                   with stats.http.token set also
//                                   "Authorization: Bearer TOKEN", else 401
// Only 127.0.0.1 and ::1 by default, not all of 127.0.0.0/8: other loopback addresses are
// what local containers and test clients (127.0.0.2) use, and they are "other peers" here.
// Limits: 8 KiB of request headers, 4 KiB of body, 10 s to receive a request, 64 sessions.
#pragma once

#include "app/metrics_text.hpp"
#include "config/config.hpp"
#include "core/workload.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <boost/beast/http/parser.hpp>
#include <boost/system/error_code.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::app {

/// What the endpoint drives, without depending on Daemon. Every callback must be thread safe.
struct AdminCallbacks {
    std::function<MetricsSample()> sample;  ///< the current figures
    std::function<std::string()> history;   ///< the last 10 minutes as JSON (StatsHistory)
    std::function<void()> pause;            ///< stop accepting
    std::function<void()> resume;           ///< accept again
    std::function<bool()> reload;           ///< re-read the config; false = invalid, old kept
    /// The workload's routes (chat: /chat/...); nullopt = no such route. Empty (echo): every
    /// /chat/ path is 404.
    std::function<std::optional<core::AdminReply>(const core::AdminRequest&)> workload;
};

/// Who may POST admin controls: 127.0.0.1 and ::1 always, plus the allow list; and the token.
class AdminAccess {
public:
    /// Throws std::invalid_argument naming an allow entry that is neither an address nor
    /// an ADDRESS/PREFIX network.
    AdminAccess(const std::vector<std::string>& allow, std::string token);

    /// 127.0.0.1, ::1 or listed. IPv4-mapped IPv6 peers are judged as IPv4.
    bool address_allowed(const boost::asio::ip::address& peer) const;
    /// True when no token is configured or `authorization` is "Bearer TOKEN".
    bool token_accepted(std::string_view authorization) const;
    bool token_required() const { return !token_.empty(); }

private:
    struct Network {
        boost::asio::ip::address address;
        unsigned prefix;
    };
    std::vector<Network> allow_;
    std::string token_;
};

/// An IPv4-mapped IPv6 peer address as the plain IPv4 one (the allow list compares those).
boost::asio::ip::address normalize_peer(const boost::asio::ip::address& address);

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// The routing and access decisions for one parsed request: a pure function of its inputs
/// (and the callbacks' effects), so it is unit-tested without sockets.
HttpResponse respond(const HttpRequest& request, const boost::asio::ip::address& peer,
                     const AdminAccess& access, const AdminCallbacks& callbacks);

using HttpRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// A parser for one request with the endpoint's limits (AdminHttp::header_limit, body_limit).
void limit_request_parser(HttpRequestParser& parser);

/// The answer to a request that could not be read (the parser's or the stream's error):
/// 413 for a request over the limits, 400 for one that is not HTTP (then the connection
/// closes), or none (just close) at the end of the stream, on a timeout or a socket error.
std::optional<HttpResponse> read_error_response(const boost::system::error_code& ec);

/// One connection's exchange without the socket (the fuzz target's entry point): the
/// requests in `bytes` read one after another as a session reads them (its limits, its
/// 8 KiB read buffer, the end of `bytes` as the peer's FIN), each answered by respond() or
/// read_error_response(); returns the response bytes, up to the response that closes.
std::string serve_http_bytes(std::string_view bytes, const boost::asio::ip::address& peer,
                             const AdminAccess& access, const AdminCallbacks& callbacks);

class AdminHttp {
public:
    /// `io` must outlive the object; it may be run by one or several threads.
    AdminHttp(boost::asio::io_context& io, const config::HttpStatsConfig& config,
              AdminCallbacks callbacks);
    ~AdminHttp();
    AdminHttp(const AdminHttp&) = delete;
    AdminHttp& operator=(const AdminHttp&) = delete;

    /// Binds stats.http.address:port and starts accepting. Throws std::runtime_error naming
    /// the address (or std::invalid_argument for a bad allow entry).
    void start();
    /// Closes the listener and every open session. Thread safe, idempotent.
    void stop();
    /// New allow list and token (a reload); address and port changes need a restart.
    /// Thread safe. Throws std::invalid_argument like the constructor.
    void apply(const config::HttpStatsConfig& config);
    /// The bound address (the actual port when stats.http.port is 0).
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    static constexpr std::size_t header_limit = 8 * 1024;
    static constexpr std::size_t body_limit = 4 * 1024;
    static constexpr int request_timeout_s = 10;
    static constexpr std::size_t max_sessions = 64;

private:
    struct Impl;
    class Session;
    std::shared_ptr<Impl> impl_;
};

}  // namespace hiconn::app
