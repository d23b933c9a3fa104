// Where connections go and where they come from. Connection g of the whole run (every
// --procs worker together) goes to server g % N of --servers (one server: --host/--port).
// With several source addresses each connection binds to the next one of the server's
// address family (round robin) before connecting, with IP_BIND_ADDRESS_NO_PORT so the
// kernel picks the port at connect time per 4-tuple: every source address brings its own
// ephemeral-port range (32768-60999 here, ~28,000 ports) towards every server.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hiconn::load {

struct Target {
    std::vector<boost::asio::ip::tcp::endpoint> servers;  ///< resolved, in --servers order
    std::vector<std::string> names;                       ///< as given ("127.0.0.1:6667")
    /// Per server: the --sources of its address family (all empty: the kernel chooses).
    std::vector<std::vector<boost::asio::ip::address>> sources;

    /// The server of connection `global` (the whole run's index).
    std::size_t server_of(std::uint64_t global) const { return global % servers.size(); }
};

/// Resolves `servers` ("HOST:PORT" / "[IPv6]:PORT", see options.hpp) and parses --sources
/// (each must match the family of at least one server, and every server needs one of its
/// family when any are given). Throws std::runtime_error.
Target make_target(const std::vector<std::string>& servers, const std::vector<std::string>& sources);

/// Opens `socket` for server number `server`, sets TCP_NODELAY and binds it to that
/// server's source number `source_index` (round robin). Returns the error (EMFILE,
/// EADDRNOTAVAIL, ...) without throwing.
boost::system::error_code open_socket(boost::asio::ip::tcp::socket& socket, const Target& target,
                                      std::size_t server, std::uint64_t source_index);

}  // namespace hiconn::load
