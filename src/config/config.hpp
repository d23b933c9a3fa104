// The complete hiconn configuration: one struct per JSON section, every field with its
// default. The JSON keys are the field names. Every field is also listed, with its type,
// allowed range and meaning, in the table in config_fields.cpp, from which the loader,
// to_json_text(), config/hiconn.schema.json and docs/config.md derive (tests check it).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hiconn::config {

struct AcceptConfig {
    std::uint32_t low_watermark = 4;        ///< outstanding accepts kept posted when idle (1..high)
    std::uint32_t high_watermark = 64;      ///< upper bound reached under a connect burst (low..4096)
    std::uint32_t backlog = 1024;           ///< listen() backlog (1..65535)
    std::string on_limit = "pause";         ///< "pause" | "reject" at limits.max_connections
    std::uint32_t retry_backoff_ms = 500;   ///< resume after an accept resource error (10..60000)
};

struct ReceiveConfig {
    std::string strategy = "zero_byte";     ///< "zero_byte" | "posted"
    std::uint32_t initial_buffer = 4096;    ///< first read buffer size (512..max_buffer)
    std::uint32_t max_buffer = 65536;       ///< doubling stops here (initial_buffer..16 MiB)
    std::uint32_t max_read_per_wakeup = 262144; ///< fairness cap per readiness (>= initial_buffer)
};

struct SendConfig {
    std::uint32_t coalesce_ms = 0;          ///< deferred writes wait up to this long (0..1000)
};

struct LimitsConfig {
    std::uint64_t max_connections = 100000;     ///< 1..10,000,000
    std::uint32_t max_connections_per_ip = 0;   ///< 0 = unlimited
    std::uint32_t max_outstanding_sends = 200;  ///< global cap on posted sends (1..1,000,000)
    std::uint32_t max_outstanding_receives = 1000; ///< posted strategy: connections with a posted receive
    std::uint64_t max_send_queue_bytes = 1048576;  ///< per connection (4096..1 GiB)
};

/// Seconds; 0 disables that timeout.
struct TimeoutsConfig {
    std::uint32_t first_data_s = 30;   ///< connected but never sent a byte
    std::uint32_t idle_s = 300;        ///< no byte in either direction (chat: PING first)
    std::uint32_t send_stall_s = 30;   ///< send queue over its cap (or not moving) this long
    std::uint32_t linger_s = 5;        ///< graceful close: wait this long for the peer's FIN
};

struct LogConfig {
    std::string level = "info";        ///< "trace" | "debug" | "info" | "warn" | "error" | "off"
    std::string file;                  ///< empty = console (stderr)
    std::uint32_t max_size_mb = 100;   ///< rotate the file past this size (1..100000)
    std::uint32_t max_files = 5;       ///< rotated files kept (1..1000)
};

struct HttpStatsConfig {
    bool enabled = false;              ///< true when the "http" object is present with a port
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;            ///< 0 = ephemeral (logged at start-up)
    std::vector<std::string> allow;    ///< extra client addresses allowed to POST admin controls
    std::string token;                 ///< optional bearer token for admin controls
};

struct StatsConfig {
    std::uint32_t interval_s = 10;     ///< one stats log line this often; 0 = off
    HttpStatsConfig http;
};

struct ServiceConfig {
    std::string name = "hiconn";
    std::string display_name = "hiconn high-connection server";
    std::string description = "hiconn: high-connection TCP server (echo / IRC chat)";
};

struct FloodConfig {
    std::uint32_t messages_per_second = 5;  ///< token refill rate (1..100000)
    std::uint32_t burst = 20;               ///< bucket size (1..100000)
    std::uint32_t max_queued = 100;         ///< delayed lines beyond this -> Excess Flood close
};

/// One IRC operator (OPER NAME PASSWORD), allowed from the hosts its masks match.
struct OperatorConfig {
    std::string name;                       ///< OPER's first parameter
    std::string password_hash;              ///< a hash string from `hiconn hash-password`, never plain text
    std::vector<std::string> hosts;         ///< "user@host" masks (* and ?), at least one
};

struct ChatConfig {
    std::string server_name = "irc.hiconn.local";
    std::string network_name = "hiconn";
    std::string motd;                       ///< MOTD text (lines split on '\n')
    std::string motd_file;                  ///< or a file with the MOTD; empty = none (422)
    std::string password;                   ///< empty = no PASS needed
    std::uint32_t max_channels_per_client = 20;  ///< 1..10000
    std::uint32_t max_nick_length = 30;          ///< 1..64
    std::uint32_t max_channel_length = 50;       ///< 2..200
    std::uint32_t max_line_bytes = 4096;         ///< no newline after this many bytes -> close (512..65536)
    std::uint32_t ping_timeout_s = 60;           ///< after an idle PING, close if no reply (1..3600)
    std::uint32_t registration_timeout_s = 60;   ///< not registered by then -> close; 0 = off (0..3600)
    std::string bans_file = "bans.json";    ///< K-lines of a standalone node; relative = beside the config; "" = not kept
    std::string accounts;                   ///< accounts file for SASL (beside the config when relative); empty = none
    bool sasl_required = false;             ///< registration needs a SASL login
    bool utf8_only = false;                 ///< 005 UTF8ONLY: text that is not UTF-8 is refused (FAIL INVALID_UTF8)
    std::vector<OperatorConfig> operators;  ///< IRC operators; empty = none
    FloodConfig flood;
    bool web_client = true;                      ///< GET / on a ws:// or wss:// listener serves the web chat page
};

/// Chat nodes forming one IRC network through Redis; absent or null = standalone.
struct FederationConfig {
    bool enabled = false;              ///< true when the "federation" object is present (not null)
    std::string redis = "127.0.0.1:6379";  ///< "ADDR:PORT", numeric, IPv6 in brackets (like listen)
    std::string password;              ///< Redis AUTH password; empty = no AUTH
    std::uint32_t heartbeat_s = 2;     ///< 1..3600
    std::uint32_t node_timeout_s = 10; ///< 2..86400, must be > heartbeat_s
    std::string key_prefix = "hiconn:"; ///< 1..64 chars, prefix of every Redis key and channel
};

/// TLS for the tls:// listeners; absent or null = none. Paths relative to the config file.
struct TlsConfig {
    bool enabled = false;              ///< true when the "tls" object is present (not null)
    std::string certificate;           ///< PEM chain, leaf first
    std::string private_key;           ///< PEM, unencrypted
    std::string min_version = "1.2";   ///< "1.2" | "1.3"
    std::string ciphers;               ///< TLS 1.2 cipher list; empty = OpenSSL's default
    std::string ciphersuites;          ///< TLS 1.3 suites; empty = OpenSSL's default
    std::string client_ca;             ///< PEM CAs; set = client certificates requested and verified
};

/// The PROXY protocol header on proxy:// and proxy+tls:// listeners.
struct ProxyProtocolConfig {
    /// Peers whose PROXY header is believed: numeric addresses or CIDR blocks, IPv4 or IPv6.
    /// Empty (the default) = none, loopback included: a proxy listener then closes everything.
    std::vector<std::string> trusted;
};

/// The ws:// and wss:// listeners.
struct WebSocketConfig {
    /// Origins a browser may connect from ("https://chat.example.org"); empty = any.
    std::vector<std::string> allowed_origins;
    std::uint32_t max_message_bytes = 65536;  ///< data payload per message; more -> close 1009 (125..16777216)
};

struct Config {
    std::string source_file;                ///< where it was loaded from ("" = built-in defaults); not a JSON key
    std::string workload = "echo";          ///< "echo" | "chat"
    std::vector<std::string> listen{"127.0.0.1:7000"};  ///< "[tls://|proxy://|proxy+tls://|ws://|wss://]ADDR:PORT", IPv6 as "[::1]:7000"
    std::uint32_t threads = 0;              ///< I/O threads; 0 = one per core
    AcceptConfig accept;
    ReceiveConfig receive;
    SendConfig send;
    LimitsConfig limits;
    TimeoutsConfig timeouts;
    LogConfig log;
    StatsConfig stats;
    ServiceConfig service;
    ChatConfig chat;
    FederationConfig federation;
    TlsConfig tls;
    ProxyProtocolConfig proxy_protocol;
    WebSocketConfig websocket;
};

/// `path` as the daemon opens it: a relative path is taken beside the config file (so a
/// service started elsewhere finds it); absolute, empty, or without a config file: as is.
std::string beside_config(const Config& config, const std::string& path);

/// Member-wise equality (source_file included): tells a reload whether anything changed.
bool operator==(const Config& a, const Config& b);
inline bool operator!=(const Config& a, const Config& b) { return !(a == b); }

/// A configuration that cannot be used. what() reads "FILE: json.path: expected ..., got ..."
/// (e.g. "echo.json: listen[1]: ..."); FILE is "--set PATH" when the value came from an
/// override; the path part is absent for errors about the whole file (syntax, unreadable).
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, std::string json_path, std::string message);
    const std::string& file() const noexcept { return file_; }
    const std::string& json_path() const noexcept { return json_path_; }
    const std::string& message() const noexcept { return message_; }

private:
    std::string file_;
    std::string json_path_;
    std::string message_;
};

/// Reads FILE, applies `overrides` ("path.to.key=value"; value parsed as JSON when it
/// parses, else taken as a string), validates. Throws ConfigError.
Config load_file(const std::string& file, const std::vector<std::string>& overrides = {});

/// Validates a parsed document; `file` is only used in error messages.
Config from_json_text(const std::string& text, const std::string& file,
                      const std::vector<std::string>& overrides = {});

/// The effective configuration (defaults filled in) as pretty JSON.
std::string to_json_text(const Config& config);

/// Parses "ADDR:PORT" / "[V6]:PORT", optionally after "tls://", "proxy://" (a PROXY protocol
/// header first), "proxy+tls://" (the header, then TLS), "ws://" (WebSocket) or "wss://"
/// (WebSocket over TLS). Throws std::invalid_argument.
struct ListenAddress {
    std::string host;
    std::uint16_t port;
    bool tls = false;
    bool proxy = false;
    bool websocket = false;  ///< ws:// or wss:// (wss: tls too)
};
ListenAddress parse_listen_address(const std::string& text);

}  // namespace hiconn::config
