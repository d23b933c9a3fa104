// What the engine reads from the configuration, typed. Built once per load or reload
// (app/engine_settings.cpp), so the engine never sees config::Config and the hot path
// compares enums, never strings. Every field is set by that builder.
#pragma once

#include "proxy/network.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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
        /// A ws:// or wss:// listener (wss: tls too): an HTTP upgrade, then WebSocket frames.
        bool websocket = false;
        /// "", "tls://", "proxy://", "proxy+tls://", "ws://" or "wss://": the config's spelling.
        const char* scheme() const noexcept {
            if (websocket) return tls ? "wss://" : "ws://";
            return proxy ? (tls ? "proxy+tls://" : "proxy://") : (tls ? "tls://" : "");
        }
    };
    std::vector<Listen> listen;
    /// The certificate and key new TLS sessions get; null when no listener is tls://. A
    /// reload brings a new one; open sessions keep theirs.
    std::shared_ptr<const tls::Context> tls;
    /// proxy_protocol.trusted: the peers whose PROXY header a proxy listener reads.
    std::vector<proxy::Network> proxy_trusted;

    /// The ws:// and wss:// listeners.
    struct WebSocket {
        /// websocket.allowed_origins; empty = any.
        std::vector<std::string> allowed_origins;
        std::uint32_t max_message_bytes = 65536;
        /// The workload speaks lines (chat, the IRCv3 transport): every message is a line,
        /// every line sent is a message. Otherwise (echo) messages are passed through.
        bool lines = false;
        /// GET without an upgrade: the whole HTTP response for a target, "" = 404. Empty
        /// function = no page (echo, chat.web_client false).
        std::function<std::string(std::string_view target)> page;
    } websocket;

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
