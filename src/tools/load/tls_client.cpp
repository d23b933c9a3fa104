#include "tools/load/tls_client.hpp"

#include "tools/load/counter.hpp"
#include "tools/load/host.hpp"
#include "tools/load/ws_client.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace hiconn::load {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

bool is_ip_address(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

std::string subject_cn(X509* cert) {
    if (!cert) return "none";
    char name[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
    return name[0] ? std::string("CN=") + name : std::string("no CN");
}

}  // namespace

TlsClient::TlsClient(const Options& o, const Target& target) : context_(ssl::context::tls_client) {
    // TLS 1.2 and 1.3, OpenSSL's default ciphers and groups: what an ordinary client offers.
    context_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                         ssl::context::no_compression);
    SSL_CTX* ctx = context_.native_handle();
    // Every connection is a full handshake: no client-side session cache, no tickets asked for.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    // No record buffers kept while a connection is idle (the client holds thousands).
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    for (const auto& name : target.names) hosts_.push_back(parse_server_address(name).host);
    if (o.tls_ca.empty()) {
        context_.set_verify_mode(ssl::verify_none);
        return;
    }
    if (!std::ifstream(o.tls_ca).good()) throw std::runtime_error("cannot read --tls-ca file '" + o.tls_ca + "'");
    boost::system::error_code ec;
    context_.load_verify_file(o.tls_ca, ec);
    if (ec) throw std::runtime_error("--tls-ca '" + o.tls_ca + "' holds no PEM CA certificate: " + ec.message());
    context_.set_verify_mode(ssl::verify_peer, ec);
    verify_ = true;
}

void TlsClient::prepare(TlsStream& stream, std::size_t server) {
    const std::string& host = hosts_[server];
    if (!is_ip_address(host)) SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
    if (verify_) stream.set_verify_callback(ssl::host_name_verification(host));
}

void TlsClient::report_first(TlsStream& stream) {
    if (reported_.exchange(true)) return;
    SSL* s = stream.native_handle();
    X509* cert = SSL_get1_peer_certificate(s);
    const char* group = SSL_group_to_name(s, static_cast<int>(SSL_get_negotiated_group(s)));
    const std::string line = std::string("hiconn-load: TLS: ") + SSL_get_version(s) + " " +
                             SSL_CIPHER_get_name(SSL_get_current_cipher(s)) + " " + (group ? group : "?") +
                             ", server certificate " +
                             subject_cn(cert) + (verify_ ? " (verified)" : " (not verified)") + "\n";
    if (cert) X509_free(cert);
    std::fputs(line.c_str(), stderr);
}

std::string stream_error_name(const boost::system::error_code& ec) {
    if (ec == asio::error::eof) return "eof";
    if (ec == ssl::error::stream_truncated) return "tls_truncated";
    if (ec.category() == ws_category()) return ec.message();  // "ws_close_1009", "ws: HTTP 403"
    if (ec.category() == asio::error::get_ssl_category()) {
        const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
        return std::string("TLS: ") + (reason ? reason : "error " + std::to_string(ec.value()));
    }
    return host::error_name(ec.value());
}

bool is_orderly_close(const boost::system::error_code& ec) {
    if (!ec || ec == asio::error::eof || ec == ssl::error::stream_truncated) return true;
    return ec.category() == asio::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY;
}

bool is_local_resource_error(const boost::system::error_code& ec) {
    if (ec.category() != boost::system::system_category()) return false;
    return is_local_resource_error(ec.value());
}

}  // namespace hiconn::load
