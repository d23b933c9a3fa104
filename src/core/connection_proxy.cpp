// The PROXY protocol header of a proxy:// or proxy+tls:// listener (HAProxy's
// proxy-protocol.txt; src/proxy/proxy_header.hpp parses it). It comes before everything
// else: before the workload's on_open() (so a chat greeting, WHOIS, the logs and the per-IP
// limit all see the client's address, not the balancer's) and before the TLS handshake.
//
//   accept -> peer in proxy_protocol.trusted? -- no --> closed at once (proxy_error)
//               | yes
//               v
//   wait readable -> peek -> need_more: wait again (first_data_s bounds the whole wait)
//                         -> malformed: closed at once (proxy_error)
//                         -> done(n):   read exactly n bytes; remote_ = the client;
//                                       per-IP count on the client (or the usual rejection);
//                                       on_open(); the ordinary receive path reads on
//
// Bytes after the header: the header is read without consuming one byte past it. The
// socket is peeked (MSG_PEEK) into a stack buffer of proxy::max_header bytes, the pure parser
// says where the header ends, and exactly that many bytes are then received. What followed
// in the same segment -- the client's first line, a TLS ClientHello -- is still in the socket
// for the ordinary receive path (or for OpenSSL, which reads the socket itself), so there is
// no leftover buffer to keep per connection and no hand-over into the TLS session. The parser
// is stateless over the prefix, so a header that arrives in pieces is simply peeked again
// when more has come. (On IOCP the zero-byte wait completes while a partial header sits
// unread, so a header split over segments is re-peeked at each completion until it is
// whole; only trusted peers get here, and first_data_s bounds it.)
#include "core/connection.hpp"

#include "core/log.hpp"
#include "core/server.hpp"
#include "core/worker.hpp"
#include "core/would_block.hpp"
#include "core/workload.hpp"
#include "proxy/proxy_header.hpp"

#include <boost/asio/post.hpp>

#include <array>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

void Connection::start_proxy_header() {
    if (!proxy::contains(worker_.settings().proxy_trusted, remote_)) {
        if (log::enabled(log::Level::debug))
            log::debug("connection from " + remote_ip() +
                       ": not in proxy_protocol.trusted, closed (a proxy listener)");
        finish(CloseReason::proxy_error);
        return;
    }
    rearm_timer();  // timeouts.first_data_s: the header is the first data
    do_wait_readable();
}

void Connection::on_proxy_readable() {
    std::array<char, proxy::max_header> peeked;
    error_code ec;
    const std::size_t n = socket_.receive(asio::buffer(peeked), asio::socket_base::message_peek, ec);
    if (would_block(ec)) {
        do_wait_readable();
        return;
    }
    if (ec) {
        read_failed(ec);  // eof: a close before the header
        return;
    }
    const proxy::HeaderResult header = proxy::parse_header(std::string_view(peeked.data(), n));
    switch (header.status) {
    case proxy::HeaderResult::Status::need_more:
        do_wait_readable();
        return;
    case proxy::HeaderResult::Status::malformed:
        if (log::enabled(log::Level::debug))
            log::debug("connection from " + remote_ip() + ": bad PROXY header (" + header.reason + "), closed");
        finish(CloseReason::proxy_error);
        return;
    case proxy::HeaderResult::Status::done:
        break;
    }
    // The header's bytes and not one more: they were peeked, so they are all there.
    const std::size_t got = socket_.receive(asio::buffer(peeked.data(), header.consumed), 0, ec);
    if (ec || got != header.consumed) {
        fail(ec ? ec : error_code(asio::error::message_size), "PROXY header receive");
        return;
    }
    worker_.shard().add_in(got);
    on_proxy_header(header);
}

void Connection::on_proxy_header(const proxy::HeaderResult& header) {
    proxy_pending_ = false;
    if (log::enabled(log::Level::debug)) {
        const std::string balancer = remote_ip();
        log::debug("connection from " + balancer + ": PROXY v" + std::to_string(header.version) +
                   " header, client " +
                   (header.source ? header.source->to_string() + " port " + std::to_string(header.source_port)
                                  : "unknown (LOCAL/UNKNOWN): " + balancer));
    }
    if (header.source) remote_ = *header.source;  // LOCAL / UNKNOWN: the balancer itself
    // Admitted at accept without a per-IP count (the peer was the balancer): count the
    // client now, or refuse it the usual way when its address is at the limit.
    if (!worker_.server().budget().admit_client(admission_, remote_)) {
        reject(admission_.rejection());
        return;
    }
    worker_.workload().on_open(*this);
    if (state_ != State::open) return;
    // What followed the header in its segment is in the socket already, and the readiness
    // that brought the header is used up: read on now rather than wait for more.
    wait_pending_ = true;
    asio::post(executor(), [self = ptr()] { self->on_readable({}); });
}

}  // namespace hiconn::core
