#include "core/listener.hpp"

#include "core/connection.hpp"
#include "core/endpoint_text.hpp"
#include "core/io_pool.hpp"
#include "core/log.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "platform/platform.hpp"
#include "tls/session.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>

namespace hiconn::core {
namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

Listener::Listener(Server& server, asio::io_context& io, const EngineSettings::Listen& listen)
    : server_(server),
      io_(io),
      acceptor_(io),
      configured_(listen.endpoint),
      bound_(listen.endpoint),
      tick_timer_(io),
      backoff_timer_(io),
      watermark_(server.settings()->accept.low_watermark, server.settings()->accept.high_watermark),
      tls_(listen.tls),
      proxy_(listen.proxy),
      websocket_(listen.websocket) {}

void Listener::open() {
    try {
        open_socket();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + to_text(configured_) + ": " +
                                 e.code().message());
    }
}

void Listener::open_socket() {
    acceptor_.open(bound_.protocol());
    platform::prepare_listen_socket(acceptor_);
    // "[::]:P" and "0.0.0.0:P" may both be configured: keep IPv6 sockets IPv6-only.
    if (bound_.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
    acceptor_.bind(bound_);
    acceptor_.listen(static_cast<int>(server_.settings()->accept.backlog));
    bound_ = acceptor_.local_endpoint();  // port 0 resolved; reused by resume()
    acceptor_.non_blocking(true);
}

void Listener::start() {
    asio::post(io_, [this] {
        server_.stats().accepting = true;
        set_target_gauge(watermark_.target());
        post_accepts();
        do_tick();
    });
}

void Listener::set_target_gauge(std::uint32_t target) {
    Stats::add(server_.stats().accept_target,
               static_cast<std::int64_t>(target) - static_cast<std::int64_t>(published_target_));
    published_target_ = target;
}

void Listener::post_accepts() {
    if (stopped_ || operator_paused_ || resource_paused_ || !acceptor_.is_open()) return;
    auto& budget = server_.budget();
    while (outstanding_ < watermark_.target()) {
        const auto reservation = budget.reserve_accept();
        if (!reservation) {  // pause mode, every slot taken
            if (!limit_paused_.exchange(true)) {
                Stats::add(server_.stats().accept_pauses[static_cast<std::size_t>(AcceptPauseCause::limit)]);
                log::warn("accepting paused: limits.max_connections (" +
                          std::to_string(budget.max_connections()) + ") reached on " + to_text(bound_));
            }
            return;
        }
        if (limit_paused_.exchange(false))
            log::info("accepting resumed on " + to_text(bound_) + " (below the connection limit)");
        ++outstanding_;
        Stats::add(server_.stats().outstanding_accepts, 1);
        const std::size_t target = server_.io().next_index();
        acceptor_.async_accept(server_.io().context(target),
                               [this, target, held = *reservation](const error_code& ec, Connection::Socket socket) {
                                   on_accept(ec, std::move(socket), target, held);
                               });
    }
}

void Listener::on_accept(const error_code& ec, Connection::Socket socket, std::size_t target,
                         Reservation reservation) {
    --outstanding_;
    Stats::add(server_.stats().outstanding_accepts, -1);
    auto& budget = server_.budget();
    if (ec) {
        budget.cancel(reservation);
        if (ec == asio::error::operation_aborted) return;
        Stats::add(server_.stats().accept_errors);
        // Pass the plain value: converting a Boost error_code to std::error_code goes through
        // Boost's wrapped category, which UBSan's vptr check rejects.
        const bool system_error = ec.category() == asio::error::get_system_category();
        if (system_error &&
            platform::is_accept_resource_error(std::error_code(ec.value(), std::system_category()))) {
            pause_for_resource(ec);
            return;
        }
        // Transient per-connection errors (ECONNABORTED, EPERM from a firewall ...).
        if (log::enabled(log::Level::debug)) log::debug("accept failed: " + ec.message());
        post_accepts();
        return;
    }
    ++accepts_since_tick_;
    Stats::add(server_.stats().accepts);
    watermark_.on_accepted(outstanding_);

    error_code endpoint_ec;
    const auto remote = socket.remote_endpoint(endpoint_ec);
    if (endpoint_ec) {  // reset before we got to it
        budget.cancel(reservation);
        post_accepts();
        return;
    }
    tls::Session session;
    if (tls_) {
        try {
            session = tls::Session(*server_.settings()->tls);  // the certificate of this moment
        } catch (const std::bad_alloc&) {
            log::write_limited(log::Level::warn, "tls session", "TLS: no memory for a new session; connection dropped");
            budget.cancel(reservation);
            post_accepts();
            return;
        }
    }
    // Behind a proxy the peer is the balancer: the per-IP count waits for the client's
    // address in the PROXY header (Connection::on_proxy_header).
    const Admission admission = budget.admit(remote.address(), reservation, /*count_per_ip=*/!proxy_);
    Worker& worker = server_.worker(target);
    ConnectionPtr connection(
        new Connection(worker, std::move(socket), remote.address(), std::move(session), proxy_,
                       websocket_));
    asio::post(worker.io(), [&worker, connection = std::move(connection), admission]() mutable {
        worker.adopt(std::move(connection), admission);
    });
    post_accepts();
}

void Listener::pause_for_resource(const error_code& ec) {
    resource_paused_ = true;
    Stats::add(server_.stats().accept_pauses[static_cast<std::size_t>(AcceptPauseCause::resource)]);
    const auto backoff = server_.settings()->accept.retry_backoff_ms;
    // Under exhaustion this repeats every backoff: one line per 10 s with a count.
    const std::string where = "accept failed on " + to_text(bound_);
    log::write_limited(log::Level::warn, where,
                       where + ": " + ec.message() + " -- accepting paused until a connection " +
                           "closes or " + std::to_string(backoff) + " ms pass");
    backoff_timer_.expires_after(std::chrono::milliseconds(backoff));
    backoff_timer_.async_wait([this](const error_code& timer_ec) {
        if (!timer_ec) resume_after_pause();
    });
}

void Listener::resume_after_pause() {
    if (!resource_paused_.exchange(false)) {
        post_accepts();
        return;
    }
    backoff_timer_.cancel();
    post_accepts();
}

void Listener::on_connection_released() {
    if (!limit_paused_.load() && !resource_paused_.load()) return;
    asio::post(io_, [this] { resume_after_pause(); });
}

void Listener::do_tick() {
    tick_timer_.expires_after(std::chrono::milliseconds(1000 / AcceptWatermark::ticks_per_second));
    tick_timer_.async_wait([this](const error_code& ec) {
        if (ec || stopped_) return;
        watermark_.on_tick(accepts_since_tick_);
        accepts_since_tick_ = 0;
        set_target_gauge(watermark_.target());
        post_accepts();  // a grown target posts more at once
        do_tick();
    });
}

void Listener::set_watermarks(std::uint32_t low, std::uint32_t high) {
    asio::post(io_, [this, low, high] {
        watermark_.set_bounds(low, high);
        set_target_gauge(watermark_.target());
        post_accepts();
    });
}

void Listener::pause() {
    asio::post(io_, [this] {
        if (operator_paused_ || stopped_) return;
        operator_paused_ = true;
        Stats::add(server_.stats().accept_pauses[static_cast<std::size_t>(AcceptPauseCause::operator_request)]);
        error_code ec;
        acceptor_.close(ec);  // outstanding accepts complete with operation_aborted
        log::info("accepting paused on " + to_text(bound_) + " (operator)");
    });
}

void Listener::resume() {
    asio::post(io_, [this] {
        if (!operator_paused_ || stopped_) return;
        try {
            open_socket();
        } catch (const boost::system::system_error& e) {
            log::error("cannot resume listening on " + to_text(bound_) + ": " + e.code().message() +
                       " (retrying in 1 s)");
            backoff_timer_.expires_after(std::chrono::seconds(1));
            backoff_timer_.async_wait([this](const error_code& ec) {
                if (!ec) resume();
            });
            error_code ignored;
            acceptor_.close(ignored);
            return;
        }
        operator_paused_ = false;
        log::info("accepting resumed on " + to_text(bound_));
        post_accepts();
    });
}

void Listener::stop() {
    asio::post(io_, [this] {
        stopped_ = true;
        error_code ec;
        acceptor_.close(ec);
        tick_timer_.cancel();
        backoff_timer_.cancel();
        set_target_gauge(0);
    });
}

}  // namespace hiconn::core
