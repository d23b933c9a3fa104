// An address block, "10.0.0.0/8", "fd00::/8" or one address ("127.0.0.1", "::1"): the
// proxy_protocol.trusted entries. An IPv4-mapped IPv6 peer (::ffff:10.1.2.3, from a
// dual-stack [::] listener) matches the IPv4 blocks.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace hiconn::proxy {

struct Network {
    boost::asio::ip::address base;  ///< with the bits past `prefix` cleared
    std::uint8_t prefix = 0;        ///< 0..32 (IPv4) or 0..128 (IPv6)

    bool contains(const boost::asio::ip::address& address) const;
    bool operator==(const Network& other) const { return base == other.base && prefix == other.prefix; }
};

/// A numeric address, strictly: IPv4 only as a dotted quad without leading zeros. The
/// platforms' inet_pton differ there (Wine's takes "1.2.3"), and PROXY headers and the
/// config must mean one thing everywhere.
std::optional<boost::asio::ip::address> parse_address(std::string_view text);

/// "ADDR" or "ADDR/BITS" in the numeric forms (no brackets, no scope); nullopt otherwise.
/// Host bits set past the prefix ("10.1.2.3/8") are cleared.
std::optional<Network> parse_network(std::string_view text);

/// The canonical text: "10.0.0.0/8", "::1/128".
std::string to_string(const Network& network);

/// Whether any block holds `address`.
bool contains(const std::vector<Network>& networks, const boost::asio::ip::address& address);

}  // namespace hiconn::proxy
