// Beast's advanced-server shape: an acceptor that hands each socket to a Session on its own
// strand; do_read/on_read/do_write/on_write; one request parser per request so the limits
// apply to each; the routing itself is respond(), a function without I/O.
#include "app/admin_http.hpp"

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

namespace {

asio::ip::address normalize(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

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

std::string endpoint_text(const tcp::endpoint& e) {
    const auto a = e.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ':' + std::to_string(e.port());
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

HttpResponse serve_figures(const HttpRequest& request, bool prometheus,
                           const AdminCallbacks& callbacks) {
    if (request.method() != http::verb::get && request.method() != http::verb::head)
        return method_not_allowed(request, "GET");
    const MetricsSample sample = callbacks.sample();
    auto response = prometheus
        ? make_response(http::status::ok, request, render_prometheus(sample), prometheus_content_type)
        : make_response(http::status::ok, request, render_json(sample), "application/json");
    if (request.method() == http::verb::head) response.body().clear();  // Content-Length stays
    return response;
}

HttpResponse serve_control(const HttpRequest& request, std::string_view path,
                           const asio::ip::address& peer, const AdminAccess& access,
                           const AdminCallbacks& callbacks) {
    if (request.method() != http::verb::post) return method_not_allowed(request, "POST");
    const std::string who = "admin: POST " + std::string(path) + " from " + peer.to_string();
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

}  // namespace

// --- AdminAccess -------------------------------------------------------------------------

AdminAccess::AdminAccess(const std::vector<std::string>& allow, std::string token)
    : token_(std::move(token)) {
    for (const auto& entry : allow) {
        const auto slash = entry.find('/');
        boost::system::error_code ec;
        const auto address = normalize(asio::ip::make_address(entry.substr(0, slash), ec));
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
    const auto peer = normalize(peer_in);
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
        if (path == "/")
            return make_response(http::status::ok, request,
                                 "hiconn " HICONN_VERSION "\nGET /metrics  Prometheus text\n"
                                 "GET /stats    JSON\nPOST /pause, /continue, /reload\n");
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
    const auto peer = normalize(peer_in);
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

// --- the server --------------------------------------------------------------------------

struct AdminHttp::Impl : std::enable_shared_from_this<AdminHttp::Impl> {
    Impl(asio::io_context& io, const config::HttpStatsConfig& config, AdminCallbacks callbacks)
        : io(io), config(config), callbacks(std::move(callbacks)),
          access(std::make_shared<const AdminAccess>(config.allow, config.token)),
          acceptor(asio::make_strand(io)), retry_timer(acceptor.get_executor()) {}

    void do_accept();
    void on_accept(const boost::system::error_code& ec, tcp::socket socket);
    std::shared_ptr<const AdminAccess> current_access() {
        std::lock_guard lock(mutex);
        return access;
    }
    void forget(Session* session) {
        std::lock_guard lock(mutex);
        sessions.erase(session);
    }

    asio::io_context& io;
    const config::HttpStatsConfig config;
    const AdminCallbacks callbacks;
    std::mutex mutex;  // guards access and sessions
    std::shared_ptr<const AdminAccess> access;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // open ones, for stop()
    tcp::acceptor acceptor;
    asio::steady_timer retry_timer;
    tcp::endpoint bound;
    std::atomic<bool> stopped{false};
};

class AdminHttp::Session : public std::enable_shared_from_this<AdminHttp::Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<AdminHttp::Impl> owner)
        : stream_(std::move(socket)), owner_(std::move(owner)) {
        boost::system::error_code ec;
        peer_ = normalize(stream_.socket().remote_endpoint(ec).address());
    }
    ~Session() { owner_->forget(this); }

    void start() {
        asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
    }
    /// From any thread (stop()).
    void close() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            boost::system::error_code ec;
            self->stream_.socket().close(ec);
        });
    }

private:
    void do_read() {
        parser_.emplace();
        limit_request_parser(*parser_);
        stream_.expires_after(std::chrono::seconds(AdminHttp::request_timeout_s));
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(boost::system::error_code ec, std::size_t) {
        if (ec) {
            auto response = read_error_response(ec);
            if (!response) return do_close();
            response_ = std::move(*response);
            return do_write();
        }
        response_ = respond(parser_->get(), peer_, *owner_->current_access(), owner_->callbacks);
        if (log::enabled(log::Level::debug)) log::debug(access_line());
        do_write();
    }

    // The access log (debug level): "admin: GET /metrics from 127.0.0.1 -> 200". The target
    // is client text: cut to 1 KiB and without control characters, one event = one line.
    std::string access_line() const {
        const auto& request = parser_->get();
        std::string target(request.target().substr(0, 1024));
        for (char& c : target)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        return "admin: " + std::string(request.method_string()) + ' ' + target + " from " +
               peer_.to_string() + " -> " + std::to_string(response_.result_int());
    }

    void do_write() {
        stream_.expires_after(std::chrono::seconds(AdminHttp::request_timeout_s));
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(boost::system::error_code ec, std::size_t) {
        if (ec || !response_.keep_alive() || owner_->stopped) return do_close();
        do_read();
    }

    void do_close() {
        boost::system::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_{AdminHttp::header_limit};
    std::optional<HttpRequestParser> parser_;
    HttpResponse response_;
    asio::ip::address peer_;
    std::shared_ptr<AdminHttp::Impl> owner_;
};

void AdminHttp::Impl::do_accept() {
    acceptor.async_accept(asio::make_strand(io),
                          beast::bind_front_handler(&Impl::on_accept, shared_from_this()));
}

void AdminHttp::Impl::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (stopped || ec == asio::error::operation_aborted) return;
    if (ec) {
        // Out of descriptors and the like: wait a little instead of spinning on accept.
        log::write_limited(log::Level::warn, "admin-accept", "stats.http: accept failed: " + ec.message());
        retry_timer.expires_after(std::chrono::milliseconds(200));
        retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
            if (!e && !self->stopped) self->do_accept();
        });
        return;
    }
    std::shared_ptr<Session> session;
    {
        std::lock_guard lock(mutex);
        if (sessions.size() < max_sessions) {
            session = std::make_shared<Session>(std::move(socket), shared_from_this());
            sessions.emplace(session.get(), session);
        }
    }
    if (session) session->start();
    else log::write_limited(log::Level::warn, "admin-sessions", "stats.http: too many sessions, connection dropped");
    do_accept();
}

AdminHttp::AdminHttp(asio::io_context& io, const config::HttpStatsConfig& config,
                     AdminCallbacks callbacks)
    : impl_(std::make_shared<Impl>(io, config, std::move(callbacks))) {}

AdminHttp::~AdminHttp() { stop(); }

void AdminHttp::start() {
    Impl& d = *impl_;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(d.config.address, ec);
    if (ec) throw std::runtime_error("stats.http.address: '" + d.config.address + "' is not an IP address");
    const tcp::endpoint endpoint{address, d.config.port};
    d.acceptor.open(endpoint.protocol(), ec);
    if (!ec) d.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) d.acceptor.bind(endpoint, ec);
    if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("stats.http: cannot listen on " + endpoint_text(endpoint) + ": " +
                                 ec.message());
    d.bound = d.acceptor.local_endpoint();
    log::info("stats.http: listening on http://" + endpoint_text(d.bound) +
              " (GET /metrics, /stats; POST /pause, /continue, /reload from localhost" +
              (d.config.allow.empty() ? std::string() : " and stats.http.allow") +
              (d.config.token.empty() ? ")" : ", with the bearer token)"));
    asio::dispatch(d.acceptor.get_executor(), [self = impl_] { self->do_accept(); });
}

void AdminHttp::stop() {
    if (impl_->stopped.exchange(true)) return;
    asio::dispatch(impl_->acceptor.get_executor(), [self = impl_] {
        boost::system::error_code ec;
        self->acceptor.close(ec);
        self->retry_timer.cancel();
    });
    std::vector<std::shared_ptr<Session>> open;
    {
        std::lock_guard lock(impl_->mutex);
        for (auto& [raw, weak] : impl_->sessions)
            if (auto session = weak.lock()) open.push_back(std::move(session));
    }
    for (auto& session : open) session->close();
}

void AdminHttp::apply(const config::HttpStatsConfig& config) {
    auto access = std::make_shared<const AdminAccess>(config.allow, config.token);
    std::lock_guard lock(impl_->mutex);
    impl_->access = std::move(access);
}

tcp::endpoint AdminHttp::local_endpoint() const { return impl_->bound; }

}  // namespace hiconn::app
