// What the protocol needs from a connection, so that the whole chat protocol runs without
// sockets in the unit tests: ConnectionLink implements it over core::Connection, and the
// tests use an in-memory fake.
//
// Thread safety: post() is thread safe; every other member is "in loop" (only on the
// link's own I/O thread, like core::Connection).
#pragma once

#include "core/close_reason.hpp"
#include "core/shared_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace hiconn::chat {

using core::SharedBuffer;

class ClientLink {
public:
    virtual ~ClientLink() = default;

    /// Queues bytes; they go out in one gathered write after the current batch of handlers.
    virtual void enqueue(SharedBuffer bytes) = 0;
    /// Graceful close: what was queued is flushed first.
    virtual void close(core::CloseReason reason) = 0;
    /// One timer (about `seconds`, >= 1); re-setting replaces it. ChatServer::on_timer runs.
    virtual void set_timer(std::uint32_t seconds) = 0;
    virtual void cancel_timer() = 0;

    /// The I/O thread this link lives on.
    virtual std::size_t thread_index() const = 0;
    /// Runs `task` on this link's thread. Thread safe.
    virtual void post(std::function<void()> task) = 0;
    /// The peer's address as text ("127.0.0.1", "::1").
    virtual std::string remote_ip() const = 0;
    /// The node (chat.server_name) of a user connected to another node of a federated
    /// network; nullptr for this node's own clients.
    virtual const std::string* node() const { return nullptr; }
    /// Connected over TLS. Known for this node's own clients only.
    virtual bool secure() const { return false; }
    /// SHA-256 of the client's TLS certificate in hex; empty when it sent none.
    virtual std::string tls_fingerprint() const { return {}; }
};

}  // namespace hiconn::chat
