// Numeric address syntax shared by the loader and config/hiconn.schema.json: the same regular
// expressions validate a value in C++ (std::regex, ECMAScript) and in any JSON Schema validator
// (ECMA-262 / Python `re`), so both always agree on what a valid address is.
#pragma once

#include <string>

namespace hiconn::config::detail {

/// Dotted-quad IPv4, no leading zeros ("10.0.0.1"). A regex body, not anchored.
const std::string& ipv4_regex();
/// RFC 3986 IPv6address ("::1", "2001:db8::7", "::ffff:10.0.0.1"); no zone ids.
const std::string& ipv6_regex();
/// 0..65535, no leading zeros.
const std::string& port_regex();
/// 1..65535: a port that can be connected to.
const std::string& connect_port_regex();

/// Anchored patterns for the schema's "pattern" keyword.
const std::string& ip_address_pattern();      ///< ^(IPv4|IPv6)$
const std::string& listen_address_pattern();  ///< ^(tls://|proxy://|proxy+tls://)?(IPv4|\[IPv6\]|\*):PORT$
const std::string& ip_network_pattern();      ///< ^(IPv4(/0..32)?|IPv6(/0..128)?)$
const std::string& redis_address_pattern();   ///< ^(IPv4|\[IPv6\]):PORT$, port 1..65535

bool is_ipv4(const std::string& text);
bool is_ipv6(const std::string& text);
inline bool is_ip_address(const std::string& text) { return is_ipv4(text) || is_ipv6(text); }

}  // namespace hiconn::config::detail
