// One listening address: keeps accept.low..high_watermark accepts posted, hands each new
// socket to the next I/O thread, enforces the connection limits, and pauses on resource
// exhaustion (EMFILE & co.) until a connection is released or accept.retry_backoff_ms
// passes -- never a busy loop. Runs on one I/O thread; public calls are thread safe.
#pragma once

#include "core/accept_watermark.hpp"
#include "core/connection_budget.hpp"
#include "core/engine_settings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hiconn::core {

class Server;

class Listener {
public:
    /// A tls:// listener gives each connection a TLS session with the current certificate.
    Listener(Server& server, boost::asio::io_context& io, const EngineSettings::Listen& listen);

    /// Binds and listens. Throws std::runtime_error naming the address. Not thread safe.
    void open();
    /// Starts accepting. Thread safe.
    void start();
    /// Closes the socket: new connects are refused. Thread safe.
    void pause();
    /// Re-opens on the same address and accepts again. Thread safe.
    void resume();
    /// Closes for good (server stop). Thread safe.
    void stop();
    /// A connection slot was freed somewhere: resume if paused for a limit or a resource.
    void on_connection_released();
    /// New watermarks (config reload). Thread safe.
    void set_watermarks(std::uint32_t low, std::uint32_t high);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return bound_; }
    bool tls() const noexcept { return tls_; }
    bool proxy() const noexcept { return proxy_; }
    bool websocket() const noexcept { return websocket_; }

private:
    void open_socket();
    void post_accepts();
    void on_accept(const boost::system::error_code& ec,
                   boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                    boost::asio::io_context::executor_type> socket,
                   std::size_t worker_index, Reservation reservation);
    void pause_for_resource(const boost::system::error_code& ec);
    void resume_after_pause();
    void do_tick();
    void set_target_gauge(std::uint32_t target);

    Server& server_;
    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint configured_;
    boost::asio::ip::tcp::endpoint bound_;
    boost::asio::steady_timer tick_timer_;
    boost::asio::steady_timer backoff_timer_;
    AcceptWatermark watermark_;
    std::uint32_t outstanding_ = 0;
    std::uint32_t published_target_ = 0;
    std::uint64_t accepts_since_tick_ = 0;
    const bool tls_;
    const bool proxy_;
    const bool websocket_;
    bool operator_paused_ = false;
    bool stopped_ = false;
    std::atomic<bool> limit_paused_{false};
    std::atomic<bool> resource_paused_{false};
};

}  // namespace hiconn::core
