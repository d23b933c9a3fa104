// Beast's advanced-server shape: an acceptor that hands each socket to a Session on its own
// strand; do_read/on_read/do_write/on_write; one request parser per request so the limits
// apply to each; the routing itself is respond() (admin_routes.cpp), a function without I/O.
#include "app/admin_http.hpp"

#include "core/endpoint_text.hpp"
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
        peer_ = normalize_peer(stream_.socket().remote_endpoint(ec).address());
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
        throw std::runtime_error("stats.http: cannot listen on " + core::to_text(endpoint) + ": " +
                                 ec.message());
    d.bound = d.acceptor.local_endpoint();
    log::info("stats.http: listening on http://" + core::to_text(d.bound) +
              " (GET / the status page, /metrics, /stats, /stats/history; POST /pause, /continue, /reload from localhost" +
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
