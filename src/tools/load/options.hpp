// hiconn-load's command line: one struct for every mode, parsed by Boost.Program_options.
// A worker process (--procs) gets the same struct back with its share of the work, so
// to_args() must round-trip everything parse() reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hiconn::load {

struct Options {
    std::string mode;                       ///< "connect" | "echo" | "chat" | "handshake"
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    /// Servers as given ("HOST:PORT", "[IPv6]:PORT"): client g (the whole run's index)
    /// connects to servers[g % size]. --servers, else the one --host/--port.
    std::vector<std::string> servers;
    std::vector<std::string> sources;       ///< local addresses to bind before connect (round robin)
    std::size_t threads = 1;                ///< I/O threads per process (0 = one per core)
    std::size_t procs = 1;                  ///< worker processes, each with 1/procs of the work
    double duration_s = 10;                 ///< echo/chat: measured phase
    double timeout_s = 0;                   ///< hard stop for the whole run (0 = derived)
    std::vector<int> server_pids;           ///< sample these processes' RSS and CPU time (summed)
    std::uint64_t seed = 1;

    // connections (all modes)
    std::uint64_t connections = 100;        ///< connect/echo: connections; chat: clients
    double connect_rate = 0;                ///< new connections per second (0 = as fast as possible)
    std::size_t concurrency = 1000;         ///< connect attempts in flight at once
    double connect_timeout_s = 10;          ///< per attempt
    double hold_s = 0;                      ///< connect: keep them open this long

    // TLS (tls_client.hpp): every connection does a TLS handshake after connecting
    bool tls = false;
    std::string tls_ca;                     ///< PEM CAs: verify the server (chain and name); empty = no check
    std::uint64_t max_handshakes = 1000000; ///< handshake: attempts in all, at most

    // WebSocket (ws_client.hpp): the HTTP upgrade after connecting (and after TLS: wss)
    bool ws = false;

    // echo
    std::size_t size = 64;                  ///< bytes per message
    std::size_t size_min = 0;               ///< random sizes in [size_min, size_max] when both set
    std::size_t size_max = 0;
    std::size_t depth = 1;                  ///< messages in flight per connection
    double rate = 0;                        ///< echo: total messages/s (0 = depth-bound);
                                            ///< chat: total PRIVMSG/s over all senders
    double drain_s = 3;                     ///< after the measured phase: wait for the replies

    // chat
    std::uint64_t channels = 10;
    std::uint64_t senders = 10;
    std::string nick_prefix = "ld";
    std::string password;                   ///< PASS sent before NICK when not empty
    std::string caps;                       ///< IRCv3 capabilities to CAP REQ; empty = no CAP
    std::uint64_t caps_every = 1;           ///< only every Nth client (by index) requests caps

    // worker process protocol (set by the parent, not by users)
    bool worker = false;
    std::size_t proc_index = 0;
    std::size_t proc_count = 1;
    std::uint64_t total_connections = 0;    ///< chat: the whole run's client count (channel sizes)
    std::uint64_t total_senders = 0;

    bool progress = true;                   ///< live line on stderr when it is a terminal

    /// The hard deadline derived from the other settings when timeout_s is 0.
    double effective_timeout_s() const;
    /// Echo messages have random sizes in [size_min, size_max].
    bool random_sizes() const { return size_max > 0; }
    /// The whole run's index of this process's connection number `local` (workers take
    /// every proc_count-th one): what chooses the server, the channel, the nick.
    std::uint64_t global_index(std::uint64_t local) const { return local * proc_count + proc_index; }
};

/// Parses argv. Prints help/usage and exits (0 for --help, 2 for a usage error).
Options parse_options(int argc, char** argv);

/// One --servers entry: "HOST:PORT" (a name or an IPv4 address) or "[IPv6]:PORT", port
/// 1..65535. Throws std::invalid_argument saying what is wrong.
struct ServerAddress {
    std::string host;
    std::uint16_t port = 0;
};
ServerAddress parse_server_address(const std::string& entry);
/// "host:port", or "[host]:port" when the host is an IPv6 address.
std::string format_server_address(const std::string& host, std::uint16_t port);

/// The command line (without argv[0]) that makes a worker parse back `options`.
std::vector<std::string> to_args(const Options& options);

}  // namespace hiconn::load
