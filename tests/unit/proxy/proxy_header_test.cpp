#include "proxy/proxy_header.hpp"

#include <catch2/catch.hpp>

#include <string>

using hiconn::proxy::HeaderResult;
using hiconn::proxy::max_header;
using hiconn::proxy::parse_header;
using HeaderStatus = HeaderResult::Status;
using namespace std::string_literals;

namespace {

const std::string v2_signature = "\r\n\r\n\0\r\nQUIT\n"s;

/// A v2 PROXY/STREAM header over IPv4 from 127.0.0.2:12345 to 127.0.0.1:6667, `tlv` after.
std::string v2_inet(const std::string& tlv = {}) {
    const auto length = static_cast<char>(12 + tlv.size());
    return v2_signature + "\x21\x11\x00"s + length + "\x7f\x00\x00\x02\x7f\x00\x00\x01\x30\x39\x1a\x0b"s + tlv;
}

/// Feeds `bytes` one more byte at a time, as the engine re-parses a growing prefix.
HeaderResult feed_bytewise(const std::string& bytes) {
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        const HeaderResult r = parse_header(std::string_view(bytes).substr(0, n));
        if (r.status != HeaderStatus::need_more) return r;
    }
    return parse_header(bytes);
}

}  // namespace

TEST_CASE("PROXY v1 TCP4 and TCP6 give the source address and the header's length", "[proxy]")
{
    const std::string header = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
    auto r = parse_header(header + "NICK alice\r\n");
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.version == 1);
    CHECK(r.consumed == header.size());
    CHECK(r.source->to_string() == "192.168.0.1");
    CHECK(r.source_port == 56324);

    r = parse_header("PROXY TCP6 2001:db8::1 2001:db8::2 4000 6667\r\n");
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.source->to_string() == "2001:db8::1");
    CHECK(r.source_port == 4000);

    // The longest line the spec allows: 107 bytes.
    const std::string longest = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
    REQUIRE(longest.size() == 104);
    CHECK(parse_header(longest).status == HeaderStatus::done);
}

TEST_CASE("PROXY v1 UNKNOWN is a header without an address", "[proxy]")
{
    auto r = parse_header("PROXY UNKNOWN\r\nrest");
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == 15);
    CHECK_FALSE(r.source);
    r = parse_header("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n");
    REQUIRE(r.status == HeaderStatus::done);
    CHECK_FALSE(r.source);
}

TEST_CASE("PROXY headers fed byte by byte ask for more until the last byte", "[proxy]")
{
    const std::string v1 = "PROXY TCP4 10.1.2.3 10.0.0.1 1000 2000\r\n";
    auto r = feed_bytewise(v1);
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == v1.size());
    CHECK(r.source->to_string() == "10.1.2.3");

    const std::string v2 = v2_inet();
    r = feed_bytewise(v2);
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == v2.size());
    CHECK(r.source->to_string() == "127.0.0.2");
    CHECK(r.source_port == 12345);
}

TEST_CASE("PROXY v2 IPv4, IPv6, TLVs and trailing data", "[proxy]")
{
    auto r = parse_header(v2_inet() + "NICK alice\r\n");
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.version == 2);
    CHECK(r.consumed == 28);
    CHECK(r.source->to_string() == "127.0.0.2");

    // TLVs after the addresses are counted in the length and skipped.
    r = parse_header(v2_inet("\x04\x00\x04" "abcd"s) + "\x16\x03\x01"s);
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == 28 + 7);

    std::string v6 = v2_signature + "\x21\x21\x00\x24"s;
    v6 += "\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x01"s;  // 2001:db8::1
    v6 += "\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x02"s;  // 2001:db8::2
    v6 += "\x0f\xa0\x1a\x0b"s;
    r = parse_header(v6);
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == 52);
    CHECK(r.source->to_string() == "2001:db8::1");
    CHECK(r.source_port == 4000);
}

TEST_CASE("PROXY v2 LOCAL, AF_UNSPEC and AF_UNIX keep the socket's address", "[proxy]")
{
    auto r = parse_header(v2_signature + "\x20\x00\x00\x00"s + "x");
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == 16);
    CHECK_FALSE(r.source);
    // LOCAL with an address block: still ignored.
    r = parse_header(v2_signature + "\x20\x11\x00\x0c"s + std::string(12, '\x01'));
    REQUIRE(r.status == HeaderStatus::done);
    CHECK_FALSE(r.source);
    r = parse_header(v2_signature + "\x21\x00\x00\x00"s);
    REQUIRE(r.status == HeaderStatus::done);
    CHECK_FALSE(r.source);
    r = parse_header(v2_signature + "\x21\x31\x00\xd8"s + std::string(216, '\0'));
    REQUIRE(r.status == HeaderStatus::done);
    CHECK_FALSE(r.source);
}

TEST_CASE("Truncated PROXY headers ask for more", "[proxy]")
{
    CHECK(parse_header("").status == HeaderStatus::need_more);
    CHECK(parse_header("PRO").status == HeaderStatus::need_more);
    CHECK(parse_header("PROXY TCP4 1.2.3.4").status == HeaderStatus::need_more);
    CHECK(parse_header("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r").status == HeaderStatus::need_more);
    CHECK(parse_header(v2_signature.substr(0, 5)).status == HeaderStatus::need_more);
    CHECK(parse_header(v2_inet().substr(0, 20)).status == HeaderStatus::need_more);
}

TEST_CASE("Garbage and malformed PROXY headers are refused with a reason", "[proxy]")
{
    const char* bad_v1[] = {
        "GET / HTTP/1.1\r\n",
        "NICK alice\r\n",
        "\x16\x03\x01\x02\x00",                      // a TLS ClientHello without a header
        "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",
        "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n",       // two spaces
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n",       // a trailing space
        "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",
        "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n",          // a short form some inet_pton take (Wine)
        "PROXY TCP4 1.2.3.4 5.6.7.08 1 2\r\n",       // a leading zero
        "PROXY TCP4 ::1 ::2 1 2\r\n",                 // IPv6 under TCP4
        "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n",
        "PROXY TCP6 fe80::1%eth0 ::2 1 2\r\n",        // a scope
        "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",          // LF without CR
        "PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n",       // a CR inside
        "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
        "PROXY \r\n",
    };
    for (const char* text : bad_v1) {
        INFO(text);
        const auto r = parse_header(text);
        CHECK(r.status == HeaderStatus::malformed);
        CHECK_FALSE(r.reason.empty());
    }
    // Garbage is refused as soon as it is seen, not after 107 bytes.
    CHECK(parse_header("PROXY TCP4 \x01").status == HeaderStatus::malformed);
    CHECK(parse_header("X").status == HeaderStatus::malformed);

    const std::string bad_v2[] = {
        "\r\n\r\n\0\r\nQUIX\n"s,                               // signature
        v2_signature + "\x11\x11\x00\x0c"s,                    // version 1
        v2_signature + "\x22\x11\x00\x0c"s,                    // command 2
        v2_signature + "\x21\x41\x00\x0c"s,                    // family 4
        v2_signature + "\x21\x13\x00\x0c"s,                    // protocol 3
        v2_signature + "\x21\x12\x00\x0c"s + std::string(12, '\0'),  // DGRAM
        v2_signature + "\x21\x11\x00\x04"s + std::string(4, '\0'),   // short IPv4 block
        v2_signature + "\x21\x21\x00\x0c"s + std::string(12, '\0'),  // short IPv6 block
        v2_signature + "\x21\x31\x00\x0c"s + std::string(12, '\0'),  // short UNIX block
    };
    for (const std::string& bytes : bad_v2) {
        const auto r = parse_header(bytes);
        CHECK(r.status == HeaderStatus::malformed);
        CHECK_FALSE(r.reason.empty());
    }
}

TEST_CASE("Oversized PROXY headers are refused before they are read", "[proxy]")
{
    // v1: no CRLF within 107 bytes.
    const std::string long_v1 = "PROXY TCP4 " + std::string(100, '1');
    auto r = parse_header(long_v1);
    CHECK(r.status == HeaderStatus::malformed);
    CHECK(r.reason.find("107") != std::string::npos);
    CHECK(parse_header(long_v1.substr(0, 106)).status == HeaderStatus::need_more);

    // v2: the length field alone decides (16 + 520 = 536 is the largest accepted).
    r = parse_header(v2_signature + "\x21\x11\x02\x09"s);  // 16 + 521
    CHECK(r.status == HeaderStatus::malformed);
    CHECK(r.reason.find("536") != std::string::npos);
    r = parse_header(v2_signature + "\x21\x11\xff\xff"s);
    CHECK(r.status == HeaderStatus::malformed);
    std::string largest = v2_inet() ;
    largest[15] = 0;
    largest[14] = 0;
    largest = v2_signature + "\x21\x11\x02\x08"s + largest.substr(16) + std::string(520 - 12, '\0');
    REQUIRE(largest.size() == max_header);
    r = parse_header(largest);
    REQUIRE(r.status == HeaderStatus::done);
    CHECK(r.consumed == max_header);
}
