// What the engine reads from the configuration, typed. Built once per load or reload
// (app/engine_settings.cpp), so the engine never sees config::Config and the hot path
// compares enums, never strings. Every field is set by that builder.
#pragma once

#include "proxy/network.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace hiconn::tls { class Context; }

namespace hiconn::core {

enum class ReceiveStrategy : std::uint8_t { zero_byte, posted };
/// What accepting does at limits.max_connections.
enum class LimitAction : std::uint8_t { pause, reject };

struct EngineSettings {
    struct Listen {
        boost::asio::ip::tcp::endpoint endpoint;
        bool tls = false;  ///< a tls:// listener: its connections run over a tls::Session
        /// A proxy:// or proxy+tls:// listener: a PROXY protocol header comes first.
        bool proxy = false;
        /// "", "tls://", "proxy://" or "proxy+tls://": the config's spelling.
        const char* scheme() const noexcept {
            return proxy ? (tls ? "proxy+tls://" : "proxy://") : (tls ? "tls://" : "");
        }
    };
    std::vector<Listen> listen;
    /// The certificate and key new TLS sessions get; null when no listener is tls://. A
    /// reload brings a new one; open sessions keep theirs.
    std::shared_ptr<const tls::Context> tls;
    /// proxy_protocol.trusted: the peers whose PROXY header a proxy listener reads.
    std::vector<proxy::Network> proxy_trusted;

    struct Accept {
        std::uint32_t low_watermark;
        std::uint32_t high_watermark;
        std::uint32_t backlog;
        LimitAction on_limit;
        std::uint32_t retry_backoff_ms;
    } accept{};

    struct Receive {
        ReceiveStrategy strategy;
        std::uint32_t initial_buffer;
        std::uint32_t max_buffer;
        std::uint32_t max_read_per_wakeup;
    } receive{};

    std::uint32_t coalesce_ms = 0;  ///< send.coalesce_ms

    struct Limits {
        std::uint64_t max_connections;
        std::uint32_t max_connections_per_ip;  ///< 0 = unlimited
        std::uint32_t max_outstanding_sends;
        std::uint32_t max_outstanding_receives;
        std::uint64_t max_send_queue_bytes;
    } limits{};

    /// Seconds; 0 disables that timeout.
    struct Timeouts {
        std::uint32_t first_data_s;
        std::uint32_t idle_s;
        std::uint32_t send_stall_s;
        std::uint32_t linger_s;
    } timeouts{};
};

}  // namespace hiconn::core
