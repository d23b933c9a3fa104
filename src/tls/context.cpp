#include "tls/context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace hiconn::tls {
namespace {

std::string openssl_reason() {
    std::string text;
    char buffer[256];
    while (const unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, buffer, sizeof buffer);
        text = buffer;  // the last one is the closest to the cause
    }
    return text.empty() ? "unknown OpenSSL error" : text;
}

/// Fails with the system's reason when the file cannot be opened, before OpenSSL's vaguer one.
void check_readable(const std::string& key, const std::string& path) {
    if (path.empty()) throw LoadError(key, "expected a file path, got an empty string");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw LoadError(key, "cannot read \"" + path + "\": " + std::strerror(errno));
    std::fclose(f);
}

std::string subject_name(X509* cert) {
    char name[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
    return name[0] ? std::string("CN=") + name : std::string("no CN");
}

std::string expiry(X509* cert) {
    std::tm tm{};
    const ASN1_TIME* not_after = X509_get0_notAfter(cert);
    if (ASN1_TIME_to_tm(not_after, &tm) != 1) return "unknown expiry";
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    const bool expired = X509_cmp_current_time(not_after) < 0;
    return std::string(expired ? "EXPIRED " : "expires ") + text;
}

}  // namespace

std::shared_ptr<const Context> Context::load(const ContextOptions& o) {
    ERR_clear_error();
    std::shared_ptr<Context> c(new Context);
    c->ctx_ = SSL_CTX_new(TLS_server_method());
    if (!c->ctx_) throw std::runtime_error("TLS: cannot create a context: " + openssl_reason());
    SSL_CTX* ctx = c->ctx_;
    // An encrypted key fails to load rather than prompting on a terminal nobody watches.
    SSL_CTX_set_default_passwd_cb(ctx, [](char*, int, int, void*) { return 0; });

    const int min_version = o.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
    SSL_CTX_set_min_proto_version(ctx, min_version);
    // IGNORE_UNEXPECTED_EOF: a client that closes without close_notify ends its stream like
    // a TCP FIN, not with an error. No renegotiation (a DoS lever), no compression (CRIME).
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                 SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // RELEASE_BUFFERS: an idle session holds no 16 KiB record buffers (zero-byte reads).
    // PARTIAL_WRITE + MOVING_WRITE_BUFFER: a write may end at a record, and a retry may come
    // from another buffer holding the same bytes (the send queue gathers anew).
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // One recv per burst of records rather than one per record header and body.
    SSL_CTX_set_read_ahead(ctx, 1);
    // Resumption through stateless tickets only: no per-session cache held by the server.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    static const unsigned char session_context[] = "hiconn";
    SSL_CTX_set_session_id_context(ctx, session_context, sizeof session_context - 1);

    if (!o.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str()) != 1)
        throw LoadError("tls.ciphers", "no usable cipher in \"" + o.ciphers + "\": " + openssl_reason());
    if (!o.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites.c_str()) != 1)
        throw LoadError("tls.ciphersuites",
                        "no usable TLS 1.3 suite in \"" + o.ciphersuites + "\": " + openssl_reason());

    check_readable("tls.certificate", o.certificate);
    if (SSL_CTX_use_certificate_chain_file(ctx, o.certificate.c_str()) != 1)
        throw LoadError("tls.certificate",
                        "\"" + o.certificate + "\" is not a PEM certificate chain: " + openssl_reason());
    check_readable("tls.private_key", o.private_key);
    const std::string mismatch = "the key in \"" + o.private_key + "\" does not match the certificate in \"" +
                                 o.certificate + "\"";
    if (SSL_CTX_use_PrivateKey_file(ctx, o.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        const unsigned long last = ERR_peek_last_error();
        if (ERR_GET_LIB(last) == ERR_LIB_X509 && ERR_GET_REASON(last) == X509_R_KEY_VALUES_MISMATCH)
            throw LoadError("tls.private_key", mismatch);
        throw LoadError("tls.private_key",
                        "\"" + o.private_key + "\" is not a PEM private key: " + openssl_reason());
    }
    if (SSL_CTX_check_private_key(ctx) != 1) throw LoadError("tls.private_key", mismatch);

    if (!o.client_ca.empty()) {
        check_readable("tls.client_ca", o.client_ca);
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.client_ca.c_str());
        if (!names || SSL_CTX_load_verify_locations(ctx, o.client_ca.c_str(), nullptr) != 1) {
            if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
            throw LoadError("tls.client_ca",
                            "\"" + o.client_ca + "\" holds no PEM CA certificate: " + openssl_reason());
        }
        SSL_CTX_set_client_CA_list(ctx, names);
        // Asked for, not required: a client without a certificate still connects; one whose
        // certificate the CAs do not vouch for fails its handshake.
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, nullptr);
        c->client_certificates_ = true;
    }

    X509* leaf = SSL_CTX_get0_certificate(ctx);
    c->description_ = subject_name(leaf) + ", " + expiry(leaf) + ", TLS " + o.min_version + "+" +
                      (c->client_certificates_ ? ", client certificates requested" : "");
    ERR_clear_error();
    return c;
}

Context::~Context() {
    if (ctx_) SSL_CTX_free(ctx_);
}

}  // namespace hiconn::tls
