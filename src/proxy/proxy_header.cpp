#include "proxy/proxy_header.hpp"

#include "proxy/network.hpp"

#include <array>
#include <cstring>

namespace hiconn::proxy {
namespace {
using Status = HeaderResult::Status;

constexpr std::string_view v1_prefix = "PROXY ";
constexpr std::array<unsigned char, 12> v2_signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                        0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::size_t v2_fixed = 16;  // signature, ver/cmd, fam/proto, length

HeaderResult need_more(int version) {
    HeaderResult r;
    r.version = version;
    return r;
}

HeaderResult malformed(int version, std::string reason) {
    HeaderResult r;
    r.status = Status::malformed;
    r.version = version;
    r.reason = std::move(reason);
    return r;
}

HeaderResult done(int version, std::size_t consumed) {
    HeaderResult r;
    r.status = Status::done;
    r.version = version;
    r.consumed = consumed;
    return r;
}

/// Decimal 0..65535 without a sign or leading zeros.
bool parse_port(std::string_view text, std::uint16_t& port) {
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return false;
    std::uint32_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

/// Characters a v1 line may hold before its CRLF: refuse garbage before its 107 bytes came.
bool v1_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
           c == ':' || c == ' ';
}

HeaderResult parse_v1(std::string_view bytes) {
    const std::size_t prefix = std::min(bytes.size(), v1_prefix.size());
    if (bytes.substr(0, prefix) != v1_prefix.substr(0, prefix))
        return malformed(0, "not a PROXY header");
    const std::size_t lf = bytes.find('\n', v1_prefix.size());
    const std::size_t seen = lf == std::string_view::npos ? bytes.size() : lf;
    for (std::size_t i = v1_prefix.size(); i < seen; ++i) {
        if (v1_char(bytes[i])) continue;
        if (bytes[i] == '\r' && i + 1 == seen) continue;  // the CR of the CRLF
        return malformed(1, "v1: unexpected byte " + std::to_string(static_cast<unsigned char>(bytes[i])) +
                                " at offset " + std::to_string(i));
    }
    if (lf == std::string_view::npos) {
        if (bytes.size() >= max_v1_header) return malformed(1, "v1: no CRLF within 107 bytes");
        return need_more(bytes.size() >= v1_prefix.size() ? 1 : 0);
    }
    if (lf + 1 > max_v1_header) return malformed(1, "v1: no CRLF within 107 bytes");
    if (bytes[lf - 1] != '\r') return malformed(1, "v1: line ends in LF without CR");
    std::string_view line = bytes.substr(v1_prefix.size(), lf - 1 - v1_prefix.size());

    std::array<std::string_view, 5> fields;
    std::size_t count = 0;
    for (;;) {
        const std::size_t space = line.find(' ');
        const std::string_view field = line.substr(0, space);
        if (field.empty()) return malformed(1, "v1: empty field (two spaces, or a trailing space)");
        if (count == fields.size()) return malformed(1, "v1: more than 5 fields");
        fields[count++] = field;
        if (space == std::string_view::npos) break;
        line.remove_prefix(space + 1);
        if (fields[0] == "UNKNOWN") break;  // the rest of the line is ignored
    }
    if (fields[0] == "UNKNOWN") return done(1, lf + 1);
    const bool v4 = fields[0] == "TCP4";
    if (!v4 && fields[0] != "TCP6")
        return malformed(1, "v1: protocol must be TCP4, TCP6 or UNKNOWN, not \"" + std::string(fields[0]) + "\"");
    if (count != 5) return malformed(1, "v1: expected protocol, 2 addresses and 2 ports");
    const std::optional<boost::asio::ip::address> source = parse_address(fields[1]);
    const std::optional<boost::asio::ip::address> destination = parse_address(fields[2]);
    if (!source || !destination || source->is_v4() != v4 || destination->is_v4() != v4)
        return malformed(1, std::string("v1: bad ") + (v4 ? "IPv4" : "IPv6") + " address");
    const boost::asio::ip::address address = *source;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    if (!parse_port(fields[3], source_port) || !parse_port(fields[4], destination_port))
        return malformed(1, "v1: bad port");
    HeaderResult r = done(1, lf + 1);
    r.source = address;
    r.source_port = source_port;
    return r;
}

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

HeaderResult parse_v2(std::string_view text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    const std::size_t signature = std::min(size, v2_signature.size());
    if (std::memcmp(bytes, v2_signature.data(), signature) != 0) return malformed(0, "not a PROXY header");
    if (size > 12) {
        if ((bytes[12] >> 4) != 2) return malformed(2, "v2: version " + std::to_string(bytes[12] >> 4) + ", not 2");
        if ((bytes[12] & 0x0F) > 1) return malformed(2, "v2: command neither LOCAL nor PROXY");
    }
    if (size > 13 && ((bytes[13] >> 4) > 3 || (bytes[13] & 0x0F) > 2))
        return malformed(2, "v2: unknown address family or protocol");
    if (size < v2_fixed) return need_more(size > 12 ? 2 : 0);
    const std::size_t total = v2_fixed + be16(bytes + 14);
    if (total > max_header)
        return malformed(2, "v2: header of " + std::to_string(total) + " bytes, more than " +
                                std::to_string(max_header));
    if (size < total) return need_more(2);
    const bool local = (bytes[12] & 0x0F) == 0;
    const unsigned family = bytes[13] >> 4;
    const unsigned protocol = bytes[13] & 0x0F;
    const std::size_t length = total - v2_fixed;
    HeaderResult r = done(2, total);
    // LOCAL: the balancer's own connection (a health check); the addresses are ignored.
    if (local || family == 0 || family == 3) {
        if (!local && family == 3 && length < 216) return malformed(2, "v2: AF_UNIX block shorter than 216 bytes");
        return r;
    }
    if (protocol != 1) return malformed(2, "v2: not a STREAM (TCP) connection");
    const unsigned char* block = bytes + v2_fixed;
    if (family == 1) {
        if (length < 12) return malformed(2, "v2: AF_INET block shorter than 12 bytes");
        boost::asio::ip::address_v4::bytes_type a;
        std::memcpy(a.data(), block, a.size());
        r.source = boost::asio::ip::address_v4(a);
        r.source_port = be16(block + 8);
    } else {
        if (length < 36) return malformed(2, "v2: AF_INET6 block shorter than 36 bytes");
        boost::asio::ip::address_v6::bytes_type a;
        std::memcpy(a.data(), block, a.size());
        r.source = boost::asio::ip::address_v6(a);
        r.source_port = be16(block + 32);
    }
    return r;  // the TLVs after the addresses are skipped
}

}  // namespace

HeaderResult parse_header(std::string_view bytes) {
    if (bytes.empty()) return need_more(0);
    if (bytes[0] == 'P') return parse_v1(bytes);
    if (bytes[0] == '\r') return parse_v2(bytes);
    return malformed(0, "not a PROXY header");
}

}  // namespace hiconn::proxy
