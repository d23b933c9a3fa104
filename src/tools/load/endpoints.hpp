// Where connections go and where they come from. With several source addresses each
// connection binds to the next one (round robin) before connecting, with
// IP_BIND_ADDRESS_NO_PORT so the kernel picks the port at connect time per 4-tuple: every
// source address brings its own ephemeral-port range (32768-60999 here, ~28,000 ports).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hiconn::load {

struct Target {
    boost::asio::ip::tcp::endpoint server;
    std::vector<boost::asio::ip::address> sources;  ///< empty: let the kernel choose
};

/// Resolves --host/--port and parses --sources. Throws std::runtime_error.
Target make_target(const std::string& host, std::uint16_t port,
                   const std::vector<std::string>& sources);

/// Opens `socket`, sets TCP_NODELAY and binds it to source number `index` (round robin).
/// Returns the error (EMFILE, EADDRNOTAVAIL, ...) without throwing.
boost::system::error_code open_socket(boost::asio::ip::tcp::socket& socket, const Target& target,
                                      std::uint64_t index);

}  // namespace hiconn::load
