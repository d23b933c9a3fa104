// One server-side TLS session over a non-blocking socket: OpenSSL reads and writes the
// socket itself (a socket BIO), so the engine keeps its zero-byte waits and only asks
// "read / write what you can now". The handshake happens inside the first reads.
// Idle, it holds no record buffers (SSL_MODE_RELEASE_BUFFERS). Movable, one pointer.
// Not thread safe: used by its connection's I/O thread only.
#pragma once

#include <cstddef>
#include <string>

typedef struct ssl_st SSL;

namespace hiconn::tls {

class Context;

class Session {
public:
    /// No session: the connection is plain TCP.
    Session() noexcept = default;
    /// Throws std::bad_alloc when OpenSSL cannot make the session.
    explicit Session(const Context& context);
    ~Session();
    Session(Session&& other) noexcept : ssl_(other.ssl_) { other.ssl_ = nullptr; }
    Session& operator=(Session&& other) noexcept;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    explicit operator bool() const noexcept { return ssl_ != nullptr; }

    /// Binds the session to the connected, non-blocking socket. False when OpenSSL refuses.
    bool attach(int socket);

    enum class Status {
        ok,          ///< `bytes` moved
        want_read,   ///< wait until the socket is readable, then call again
        want_write,  ///< wait until the socket is writable, then call again
        closed,      ///< the peer ended the stream (close_notify or FIN)
        reset,       ///< the socket failed under the session (a reset): errno says what
        failed       ///< a protocol error or bad input: last_error() says what
    };
    struct Result {
        Status status;
        std::size_t bytes;
    };

    /// Decrypts into `data` (handshaking first while needed).
    Result read(char* data, std::size_t size);
    /// Encrypts and sends up to one record of `data`. A call that returned want_read or
    /// want_write must be repeated with at least the same bytes at the front.
    Result write(const char* data, std::size_t size);
    /// Bytes received but not handed out yet: a wait for readability would not see them.
    bool has_buffered() const;
    /// Sends close_notify, best effort (no wait).
    void shutdown();

    bool handshake_done() const;
    /// The reason of this thread's last `failed`, from OpenSSL's error queue.
    static const std::string& last_error();
    /// SHA-256 of the client's certificate, lower-case hex; empty when there is none.
    std::string peer_fingerprint() const;
    /// "TLSv1.3 TLS_AES_256_GCM_SHA384", once the handshake is done.
    std::string describe() const;

    /// Records plaintext at a time: a write never takes more than this.
    static constexpr std::size_t max_record = 16384;

private:
    Result result(int rc);
    SSL* ssl_ = nullptr;  // the only member: a plain connection pays one pointer
};

}  // namespace hiconn::tls
