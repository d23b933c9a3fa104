#include "proxy/network.hpp"

#include <array>
#include <string>

namespace hiconn::proxy {
namespace asio = boost::asio;

namespace {

/// The address as bytes (4 or 16), an IPv4-mapped IPv6 address as its IPv4 bytes.
std::vector<unsigned char> address_bytes(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        const auto b = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_bytes();
        return {b.begin(), b.end()};
    }
    if (address.is_v4()) {
        const auto b = address.to_v4().to_bytes();
        return {b.begin(), b.end()};
    }
    const auto b = address.to_v6().to_bytes();
    return {b.begin(), b.end()};
}

/// Whether the first `prefix` bits agree.
bool same_prefix(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b, unsigned prefix) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size() && prefix > 0; ++i) {
        const unsigned bits = prefix >= 8 ? 8 : prefix;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
        prefix -= bits;
    }
    return true;
}

}  // namespace

bool Network::contains(const asio::ip::address& address) const {
    return same_prefix(address_bytes(base), address_bytes(address), prefix);
}

std::optional<asio::ip::address> parse_address(std::string_view text) {
    if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos)
        return std::nullopt;
    const std::string address_text(text);
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(address_text, ec);
    if (ec) return std::nullopt;
    if (address_text.find(':') == std::string::npos && address.to_string() != address_text)
        return std::nullopt;  // IPv4: the canonical dotted quad only
    return address;
}

std::optional<Network> parse_network(std::string_view text) {
    const std::size_t slash = text.find('/');
    const std::optional<asio::ip::address> parsed = parse_address(text.substr(0, slash));
    if (!parsed) return std::nullopt;
    asio::ip::address address = *parsed;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    const unsigned width = address.is_v4() ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        if (bits.empty() || bits.size() > 3 || (bits.size() > 1 && bits[0] == '0')) return std::nullopt;
        prefix = 0;
        for (char c : bits) {
            if (c < '0' || c > '9') return std::nullopt;
            prefix = prefix * 10 + static_cast<unsigned>(c - '0');
        }
        if (prefix > width) return std::nullopt;
    }
    // Clear the host bits, so that equal blocks compare equal.
    std::vector<unsigned char> bytes = address_bytes(address);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const unsigned first_bit = static_cast<unsigned>(i) * 8;
        if (first_bit >= prefix)
            bytes[i] = 0;
        else if (prefix - first_bit < 8)
            bytes[i] &= static_cast<unsigned char>(0xFF << (8 - (prefix - first_bit)));
    }
    Network network;
    network.prefix = static_cast<std::uint8_t>(prefix);
    if (address.is_v4()) {
        asio::ip::address_v4::bytes_type b;
        std::copy(bytes.begin(), bytes.end(), b.begin());
        network.base = asio::ip::address_v4(b);
    } else {
        asio::ip::address_v6::bytes_type b;
        std::copy(bytes.begin(), bytes.end(), b.begin());
        network.base = asio::ip::address_v6(b);
    }
    return network;
}

std::string to_string(const Network& network) {
    return network.base.to_string() + "/" + std::to_string(network.prefix);
}

bool contains(const std::vector<Network>& networks, const asio::ip::address& address) {
    for (const Network& n : networks)
        if (n.contains(address)) return true;
    return false;
}

}  // namespace hiconn::proxy
