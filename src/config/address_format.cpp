// The regexes follow RFC 3986 section 3.2.2 (IPv6address, IPv4address) literally; only
// constructs that ECMAScript and Python `re` read the same way are used: (?:), |, ?, {m,n}.
#include "config/address_format.hpp"

#include <regex>

namespace hiconn::config::detail {
namespace {

// 1..65535 as alternatives, so that both port regexes stay flat.
const char* const nonzero_ports =
    "6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}";

std::string make_ipv6_regex()
{
    const std::string h16 = "[0-9A-Fa-f]{1,4}";
    const std::string ls32 = "(?:" + h16 + ":" + h16 + "|" + ipv4_regex() + ")";
    // [ *N( h16 ":" ) h16 ] -- the optional part left of "::".
    auto left = [&](int n) { return "(?:(?:" + h16 + ":){0," + std::to_string(n) + "}" + h16 + ")?"; };
    auto groups = [&](int n) { return "(?:" + h16 + ":){" + std::to_string(n) + "}"; };
    const std::string alternatives[] = {
        groups(6) + ls32,
        "::" + groups(5) + ls32,
        "(?:" + h16 + ")?::" + groups(4) + ls32,
        left(1) + "::" + groups(3) + ls32,
        left(2) + "::" + groups(2) + ls32,
        left(3) + "::" + h16 + ":" + ls32,
        left(4) + "::" + ls32,
        left(5) + "::" + h16,
        left(6) + "::",
    };
    std::string out = "(?:";
    for (const auto& alternative : alternatives) {
        if (out.size() > 3) out += "|";
        out += alternative;
    }
    return out + ")";
}


}  // namespace

const std::string& ipv4_regex()
{
    static const std::string octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    static const std::string re = "(?:" + octet + "\\.){3}" + octet;
    return re;
}

const std::string& ipv6_regex()
{
    static const std::string re = make_ipv6_regex();
    return re;
}

const std::string& port_regex()
{
    static const std::string re = std::string("(?:") + nonzero_ports + "|0)";
    return re;
}

const std::string& connect_port_regex()
{
    static const std::string re = std::string("(?:") + nonzero_ports + ")";
    return re;
}

const std::string& ip_address_pattern()
{
    static const std::string re = "^(?:" + ipv4_regex() + "|" + ipv6_regex() + ")$";
    return re;
}

const std::string& listen_address_pattern()
{
    static const std::string re =
        "^(?:tls://|proxy://|proxy\\+tls://|ws://|wss://)?(?:" + ipv4_regex() + "|\\[" + ipv6_regex() + "\\]|\\*):" + port_regex() + "$";
    return re;
}

const std::string& ip_network_pattern()
{
    static const std::string re = "^(?:(?:" + ipv4_regex() + ")(?:/(?:3[0-2]|[12][0-9]|[0-9]))?|(?:" +
                                  ipv6_regex() + ")(?:/(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9]))?)$";
    return re;
}

const std::string& redis_address_pattern()
{
    static const std::string re =
        "^(?:" + ipv4_regex() + "|\\[" + ipv6_regex() + "\\]):" + connect_port_regex() + "$";
    return re;
}

bool is_ipv4(const std::string& text)
{
    static const std::regex re(ipv4_regex(), std::regex::ECMAScript);
    return std::regex_match(text, re);
}

bool is_ipv6(const std::string& text)
{
    static const std::regex re(ipv6_regex(), std::regex::ECMAScript);
    return std::regex_match(text, re);
}

}  // namespace hiconn::config::detail
