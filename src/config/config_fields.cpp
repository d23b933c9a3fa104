// The table of every config key. See config_fields.hpp for what is derived from it.
#include "config/config_fields.hpp"

#include "config/address_format.hpp"

#include <type_traits>

namespace hiconn::config::detail {
namespace {

// Names a key once: the JSON path string and the member it stands for are the same tokens.
#define HICONN_KEY(member) #member, [](auto& c) -> auto& { return c.member; }

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;

template <typename Ref>
Field integer(const char* path, Ref ref, std::uint64_t minimum, std::uint64_t maximum,
              std::string description)
{
    Field f;
    f.path = path;
    f.type = Type::integer;
    f.description = std::move(description);
    f.minimum = minimum;
    f.maximum = maximum;
    f.get = [ref](const Config& c) { return Json(ref(c)); };
    f.set = [ref](Config& c, const Json& v) {
        auto& member = ref(c);
        member = static_cast<std::decay_t<decltype(member)>>(v.get<std::uint64_t>());
    };
    return f;
}

template <typename Ref>
Field string(const char* path, Ref ref, std::string description, Format format = Format::any,
             std::size_t min_length = 0, std::size_t max_length = 0)
{
    Field f;
    f.path = path;
    f.type = Type::string;
    f.description = std::move(description);
    f.format = format;
    f.min_length = min_length;
    f.max_length = max_length;
    f.get = [ref](const Config& c) { return Json(ref(c)); };
    f.set = [ref](Config& c, const Json& v) { ref(c) = v.get<std::string>(); };
    return f;
}

template <typename Ref>
Field choice(const char* path, Ref ref, std::vector<std::string> choices, std::string description)
{
    Field f = string(path, ref, std::move(description));
    f.choices = std::move(choices);
    return f;
}

template <typename Ref>
Field string_list(const char* path, Ref ref, Format format, std::size_t min_items,
                  std::string description)
{
    Field f;
    f.path = path;
    f.type = Type::string_list;
    f.description = std::move(description);
    f.format = format;
    f.min_items = min_items;
    f.get = [ref](const Config& c) { return Json(ref(c)); };
    f.set = [ref](Config& c, const Json& v) { ref(c) = v.get<std::vector<std::string>>(); };
    return f;
}

template <typename Ref>
Field boolean(const char* path, Ref ref, std::string description)
{
    Field f;
    f.path = path;
    f.type = Type::boolean;
    f.description = std::move(description);
    f.get = [ref](const Config& c) { return Json(ref(c)); };
    f.set = [ref](Config& c, const Json& v) { ref(c) = v.get<bool>(); };
    return f;
}

template <typename Ref>
Field operator_list(const char* path, Ref ref, std::string description)
{
    Field f;
    f.path = path;
    f.type = Type::operator_list;
    f.description = std::move(description);
    f.get = [ref](const Config& c) {
        Json list = Json::array();
        for (const auto& o : ref(c))
            list.push_back({{"name", o.name}, {"password_hash", o.password_hash}, {"hosts", o.hosts}});
        return list;
    };
    f.set = [ref](Config& c, const Json& v) {
        auto& list = ref(c);
        list.clear();
        for (const auto& item : v)
            list.push_back({item.at("name").get<std::string>(), item.at("password_hash").get<std::string>(),
                            item.at("hosts").get<std::vector<std::string>>()});
    };
    return f;
}

std::vector<Field> make_fields()
{
    return {
        choice(HICONN_KEY(workload), {"echo", "chat"},
               "What the server does with a connection: \"echo\" sends every byte back (RFC 862); "
               "\"chat\" speaks the IRC subset."),
        string_list(HICONN_KEY(listen), Format::listen_address, 1,
                    "Addresses to listen on: \"IPv4:PORT\", \"[IPv6]:PORT\" or \"*:PORT\" (every IPv4 "
                    "address), each plain TCP or, after \"tls://\", TLS (needs the tls section); after \"proxy://\" "
                    "or \"proxy+tls://\" a PROXY protocol header (v1 or v2) comes first, honoured only from "
                    "proxy_protocol.trusted; \"ws://\" and \"wss://\" (TLS, needs the tls section) speak "
                    "WebSocket (RFC 6455; chat: the IRCv3 WebSocket transport). "
                    "Numeric only, no host names; port 0 = an ephemeral port."),
        integer(HICONN_KEY(threads), 0, 1024, "I/O threads; 0 = one per CPU core."),

        integer(HICONN_KEY(accept.low_watermark), 1, 4096,
                "Outstanding accepts kept posted when connects are rare."),
        integer(HICONN_KEY(accept.high_watermark), 1, 4096,
                "Upper bound on outstanding accepts, reached under a connect burst."),
        integer(HICONN_KEY(accept.backlog), 1, 65535, "listen() backlog of each listener."),
        choice(HICONN_KEY(accept.on_limit), {"pause", "reject"},
               "At limits.max_connections: \"pause\" stops accepting until a connection closes; "
               "\"reject\" accepts and closes at once (chat sends ERROR :Server full)."),
        integer(HICONN_KEY(accept.retry_backoff_ms), 10, 60000,
                "After an accept resource error (EMFILE, ENFILE, ENOBUFS, ENOMEM), accepting resumes "
                "when a connection closes or after this many milliseconds."),

        choice(HICONN_KEY(receive.strategy), {"zero_byte", "posted"},
               "\"zero_byte\": wait for readability without a buffer, then drain into a pooled buffer "
               "(idle connections cost almost nothing); \"posted\": keep buffered receives posted on up "
               "to limits.max_outstanding_receives connections (throughput)."),
        integer(HICONN_KEY(receive.initial_buffer), 512, 16 * MiB,
                "First receive buffer size in bytes; doubles when a read fills it."),
        integer(HICONN_KEY(receive.max_buffer), 512, 16 * MiB,
                "Largest receive buffer in bytes; the size reached is remembered per connection."),
        integer(HICONN_KEY(receive.max_read_per_wakeup), 512, 1 * GiB,
                "Bytes read from one connection per readiness before serving the others (fairness)."),

        integer(HICONN_KEY(send.coalesce_ms), 0, 1000,
                "Deferred writes (chat replies and channel fan-out) wait up to this many "
                "milliseconds, so that one system call carries many lines to a client; 0 = after "
                "the current batch of events. Echo writes at once and is not affected."),

        integer(HICONN_KEY(limits.max_connections), 1, 10000000,
                "Connections open at once; see accept.on_limit. Capped by the open-file limit (warned "
                "at start-up)."),
        integer(HICONN_KEY(limits.max_connections_per_ip), 0, 10000000,
                "Connections open at once from one client address; 0 = unlimited."),
        integer(HICONN_KEY(limits.max_outstanding_sends), 1, 1000000,
                "Sends posted at once across the server; connections wait for a slot first-in "
                "first-out."),
        integer(HICONN_KEY(limits.max_outstanding_receives), 1, 10000000,
                "receive.strategy \"posted\": connections with a buffered receive posted at once; the "
                "others wait on zero-byte reads, first-in first-out."),
        integer(HICONN_KEY(limits.max_send_queue_bytes), 4 * KiB, 1 * GiB,
                "Bytes queued for sending on one connection. Echo stops reading that client until it "
                "drains; chat closes it (Max SendQ exceeded)."),

        integer(HICONN_KEY(timeouts.first_data_s), 0, 86400,
                "Close a connection that sent nothing this many seconds after connecting; 0 = never."),
        integer(HICONN_KEY(timeouts.idle_s), 0, 604800,
                "Close a connection with no traffic in either direction for this many seconds (chat: "
                "PING first); 0 = never."),
        integer(HICONN_KEY(timeouts.send_stall_s), 0, 86400,
                "Close a connection whose send queue stays over its cap (or does not move) this many "
                "seconds; 0 = never."),
        integer(HICONN_KEY(timeouts.linger_s), 0, 3600,
                "Graceful close: after shutting down the send side, wait this many seconds for the "
                "peer's FIN; 0 = close at once."),

        choice(HICONN_KEY(log.level), {"trace", "debug", "info", "warn", "error", "off"},
               "Least severe level written."),
        string(HICONN_KEY(log.file), "Log file (appended to, folder created); empty = the console (stderr)."),
        integer(HICONN_KEY(log.max_size_mb), 1, 100000, "Rotate the log file past this many MiB."),
        integer(HICONN_KEY(log.max_files), 1, 1000, "Rotated log files kept."),

        integer(HICONN_KEY(stats.interval_s), 0, 86400, "One stats log line this often, in seconds; 0 = off."),
        string(HICONN_KEY(stats.http.address), "Address of the HTTP stats and admin endpoint.",
               Format::ip_address),
        integer(HICONN_KEY(stats.http.port), 0, 65535, "Port of the endpoint; 0 = ephemeral (logged at start-up)."),
        string_list(HICONN_KEY(stats.http.allow), Format::ip_address, 0,
                    "Client addresses besides loopback allowed to POST admin controls."),
        string(HICONN_KEY(stats.http.token), "Bearer token required for admin controls; empty = none."),

        string(HICONN_KEY(service.name), "Windows service name (hiconn install --name overrides it).",
               Format::name, 1, 80),
        string(HICONN_KEY(service.display_name), "Windows service display name.", Format::any, 1, 256),
        string(HICONN_KEY(service.description), "Windows service description.", Format::any, 0, 1024),

        string(HICONN_KEY(chat.server_name), "Server name in replies (the prefix of numerics). With "
               "federation, the name of this node: unique in the network.", Format::name, 1, 63),
        string(HICONN_KEY(chat.network_name), "Network name advertised in 005 NETWORK=.", Format::name, 1, 63),
        string(HICONN_KEY(chat.motd), "Message of the day, lines split on \\n; empty = none.",
               Format::any, 0, 65536),
        string(HICONN_KEY(chat.motd_file), "File holding the message of the day; empty = none."),
        string(HICONN_KEY(chat.password), "Connection password clients send with PASS; empty = none.",
               Format::any, 0, 256),
        integer(HICONN_KEY(chat.max_channels_per_client), 1, 10000, "Channels one client may be in (005 CHANLIMIT)."),
        integer(HICONN_KEY(chat.max_nick_length), 1, 64, "Longest nick (005 NICKLEN)."),
        integer(HICONN_KEY(chat.max_channel_length), 2, 200, "Longest channel name (005 CHANNELLEN)."),
        integer(HICONN_KEY(chat.max_line_bytes), 512, 65536,
                "A client that sends this many bytes without a newline is closed."),
        integer(HICONN_KEY(chat.ping_timeout_s), 1, 3600,
                "After the idle PING, close the client if no reply came within this many seconds."),
        integer(HICONN_KEY(chat.registration_timeout_s), 0, 3600,
                "Close a connection that has not registered (NICK and USER) within this many "
                "seconds (Registration timeout); 0 = no limit."),
        string(HICONN_KEY(chat.bans_file), "File keeping the server bans (K-lines) of a standalone "
               "node across restarts; relative to the config file; empty = not kept. With "
               "federation the bans live in Redis instead."),
        string(HICONN_KEY(chat.accounts), "File of chat accounts (\"NAME HASH\" lines, edited with "
               "hiconn account) for SASL PLAIN logins; relative to the config file; reloaded with the "
               "config. Empty = no accounts and no sasl capability."),
        boolean(HICONN_KEY(chat.sasl_required), "Registration needs a SASL login first (needs chat.accounts); "
                "a client that ends CAP negotiation without one is refused (904) and closed."),
        boolean(HICONN_KEY(chat.utf8_only), "Only UTF-8 is relayed (IRCv3 UTF8ONLY, advertised in 005): a "
                "command whose parameters are not valid UTF-8 is refused with FAIL <command> INVALID_UTF8 "
                "(a QUIT loses its reason instead); false = bytes are relayed as they come."),
        operator_list(HICONN_KEY(chat.operators), "IRC operators: objects {\"name\", \"password_hash\" (from "
                      "hiconn hash-password; plain text is refused), \"hosts\": [\"user@host\" masks, * and ?]}, "
                      "for OPER name password; reloaded with the config."),
        integer(HICONN_KEY(chat.flood.messages_per_second), 1, 100000, "Flood control: lines per second a client may send (token refill rate)."),
        integer(HICONN_KEY(chat.flood.burst), 1, 100000, "Flood control: lines a client may send at once (bucket size)."),
        integer(HICONN_KEY(chat.flood.max_queued), 1, 100000,
                "Flood control: delayed lines beyond this many (or this many times 512 bytes) close the client (Excess Flood)."),

        boolean(HICONN_KEY(chat.web_client), "GET / on a ws:// or wss:// listener serves the web chat "
                "page (web/chat); false = 404."),

        // Redis is connected to, never listened on: no "*", no port 0, no host names (a node
        // must not depend on a resolver, as for listen).
        string(HICONN_KEY(federation.redis), "Redis server the nodes share: \"IPv4:PORT\" or "
               "\"[IPv6]:PORT\". Numeric only, no host names.", Format::redis_address),
        string(HICONN_KEY(federation.password), "Password sent with Redis AUTH; empty = no AUTH.",
               Format::any, 0, 256),
        integer(HICONN_KEY(federation.heartbeat_s), 1, 3600,
                "Seconds between this node's heartbeats in Redis."),
        integer(HICONN_KEY(federation.node_timeout_s), 2, 86400,
                "A node without a heartbeat for this many seconds is taken as gone, with its users."),
        string(HICONN_KEY(federation.key_prefix), "Prefix of every Redis key and channel the network "
               "uses; networks sharing one Redis need different prefixes.", Format::printable, 1, 64),

        string(HICONN_KEY(tls.certificate), "PEM file with the server certificate chain, leaf first; "
               "relative to the config file. Re-read on reload."),
        string(HICONN_KEY(tls.private_key), "PEM file with the certificate's private key (not encrypted); "
               "relative to the config file. Re-read on reload."),
        choice(HICONN_KEY(tls.min_version), {"1.2", "1.3"}, "Oldest TLS version accepted."),
        string(HICONN_KEY(tls.ciphers), "TLS 1.2 cipher list (OpenSSL syntax); empty = OpenSSL's default."),
        string(HICONN_KEY(tls.ciphersuites), "TLS 1.3 cipher suites (OpenSSL syntax); empty = OpenSSL's default."),
        string(HICONN_KEY(tls.client_ca), "PEM file of CAs: when set, clients are asked for a certificate "
               "(optional), it is verified against these, and chat shows its SHA-256 fingerprint in WHOIS (276)."),

        string_list(HICONN_KEY(proxy_protocol.trusted), Format::ip_network, 0,
                    "Peers (load balancers) whose PROXY header is believed on proxy:// and proxy+tls:// "
                    "listeners: numeric addresses or CIDR blocks (\"10.0.0.0/8\", \"fd00::/8\"). Any other "
                    "peer there is closed at once; empty = none, loopback included."),

        string_list(HICONN_KEY(websocket.allowed_origins), Format::printable, 0,
                    "Origins (\"https://chat.example.org\") a browser may open a ws:// or wss:// "
                    "connection from; another Origin gets HTTP 403. Empty = any; a request without "
                    "an Origin header (not a browser) is always allowed."),
        integer(HICONN_KEY(websocket.max_message_bytes), 125, 16777216,
                "Payload of one WebSocket message (all its frames); a longer one closes the "
                "connection with status 1009."),
    };
}

#undef HICONN_KEY

Section section(std::string path, std::string description)
{
    Section s;
    s.path = std::move(path);
    s.description = std::move(description);
    return s;
}

std::vector<Section> make_sections()
{
    Section http = section("stats.http", "HTTP endpoint for stats and admin controls; present = on, "
                                         "absent or null = off.");
    http.present = [](const Config& c) { return c.stats.http.enabled; };
    http.set_present = [](Config& c, bool on) { c.stats.http.enabled = on; };
    Section federation = section("federation", "Several chat nodes form one IRC network through "
                                               "Redis; absent or null = standalone.");
    federation.present = [](const Config& c) { return c.federation.enabled; };
    federation.set_present = [](Config& c, bool on) { c.federation.enabled = on; };
    Section tls = section("tls", "Certificate and settings of the tls:// listeners; absent or null = "
                                 "no TLS. Certificate and key are re-read on reload.");
    tls.present = [](const Config& c) { return c.tls.enabled; };
    tls.set_present = [](Config& c, bool on) { c.tls.enabled = on; };
    return {
        section("", "hiconn configuration. Every key is optional; absent keys take their default."),
        section("accept", "Listeners: outstanding accepts, backlog, behaviour at the connection limit."),
        section("receive", "How data is received."),
        section("send", "How data is sent."),
        section("limits", "Limits that protect the server."),
        section("timeouts", "Timeouts in seconds; 0 disables one."),
        section("log", "Logging."),
        section("stats", "Statistics."),
        std::move(http),
        section("service", "Windows service registration."),
        section("chat", "The chat (IRC) workload."),
        section("chat.flood", "Per-client flood control (token bucket)."),
        std::move(federation),
        std::move(tls),
        section("proxy_protocol", "The PROXY protocol (HAProxy, v1 and v2) on proxy:// and proxy+tls:// "
                                  "listeners: the client's address comes from the header."),
        section("websocket", "The ws:// and wss:// listeners (RFC 6455)."),
    };
}

}  // namespace

const std::vector<Field>& fields()
{
    static const std::vector<Field> table = make_fields();
    return table;
}

const std::vector<Section>& sections()
{
    static const std::vector<Section> table = make_sections();
    return table;
}

const Field* find_field(const std::string& path)
{
    for (const auto& field : fields())
        if (field.path == path) return &field;
    return nullptr;
}

const Section* find_section(const std::string& path)
{
    for (const auto& section : sections())
        if (section.path == path) return &section;
    return nullptr;
}

std::string join_path(const std::string& parent, const std::string& key)
{
    return parent.empty() ? key : parent + "." + key;
}

std::string parent_path(const std::string& path)
{
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::vector<std::string> child_keys(const std::string& section_path)
{
    const std::string prefix = section_path.empty() ? "" : section_path + ".";
    std::vector<std::string> keys;
    for (const auto& field : fields()) {
        if (field.path.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string rest = field.path.substr(prefix.size());
        const std::string key = rest.substr(0, rest.find('.'));
        bool seen = false;
        for (const auto& k : keys) seen = seen || k == key;
        if (!seen) keys.push_back(key);
    }
    return keys;
}

}  // namespace hiconn::config::detail
