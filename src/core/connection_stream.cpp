// The byte stream under a connection: the TCP socket itself, or a TLS session that reads and
// writes that socket (OpenSSL's socket BIO). Either way "what it takes now" and would_block,
// so the zero-byte waits, the send queue and the close work the same over both.
#include "core/connection.hpp"

#include "core/log.hpp"
#include "core/operation_limiter.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/would_block.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <cstring>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

std::size_t Connection::read_stream(char* data, std::size_t size, error_code& ec) {
    if (!tls_) return socket_.read_some(asio::buffer(data, size), ec);
    return tls_outcome(tls_.read(data, size), /*reading=*/true, ec);
}

std::size_t Connection::write_stream(const char* data, std::size_t size, error_code& ec) {
    if (!tls_) return socket_.write_some(asio::buffer(data, size), ec);
    return tls_outcome(tls_.write(data, size), /*reading=*/false, ec);
}

std::size_t Connection::tls_outcome(tls::Session::Result result, bool reading, error_code& ec) {
    using Status = tls::Session::Status;
    ec = {};
    switch (result.status) {
    case Status::ok:
        if (reading) tls_drained_ = false;
        return result.bytes;
    case Status::want_read:
        if (reading)
            tls_drained_ = true;
        else
            tls_write_wants_read_ = true;  // mid-handshake: the client's next flight first
        ec = asio::error::would_block;
        return 0;
    case Status::want_write:
        if (reading) tls_read_wants_write_ = true;
        ec = asio::error::would_block;
        return 0;
    case Status::closed:
        ec = asio::error::eof;
        return 0;
    case Status::reset:  // the peer went away (often a client closing mid-handshake)
        ec = asio::error::connection_reset;
        return 0;
    case Status::failed:
        break;
    }
    // Bad input (plain text, garbage, a failed handshake) or a reset: this connection only.
    if (log::enabled(log::Level::debug))
        log::debug("connection from " + remote_ip() + ": TLS " + (reading ? "receive" : "send") +
                   " failed: " + tls::Session::last_error());
    finish(state_ == State::open ? CloseReason::tls_error : close_reason_);
    ec = asio::error::connection_aborted;  // fail() is silent now: the connection is closed
    return 0;
}

void Connection::write_queue_records() {
    // One record per write, gathered from the queue's front: many small lines in one record,
    // one system call. A retry after would_block gathers the same front bytes again, which
    // is what OpenSSL asks of a repeated write (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).
    thread_local std::array<char, tls::Session::max_record> record;
    while (!queue_.empty() && state_ != State::closed) {
        std::array<asio::const_buffer, SendQueue::max_gather> buffers;
        const std::size_t count = queue_.gather(buffers.data(), buffers.size());
        std::size_t size = 0;
        for (std::size_t i = 0; i < count && size < record.size(); ++i) {
            const std::size_t take = std::min(buffers[i].size(), record.size() - size);
            std::memcpy(record.data() + size, buffers[i].data(), take);
            size += take;
        }
        error_code ec;
        const std::size_t n = write_stream(record.data(), size, ec);
        if (ec) {
            if (!would_block(ec)) fail(ec, "send");
            return;
        }
        worker_.shard().add_out(n);
        consume(n);
    }
}

void Connection::on_tls_writable(const error_code& ec) {
    send_pending_ = false;
    Stats::add(worker_.stats().posted_sends, -1);
    worker_.server().send_limiter().release();  // after every send, as for TCP (FIFO turns)
    if (state_ == State::closed) return;
    if (ec) {
        fail(ec, "send");
        return;
    }
    write_queue_now();  // records, frames, or both
    if (!queue_.empty()) start_sending();
}

}  // namespace hiconn::core
