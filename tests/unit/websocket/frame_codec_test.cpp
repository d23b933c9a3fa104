#include "websocket/frame_codec.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace ws = hiconn::websocket;
using Kind = ws::Decoded::Kind;

namespace {
/// A client frame: masked with `mask`, any FIN/RSV/opcode byte, minimal length form unless
/// `length_form` forces 126 or 127.
std::string client_frame(std::uint8_t first, const std::string& payload, int length_form = 0,
                         bool masked = true, std::string mask = "\x12\x34\x56\x78")
{
    std::string f(1, static_cast<char>(first));
    const std::uint64_t n = payload.size();
    const char mbit = masked ? '\x80' : '\0';
    if (length_form == 0 && n < 126) {
        f += static_cast<char>(mbit | static_cast<char>(n));
    } else if (length_form != 127 && n <= 0xFFFF) {
        f += static_cast<char>(mbit | 126);
        f += static_cast<char>(n >> 8);
        f += static_cast<char>(n);
    } else {
        f += static_cast<char>(mbit | 127);
        for (int k = 7; k >= 0; --k) f += static_cast<char>(n >> (8 * k));
    }
    if (masked) f += mask;
    for (std::size_t i = 0; i < payload.size(); ++i)
        f += masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i];
    return f;
}

struct Event {
    Kind kind;
    std::uint8_t opcode;
    std::string data;
    std::uint16_t code;
};

/// Decodes `wire` in pieces of `chunk` bytes; collects every event; data pieces of one
/// message are joined.
std::vector<Event> decode_all(std::string wire, std::size_t chunk, ws::DecodeLimits limits = {})
{
    ws::DecoderState state;
    std::vector<Event> events;
    for (std::size_t at = 0; at < wire.size() || at == 0; at += chunk) {
        std::size_t size = std::min(chunk, wire.size() - at);
        char* data = wire.data() + at;
        for (;;) {
            ws::Decoded out;
            const std::size_t used = ws::decode(state, data, size, limits, out);
            data += used;
            size -= used;
            if (out.kind == Kind::need_more) {
                REQUIRE(size == 0);  // need_more means everything was consumed
                break;
            }
            const bool joins = !events.empty() && events.back().kind == out.kind &&
                               (out.kind == Kind::data || (out.kind == Kind::control && out.offset > 0));
            if (joins) {  // the next piece of the same payload
                events.back().data.append(out.data, out.size);
                continue;
            }
            events.push_back({out.kind, out.opcode, std::string(out.data ? out.data : "", out.size), out.code});
            if (out.kind == Kind::error) return events;
        }
        if (wire.empty()) break;
    }
    return events;
}
}  // namespace

TEST_CASE("Masked client frames decode in any pieces, with 7-, 16- and 64-bit lengths", "[websocket]")
{
    const std::string small = "hello", medium(300, 'm'), large(70000, 'L');
    std::string wire = client_frame(0x81, small) + client_frame(0x82, medium) + client_frame(0x82, large, 127);
    for (std::size_t chunk : {std::size_t(1), std::size_t(3), std::size_t(7), std::size_t(4096), wire.size()}) {
        INFO("chunk " << chunk);
        const auto events = decode_all(wire, chunk, ws::DecodeLimits{100000, true});
        REQUIRE(events.size() == 6);
        CHECK(events[0].kind == Kind::data);
        CHECK(events[0].opcode == ws::text);
        CHECK(events[0].data == small);
        CHECK(events[1].kind == Kind::message_end);
        CHECK(events[2].data == medium);
        CHECK(events[2].opcode == ws::binary);
        CHECK(events[4].data == large);
        CHECK(events[5].kind == Kind::message_end);
    }
}

TEST_CASE("A fragmented message continues across frames, with control frames between", "[websocket]")
{
    const std::string wire = client_frame(0x01, "Hel") + client_frame(0x89, "p!") + client_frame(0x00, "lo ") +
                             client_frame(0x80, "world");
    const auto events = decode_all(wire, 2);
    REQUIRE(events.size() == 4);
    CHECK(events[0].data == "Hel");
    CHECK(events[1].kind == Kind::control);
    CHECK(events[1].opcode == ws::ping);
    CHECK(events[1].data == "p!");
    CHECK(events[2].data == "lo world");
    CHECK(events[2].opcode == ws::text);
    CHECK(events[3].kind == Kind::message_end);
}

TEST_CASE("Empty messages and empty control frames are reported", "[websocket]")
{
    const auto events = decode_all(client_frame(0x81, "") + client_frame(0x89, "") + client_frame(0x88, "\x03\xe8"), 1);
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == Kind::message_end);
    CHECK(events[1].kind == Kind::control);
    CHECK(events[1].data.empty());
    CHECK(events[2].opcode == ws::close);
    CHECK(events[2].data == "\x03\xe8");
}

TEST_CASE("Protocol violations close with 1002, big messages with 1009, bad UTF-8 with 1007", "[websocket]")
{
    struct Bad { std::string wire; std::uint16_t code; const char* why; };
    const std::vector<Bad> cases = {
        {client_frame(0x81, "x", 0, false), ws::protocol_error, "unmasked"},
        {client_frame(0xC1, "x"), ws::protocol_error, "RSV1"},
        {client_frame(0x83, "x"), ws::protocol_error, "reserved opcode"},
        {client_frame(0x80, "x"), ws::protocol_error, "continuation without a message"},
        {client_frame(0x01, "a") + client_frame(0x81, "b"), ws::protocol_error, "new message inside one"},
        {client_frame(0x09, "x"), ws::protocol_error, "fragmented ping"},
        {client_frame(0x89, std::string(126, 'p')), ws::protocol_error, "ping over 125 bytes"},
        {client_frame(0x82, std::string(2000, 'b')), ws::too_big, "one frame over the limit"},
        {client_frame(0x02, std::string(600, 'b')) + client_frame(0x80, std::string(600, 'b')), ws::too_big,
         "a message over the limit in two frames"},
        {std::string("\x82\xff\x80\0\0\0\0\0\0\0", 10), ws::too_big, "a 64-bit length with the top bit"},
        {client_frame(0x81, "\xc3\x28"), ws::invalid_data, "bad continuation byte"},
        {client_frame(0x81, "\xed\xa0\x80"), ws::invalid_data, "a surrogate"},
        {client_frame(0x81, "\xe0\x80\xaf"), ws::invalid_data, "an overlong form"},
        {client_frame(0x81, "ok\xe2\x82"), ws::invalid_data, "a character cut at the message's end"},
    };
    for (const auto& bad : cases) {
        INFO(bad.why);
        for (std::size_t chunk : {std::size_t(1), bad.wire.size()}) {
            const auto events = decode_all(bad.wire, chunk, ws::DecodeLimits{1024, true});
            REQUIRE_FALSE(events.empty());
            CHECK(events.back().kind == Kind::error);
            CHECK(events.back().code == bad.code);
        }
    }
}

TEST_CASE("Valid UTF-8 split over frames passes; binary messages are not checked", "[websocket]")
{
    const std::string euro = "\xe2\x82\xac", emoji = "\xf0\x9f\x98\x80";
    auto events = decode_all(client_frame(0x01, "a" + euro.substr(0, 1)) + client_frame(0x00, euro.substr(1) + emoji.substr(0, 2)) +
                                 client_frame(0x80, emoji.substr(2)),
                             1);
    REQUIRE(events.size() == 2);
    CHECK(events[0].data == "a" + euro + emoji);
    CHECK(events[1].kind == Kind::message_end);
    events = decode_all(client_frame(0x82, "\xff\xfe"), 1);
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == Kind::message_end);
    events = decode_all(client_frame(0x81, "\xff"), 1, ws::DecodeLimits{1024, false});
    CHECK(events.back().kind == Kind::message_end);
}

TEST_CASE("Server frame headers are unmasked with the shortest length form", "[websocket]")
{
    char h[ws::max_header];
    CHECK(ws::encode_header(h, ws::text, true, 5) == 2);
    CHECK(std::string(h, 2) == "\x81\x05");
    CHECK(ws::encode_header(h, ws::binary, false, 300) == 4);
    CHECK(std::string(h, 4) == std::string("\x02\x7e\x01\x2c", 4));
    CHECK(ws::encode_header(h, ws::continuation, true, 70000) == 10);
    CHECK(std::string(h, 10) == std::string("\x80\x7f\0\0\0\0\0\x01\x11\x70", 10));
    CHECK(ws::header_size(125) == 2);
    CHECK(ws::header_size(126) == 4);
    CHECK(ws::header_size(65536) == 10);
}

TEST_CASE("The client role decodes the server's unmasked frames and refuses masked ones", "[websocket]")
{
    ws::DecodeLimits client{100000, true, /*masked=*/false};
    const std::string medium(300, 'm'), large(70000, 'L');
    const std::string wire = client_frame(0x81, "PING :x", 0, false) + client_frame(0x02, medium, 0, false) +
                             client_frame(0x89, "p", 0, false) + client_frame(0x80, large, 127, false);
    for (std::size_t chunk : {std::size_t(1), std::size_t(5), wire.size()}) {
        INFO("chunk " << chunk);
        const auto events = decode_all(wire, chunk, client);
        REQUIRE(events.size() == 6);
        CHECK(events[0].data == "PING :x");
        CHECK(events[1].kind == Kind::message_end);
        CHECK(events[2].data == medium);  // the message continues after the ping
        CHECK(events[2].opcode == ws::binary);
        CHECK(events[3].kind == Kind::control);
        CHECK(events[3].data == "p");
        CHECK(events[4].kind == Kind::data);
        CHECK(events[4].data == large);
        CHECK(events[5].kind == Kind::message_end);
    }
    const auto masked = decode_all(client_frame(0x82, "x"), 1, client);
    REQUIRE(masked.size() == 1);
    CHECK(masked[0].kind == Kind::error);
    CHECK(masked[0].code == ws::protocol_error);
}

TEST_CASE("Client frames: a masked header and payload that the server's decoder reads back", "[websocket]")
{
    const std::uint8_t mask[4] = {0xA1, 0x02, 0xF3, 0x44};
    for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(7), std::size_t(125), std::size_t(126),
                             std::size_t(65535), std::size_t(65536), std::size_t(70001)}) {
        INFO("payload " << size);
        std::string payload(size, '\0');
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 31 + 7);
        char header[ws::max_client_header];
        const std::size_t h = ws::encode_client_header(header, ws::binary, true, size, mask);
        CHECK(h == ws::header_size(size) + 4);
        CHECK((static_cast<std::uint8_t>(header[1]) & 0x80) != 0);
        std::string wire(header, h);
        std::string masked = payload;
        ws::mask_payload(masked.data(), masked.size(), mask);
        // The same bytes as masking one byte at a time (RFC 6455 section 5.3).
        for (std::size_t i = 0; i < size; ++i)
            REQUIRE(static_cast<std::uint8_t>(masked[i]) == (static_cast<std::uint8_t>(payload[i]) ^ mask[i % 4]));
        wire += masked;
        const auto events = decode_all(wire, 4093, ws::DecodeLimits{100000, true});
        REQUIRE_FALSE(events.empty());
        CHECK(events.back().kind == Kind::message_end);
        if (size > 0) {
            REQUIRE(events.size() == 2);
            CHECK(events[0].data == payload);
        }
    }
}
