// What an application plugs into the engine (muduo's onConnection/onMessage): one Workload
// object serves every connection; per-connection state hangs off Connection::user().
// Every callback runs on the connection's own I/O thread ("in loop") and must not throw:
// protocol errors become protocol replies, and only the engine closes sockets.
#pragma once

#include "config/config.hpp"
#include "core/close_reason.hpp"
#include "core/engine_settings.hpp"
#include "core/stats.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::core {

class Connection;
class IoPool;

/// A request to one of the workload's admin endpoint routes (chat: /chat/...), already
/// allowed by the endpoint's address and token rules.
struct AdminRequest {
    std::string_view method;  ///< "GET", "POST", "DELETE", ...
    std::string_view path;    ///< without the query
    std::string_view body;    ///< JSON, or empty
    std::string_view who;     ///< "127.0.0.1" or "127.0.0.1 (token)": for the log and set_by
};

/// Its answer: an HTTP status and a JSON body.
struct AdminReply {
    int status = 200;
    std::string body;
    const char* allow = nullptr;  ///< with 405: the methods the route takes
};

class Workload {
public:
    virtual ~Workload() = default;

    /// A new connection is open.
    virtual void on_open(Connection&) {}

    /// Bytes arrived. The view points into a pooled buffer and is only valid during the call.
    virtual void on_data(Connection& connection, std::string_view data) = 0;

    /// No byte in either direction for timeouts.idle_s. Default: close (idle_timeout).
    /// Chat sends a PING and arms Connection::set_timer() for the ping timeout instead.
    virtual void on_idle(Connection& connection);

    /// The timer set with Connection::set_timer() expired.
    virtual void on_timer(Connection&) {}

    /// The send queue went past limits.max_send_queue_bytes. The engine has already stopped
    /// reading from the connection (back-pressure): it reads again once the queue drains to
    /// half the cap, and closes it after timeouts.send_stall_s without progress. Called after
    /// the handler whose send filled the queue, never from inside a send. Default (echo):
    /// nothing more. Chat closes the connection with "Max SendQ exceeded".
    virtual void on_send_queue_full(Connection&) {}

    /// The connection is gone (called exactly once, after on_open).
    virtual void on_close(Connection&, CloseReason) {}

    /// Bytes written to a connection refused at accept time, before its close
    /// (chat: "ERROR :Server full\r\n"). `reason` is rejected_limit or rejected_per_ip.
    virtual std::string rejection_message(CloseReason) { return {}; }

    /// Workload figures for the stats line and the metrics endpoint. Thread safe.
    virtual void collect_metrics(std::vector<Metric>&) const {}

    /// Config reload (chat: motd, flood limits ...). Called from a non-I/O thread; thread safe.
    virtual void reload(const config::Config&) {}

    /// Starts what the workload runs besides its connections (chat: the federation link),
    /// with the I/O threads running and before the listeners open. Called once, not from an
    /// I/O thread. Throws config::ConfigError when the configuration cannot work here.
    virtual void start(IoPool&) {}
    /// The listeners are bound (a port 0 resolved) and about to accept. Called once, by
    /// Server::start(), not from an I/O thread.
    virtual void listening(const std::vector<EngineSettings::Listen>&) {}
    /// The graceful stop closed every connection: finish, then call `done` (any thread).
    virtual void stop(std::function<void()> done) { done(); }
    /// Serves an admin route of this workload; nullopt = no such route (404). Called from the
    /// endpoint's thread; thread safe. Echo has none.
    virtual std::optional<AdminReply> admin_request(const AdminRequest&) { return std::nullopt; }
    /// A phrase for the stats line (chat: "federated as NAME (Redis up, 3 nodes)"), or "".
    /// Thread safe.
    virtual std::string describe() const { return {}; }
};

}  // namespace hiconn::core
