// hiconn-load's TLS client side (--tls): one Boost.Asio ssl::context for the whole run,
// shared by every connection (OpenSSL makes each connection's SSL from it; safe from every
// I/O thread). No certificate check by default -- benchmarks use throw-away certificates --
// and with --tls-ca the chain is verified against those CAs and the certificate must name
// the host as given (--host / --servers: a DNS name, or an IP address). The server name
// (SNI) is sent when the host is a name. Every connection is a full handshake: no session
// is ever resumed. Portable (OpenSSL and Asio only): the same code on Windows.
#pragma once

#include "tools/load/endpoints.hpp"
#include "tools/load/options.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace hiconn::load {

/// A connection's TLS layer over its own TCP socket (which the session keeps and closes).
using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

class TlsClient {
public:
    /// Throws std::runtime_error saying what is wrong (an unreadable --tls-ca file).
    TlsClient(const Options& options, const Target& target);

    boost::asio::ssl::context& context() { return context_; }
    /// Readies a new stream for server number `server`: SNI, and the host name check
    /// with --tls-ca.
    void prepare(TlsStream& stream, std::size_t server);
    /// Once per process, on stderr: what the first completed handshake negotiated
    /// ("TLSv1.3 TLS_AES_256_GCM_SHA384 x25519, server certificate CN=... (not verified)").
    void report_first(TlsStream& stream);
    bool verifies() const { return verify_; }

private:
    boost::asio::ssl::context context_;
    std::vector<std::string> hosts_;  ///< per server, as given
    bool verify_ = false;
    std::atomic<bool> reported_{false};
};

/// The short name of a connection's error for the RESULT line's "errors": "eof", an errno
/// name ("ECONNRESET"), "tls_truncated" (closed without close_notify), or "TLS: " and
/// OpenSSL's reason ("TLS: certificate verify failed").
std::string stream_error_name(const boost::system::error_code& ec);

/// Whether an async_shutdown that ended with `ec` still closed the connection in order: the
/// server answered (no error), closed it (eof; tls_truncated: without close_notify), or
/// its data crossed our close_notify (a server that talks first, e.g. IRC notices).
bool is_orderly_close(const boost::system::error_code& ec);

/// Whether `ec` is a local resource error (EMFILE, EADDRNOTAVAIL, ...): see counter.hpp.
bool is_local_resource_error(const boost::system::error_code& ec);

}  // namespace hiconn::load
