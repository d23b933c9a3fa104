// parse_listen_address: "ADDR:PORT" with a numeric address, after an optional "tls://",
// "proxy://", "proxy+tls://", "ws://" or "wss://". Host names are refused on
// purpose: a listener must not depend on a resolver at start-up, and "localhost" may name
// both 127.0.0.1 and ::1.
#include "config/address_format.hpp"
#include "config/config.hpp"

#include <stdexcept>

namespace hiconn::config {
namespace {

std::uint16_t parse_port(const std::string& text)
{
    if (text.empty()) throw std::invalid_argument("missing port after ':'");
    for (char c : text)
        if (c < '0' || c > '9') throw std::invalid_argument("port \"" + text + "\" is not a number");
    if (text.size() > 1 && text[0] == '0')
        throw std::invalid_argument("port \"" + text + "\" has a leading zero");
    if (text.size() > 5 || std::stoul(text) > 65535)
        throw std::invalid_argument("port " + text + " is out of range 0..65535");
    return static_cast<std::uint16_t>(std::stoul(text));
}

}  // namespace

ListenAddress parse_listen_address(const std::string& text)
{
    struct Scheme { const char* prefix; bool tls; bool proxy; bool websocket; };
    static const Scheme schemes[] = {{"tls://", true, false, false}, {"proxy://", false, true, false},
                                     {"proxy+tls://", true, true, false}, {"ws://", false, false, true},
                                     {"wss://", true, false, true}};
    for (const Scheme& scheme : schemes) {
        const std::string prefix = scheme.prefix;
        if (text.compare(0, prefix.size(), prefix) != 0) continue;
        if (text.find("://", prefix.size()) != std::string::npos)
            throw std::invalid_argument("a second scheme after \"" + prefix + "\"");
        ListenAddress address = parse_listen_address(text.substr(prefix.size()));
        address.tls = scheme.tls;
        address.proxy = scheme.proxy;
        address.websocket = scheme.websocket;
        return address;
    }
    if (const auto scheme = text.find("://"); scheme != std::string::npos)
        throw std::invalid_argument("unknown scheme \"" + text.substr(0, scheme + 3) +
                                    "\" (expected tls://, proxy://, proxy+tls://, ws://, wss:// or none)");
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos) throw std::invalid_argument("missing ']' after an IPv6 address");
        if (close + 1 >= text.size() || text[close + 1] != ':')
            throw std::invalid_argument("missing \":PORT\" after ']'");
        std::string host = text.substr(1, close - 1);
        if (!detail::is_ipv6(host))
            throw std::invalid_argument("\"" + host + "\" is not a numeric IPv6 address");
        return {host, parse_port(text.substr(close + 2))};
    }
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("missing \":PORT\"");
    std::string host = text.substr(0, colon);
    if (host.empty()) throw std::invalid_argument("missing address before ':' (use * for any IPv4 address)");
    if (host.find(':') != std::string::npos)
        throw std::invalid_argument("an IPv6 address must be in brackets, as in [::1]:7000");
    if (host == "*")
        host = "0.0.0.0";
    else if (!detail::is_ipv4(host))
        throw std::invalid_argument("\"" + host + "\" is not a numeric IPv4 address (host names are not resolved)");
    return {host, parse_port(text.substr(colon + 1))};
}

}  // namespace hiconn::config
