// Why a connection closed: the engine's one vocabulary for it, in the stats, the logs and
// the workloads (chat turns it into a QUIT message). No socket types: the socket-free chat
// layer includes it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hiconn::core {

enum class CloseReason : std::uint8_t {
    peer_closed,        ///< the client closed (FIN) or reset
    io_error,           ///< a socket error
    first_data_timeout, ///< timeouts.first_data_s
    idle_timeout,       ///< timeouts.idle_s (chat: ping timeout)
    send_stall,         ///< timeouts.send_stall_s with a full send queue
    send_queue_full,    ///< the workload closed it for limits.max_send_queue_bytes (chat SendQ)
    rejected_limit,     ///< limits.max_connections with on_limit = reject
    rejected_per_ip,    ///< limits.max_connections_per_ip
    server_stop,        ///< graceful stop of the server
    workload,           ///< the workload closed it (e.g. IRC QUIT, protocol error)
    tls_error,          ///< a TLS handshake or record failed (plain text or garbage on a TLS port)
    proxy_error,        ///< a proxy listener: an untrusted peer, or a malformed PROXY header
    websocket_error,    ///< a ws:// or wss:// listener: a bad upgrade request or a bad frame
    count_
};
constexpr std::size_t close_reason_count = static_cast<std::size_t>(CloseReason::count_);
const char* to_string(CloseReason reason);

}  // namespace hiconn::core
