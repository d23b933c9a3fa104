// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2): what a load
// balancer sends first on a connection so that the server learns the client's address.
// A pure parser over the bytes received so far -- no socket, no state: call it again with
// the longer prefix when it asks for more. It never looks past the header's end, so the
// caller knows exactly how many bytes belong to it (the rest is the client's).
//
//   v1  "PROXY TCP4 1.2.3.4 5.6.7.8 1234 80\r\n", "PROXY TCP6 ...", "PROXY UNKNOWN ...\r\n";
//       at most 107 bytes with the CRLF (the spec's bound).
//   v2  the 12-byte signature "\r\n\r\n\0\r\nQUIT\n", version/command, family/protocol,
//       a 16-bit length, the addresses, then TLVs (skipped). The whole header is bounded
//       by max_header (536 bytes, the spec's "fits in a minimal TCP segment"): a longer one
//       is refused, so a receiver needs no more than that much buffer.
//
// LOCAL (v2), UNKNOWN (v1) and the families hiconn does not serve (AF_UNSPEC, AF_UNIX) are
// valid headers without a client address: the connection keeps the socket's peer address.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hiconn::proxy {

/// The longest header accepted, either version (v1's own bound is 107).
constexpr std::size_t max_header = 536;
constexpr std::size_t max_v1_header = 107;

struct HeaderResult {
    enum class Status : std::uint8_t {
        need_more,  ///< a valid prefix: read more bytes (never more than max_header in all)
        done,       ///< a whole header of `consumed` bytes
        malformed,  ///< not a PROXY header: `reason` says why
    };
    Status status = Status::need_more;
    std::size_t consumed = 0;  ///< done: the header's length in bytes
    /// done: the client's address and port; empty for LOCAL / UNKNOWN / AF_UNSPEC / AF_UNIX.
    std::optional<boost::asio::ip::address> source;
    std::uint16_t source_port = 0;
    int version = 0;       ///< 1 or 2, once known
    std::string reason;    ///< malformed: what was wrong
};

/// Parses the start of a connection's byte stream. `bytes` is everything received so far.
HeaderResult parse_header(std::string_view bytes);

}  // namespace hiconn::proxy
