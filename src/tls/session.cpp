#include "tls/session.hpp"

#include "tls/context.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <new>
#include <utility>

namespace hiconn::tls {
namespace {
thread_local std::string last_failure;

/// Every reason on this thread's error queue, oldest first, "; "-separated; empties it.
std::string drain_errors() {
    std::string text;
    char buffer[256];
    while (const unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text;
}
}  // namespace

Session::Session(const Context& context) : ssl_(SSL_new(context.native())) {
    if (!ssl_) {
        ERR_clear_error();
        throw std::bad_alloc();
    }
    SSL_set_accept_state(ssl_);
}

Session::~Session() {
    if (ssl_) SSL_free(ssl_);
}

Session& Session::operator=(Session&& other) noexcept {
    if (this != &other) {
        if (ssl_) SSL_free(ssl_);
        ssl_ = std::exchange(other.ssl_, nullptr);
    }
    return *this;
}

bool Session::attach(int socket) {
    if (SSL_set_fd(ssl_, socket) == 1) return true;
    last_failure = drain_errors();
    return false;
}

Session::Result Session::read(char* data, std::size_t size) {
    ERR_clear_error();  // SSL_get_error reads the queue: it must hold this call's errors only
    std::size_t n = 0;
    const int rc = SSL_read_ex(ssl_, data, size, &n);
    if (rc == 1) return {Status::ok, n};
    return result(rc);
}

Session::Result Session::write(const char* data, std::size_t size) {
    ERR_clear_error();
    std::size_t n = 0;
    const int rc = SSL_write_ex(ssl_, data, size < max_record ? size : max_record, &n);
    if (rc == 1) return {Status::ok, n};
    return result(rc);
}

Session::Result Session::result(int rc) {
    switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_READ: return {Status::want_read, 0};
    case SSL_ERROR_WANT_WRITE: return {Status::want_write, 0};
    case SSL_ERROR_ZERO_RETURN: return {Status::closed, 0};
    case SSL_ERROR_SYSCALL:
        // SSL_OP_IGNORE_UNEXPECTED_EOF turns a bare FIN into ZERO_RETURN; what is left
        // here is a socket error (a reset), which errno describes: not the peer's TLS.
        ERR_clear_error();
        return {Status::reset, 0};
    default:
        last_failure = drain_errors();
        if (last_failure.empty()) last_failure = "TLS protocol error";
        return {Status::failed, 0};
    }
}

bool Session::has_buffered() const { return SSL_has_pending(ssl_) == 1; }

void Session::shutdown() {
    ERR_clear_error();
    // Only before the handshake has finished is there nothing to close.
    if (handshake_done()) SSL_shutdown(ssl_);
    ERR_clear_error();
}

bool Session::handshake_done() const { return SSL_is_init_finished(ssl_) == 1; }

const std::string& Session::last_error() { return last_failure; }

std::string Session::peer_fingerprint() const {
    X509* cert = SSL_get0_peer_certificate(ssl_);
    if (!cert) return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return {};
    static const char hex[] = "0123456789abcdef";
    std::string text;
    text.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 15];
    }
    return text;
}

std::string Session::describe() const {
    return std::string(SSL_get_version(ssl_)) + " " + SSL_get_cipher_name(ssl_);
}

}  // namespace hiconn::tls
