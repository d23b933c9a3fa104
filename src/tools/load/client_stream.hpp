// One load-tool connection's byte stream: its TCP socket, with --tls a TLS layer over that
// socket (tls_client.hpp), and with --ws WebSocket framing on top (ws_client.hpp). The
// sessions open, bind, connect and close socket(), then call async_handshake() once (TLS
// handshake, then the HTTP upgrade; plain TCP: it completes at once) and read and write
// through the stream (an Asio AsyncReadStream / AsyncWriteStream, so asio::async_write works
// on it; over WebSocket a write_some is a whole message, or chat's lines, and a read gives
// back payload only). One read and one write may be outstanding at a time, on the
// connection's I/O thread.
#pragma once

#include "tools/load/tls_client.hpp"
#include "tools/load/ws_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <iterator>
#include <memory>
#include <string>
#include <utility>

namespace hiconn::load {

class ClientStream {
public:
    using executor_type = boost::asio::ip::tcp::socket::executor_type;

    /// `tls` null: plain TCP, else a fresh TLS session for server number `server`. `ws` null:
    /// no WebSocket, else this connection's framing for that server.
    ClientStream(boost::asio::io_context& io, TlsClient* tls, WsClient* ws, std::size_t server)
        : socket_(io), tls_(tls) {
        if (tls_) {
            stream_ = std::make_unique<TlsStream>(socket_, tls_->context());
            tls_->prepare(*stream_, server);
        }
        if (ws) ws_ = std::make_unique<WsFraming>(*ws, server);
    }
    ClientStream(const ClientStream&) = delete;
    ClientStream& operator=(const ClientStream&) = delete;

    boost::asio::ip::tcp::socket& socket() { return socket_; }
    executor_type get_executor() { return socket_.get_executor(); }
    bool is_tls() const { return stream_ != nullptr; }

    /// After the TCP connect: the client's TLS handshake, then the WebSocket upgrade; plain
    /// TCP, the handler runs (posted) with success.
    template <class Handler>
    void async_handshake(Handler&& handler) {
        auto next = [this, h = std::forward<Handler>(handler)](const boost::system::error_code& ec) mutable {
            if (ec || !ws_) return h(ec);
            do_upgrade(std::move(h));
        };
        if (!stream_) {
            boost::asio::post(socket_.get_executor(), [next = std::move(next)]() mutable { next({}); });
            return;
        }
        stream_->async_handshake(boost::asio::ssl::stream_base::client,
                                 [this, next = std::move(next)](const boost::system::error_code& ec) mutable {
                                     if (!ec) tls_->report_first(*stream_);
                                     next(ec);
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
        if (!ws_) return raw_.async_read_some(buffers, std::forward<Handler>(handler));
        const boost::asio::mutable_buffer buffer = *boost::asio::buffer_sequence_begin(buffers);
        do_ws_read(static_cast<char*>(buffer.data()), buffer.size(), std::forward<Handler>(handler));
    }

    template <class Buffers, class Handler>
    void async_write_some(const Buffers& buffers, Handler&& handler) {
        if (!ws_) return raw_.async_write_some(buffers, std::forward<Handler>(handler));
        // One message for all of it (asio::async_write hands over at most 64 KiB at a time).
        const std::size_t size = boost::asio::buffer_size(buffers);
        const auto first = boost::asio::buffer_sequence_begin(buffers);
        std::string_view payload;
        std::string flat;
        if (std::next(first) == boost::asio::buffer_sequence_end(buffers)) {
            payload = std::string_view(static_cast<const char*>(boost::asio::const_buffer(*first).data()), size);
        } else {
            flat.resize(size);
            boost::asio::buffer_copy(boost::asio::buffer(flat), buffers);
            payload = flat;
        }
        ws_out_.clear();
        ws_->encode(payload, ws_out_);
        boost::asio::async_write(raw_, boost::asio::buffer(ws_out_),
                                 [size, h = std::forward<Handler>(handler)](const boost::system::error_code& ec,
                                                                            std::size_t) mutable {
                                     h(ec, ec ? 0 : size);
                                 });
    }

private:
    /// The stream under the WebSocket framing: the socket, or TLS over it.
    struct Raw {
        ClientStream& s;
        using executor_type = ClientStream::executor_type;
        executor_type get_executor() { return s.socket_.get_executor(); }
        template <class Buffers, class Handler>
        void async_read_some(const Buffers& buffers, Handler&& handler) {
            if (s.stream_)
                s.stream_->async_read_some(buffers, std::forward<Handler>(handler));
            else
                s.socket_.async_read_some(buffers, std::forward<Handler>(handler));
        }
        template <class Buffers, class Handler>
        void async_write_some(const Buffers& buffers, Handler&& handler) {
            if (s.stream_)
                s.stream_->async_write_some(buffers, std::forward<Handler>(handler));
            else
                s.socket_.async_write_some(buffers, std::forward<Handler>(handler));
        }
    };

    // The upgrade: the GET, then read until the 101's header is complete.
    template <class Handler>
    void do_upgrade(Handler&& handler) {
        ws_out_ = ws_->request();
        boost::asio::async_write(raw_, boost::asio::buffer(ws_out_),
                                 [this, h = std::forward<Handler>(handler)](const boost::system::error_code& ec,
                                                                            std::size_t) mutable {
                                     std::string().swap(ws_out_);  // an idle connection keeps no buffer
                                     if (ec) return h(ec);
                                     do_upgrade_read(std::move(h));
                                 });
    }

    template <class Handler>
    void do_upgrade_read(Handler&& handler) {
        constexpr std::size_t chunk = 1024;
        const std::size_t have = ws_in_.size();
        ws_in_.resize(have + chunk);
        raw_.async_read_some(boost::asio::buffer(ws_in_.data() + have, chunk),
                             [this, have, h = std::forward<Handler>(handler)](const boost::system::error_code& ec,
                                                                              std::size_t n) mutable {
                                 ws_in_.resize(have + n);
                                 if (ec) return h(ec);
                                 boost::system::error_code refused;
                                 if (ws_->on_response(ws_in_, refused) == websocket::UpgradeResponse::Status::need_more)
                                     return do_upgrade_read(std::move(h));
                                 std::string().swap(ws_in_);
                                 h(refused);
                             });
    }

    // A WebSocket read: what the framing holds first, then the socket, until some payload
    // (or the end) is there to hand out.
    template <class Handler>
    void do_ws_read(char* data, std::size_t capacity, Handler&& handler) {
        while (ws_->has_pending()) {
            const auto r = ws_->take_pending(data, capacity);
            if (r.bytes > 0 || r.ec) {
                boost::asio::post(socket_.get_executor(), [r, h = std::forward<Handler>(handler)]() mutable {
                    h(r.ec, r.bytes);
                });
                return;
            }
        }
        raw_.async_read_some(boost::asio::buffer(data, capacity),
                             [this, data, capacity, h = std::forward<Handler>(handler)](
                                 const boost::system::error_code& ec, std::size_t n) mutable {
                                 if (ec) return h(ec, std::size_t(0));
                                 const auto r = ws_->decode(data, n, capacity);
                                 if (r.bytes == 0 && !r.ec) return do_ws_read(data, capacity, std::move(h));
                                 h(r.ec, r.bytes);
                             });
    }

    boost::asio::ip::tcp::socket socket_;  // before stream_, which refers to it
    TlsClient* tls_;
    std::unique_ptr<TlsStream> stream_;
    std::unique_ptr<WsFraming> ws_;
    Raw raw_{*this};
    std::string ws_out_;  ///< the frames being written (the upgrade request first)
    std::string ws_in_;   ///< the server's answer to the upgrade, until it is complete
};

}  // namespace hiconn::load
