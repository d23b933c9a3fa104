// One server certificate and key with their TLS settings: an OpenSSL SSL_CTX, loaded and
// checked once, then shared read-only by every new session. A reload loads a new Context
// and swaps it in with the engine settings; open sessions keep the one they started with
// (each SSL holds a reference on its SSL_CTX).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace hiconn::tls {

/// The `tls` config section, with paths already resolved.
struct ContextOptions {
    std::string certificate;   ///< PEM chain, leaf first
    std::string private_key;   ///< PEM
    std::string min_version;   ///< "1.2" | "1.3"
    std::string ciphers;       ///< TLS 1.2 cipher list; empty = OpenSSL's default
    std::string ciphersuites;  ///< TLS 1.3 suites; empty = OpenSSL's default
    std::string client_ca;     ///< PEM CAs; non-empty = request client certificates
};

/// A setting that cannot be used; key() is its config key ("tls.private_key").
class LoadError : public std::runtime_error {
public:
    LoadError(std::string key, const std::string& message)
        : std::runtime_error(message), key_(std::move(key)) {}
    const std::string& key() const noexcept { return key_; }

private:
    std::string key_;
};

class Context {
public:
    /// Reads and checks everything; throws LoadError naming the key at fault.
    static std::shared_ptr<const Context> load(const ContextOptions& options);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    SSL_CTX* native() const noexcept { return ctx_; }
    bool requests_client_certificates() const noexcept { return client_certificates_; }
    /// "CN=irc.example.org, expires 2027-03-01" for the start-up and reload lines.
    const std::string& description() const noexcept { return description_; }

private:
    Context() = default;
    SSL_CTX* ctx_ = nullptr;
    bool client_certificates_ = false;
    std::string description_;
};

}  // namespace hiconn::tls
