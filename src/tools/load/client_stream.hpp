// One load-tool connection's byte stream: its TCP socket, and with --tls a TLS layer over
// that socket (tls_client.hpp). The sessions open, bind, connect and close socket(), then
// call async_handshake() once (plain: it completes at once) and read and write through the
// stream (an Asio AsyncReadStream / AsyncWriteStream, so asio::async_write works on it).
// One read and one write may be outstanding at a time, on the connection's I/O thread.
#pragma once

#include "tools/load/tls_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <utility>

namespace hiconn::load {

class ClientStream {
public:
    using executor_type = boost::asio::ip::tcp::socket::executor_type;

    /// `tls` null: plain TCP. Otherwise a fresh TLS session for server number `server`.
    ClientStream(boost::asio::io_context& io, TlsClient* tls, std::size_t server) : socket_(io), tls_(tls) {
        if (tls_) {
            stream_ = std::make_unique<TlsStream>(socket_, tls_->context());
            tls_->prepare(*stream_, server);
        }
    }
    ClientStream(const ClientStream&) = delete;
    ClientStream& operator=(const ClientStream&) = delete;

    boost::asio::ip::tcp::socket& socket() { return socket_; }
    executor_type get_executor() { return socket_.get_executor(); }
    bool is_tls() const { return stream_ != nullptr; }

    /// After the TCP connect: the client's TLS handshake; plain, the handler runs (posted)
    /// with success.
    template <class Handler>
    void async_handshake(Handler&& handler) {
        if (!stream_) {
            boost::asio::post(socket_.get_executor(),
                              [h = std::forward<Handler>(handler)]() mutable { h(boost::system::error_code()); });
            return;
        }
        stream_->async_handshake(boost::asio::ssl::stream_base::client,
                                 [this, h = std::forward<Handler>(handler)](const boost::system::error_code& ec) mutable {
                                     if (!ec) tls_->report_first(*stream_);
                                     h(ec);
                                 });
    }

    /// close_notify, then waits for the server's (TLS only; plain: completes at once). The
    /// caller bounds the wait (a timer that closes the socket).
    template <class Handler>
    void async_shutdown(Handler&& handler) {
        if (!stream_) {
            boost::asio::post(socket_.get_executor(),
                              [h = std::forward<Handler>(handler)]() mutable { h(boost::system::error_code()); });
            return;
        }
        stream_->async_shutdown(std::forward<Handler>(handler));
    }

    template <class Buffers, class Handler>
    void async_read_some(const Buffers& buffers, Handler&& handler) {
        if (stream_)
            stream_->async_read_some(buffers, std::forward<Handler>(handler));
        else
            socket_.async_read_some(buffers, std::forward<Handler>(handler));
    }

    template <class Buffers, class Handler>
    void async_write_some(const Buffers& buffers, Handler&& handler) {
        if (stream_)
            stream_->async_write_some(buffers, std::forward<Handler>(handler));
        else
            socket_.async_write_some(buffers, std::forward<Handler>(handler));
    }

private:
    boost::asio::ip::tcp::socket socket_;  // before stream_, which refers to it
    TlsClient* tls_;
    std::unique_ptr<TlsStream> stream_;
};

}  // namespace hiconn::load
