// hiconn-load's WebSocket framing (--ws) against the server's side of the project's codec:
// what it sends decodes as the server decodes client frames, and server frames read back as
// the byte stream the modes expect (echo: payload; chat: lines with CRLF).
#include "tools/load/ws_client.hpp"

#include "websocket/frame_codec.hpp"
#include "websocket/upgrade_request.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace load = hiconn::load;
namespace ws = hiconn::websocket;

namespace {
load::Options options_for(const std::string& mode) {
    load::Options o;
    o.mode = mode;
    return o;
}

load::Target one_server() {
    load::Target t;
    t.names = {"127.0.0.1:7000"};
    return t;
}

/// Upgrades `framing` against the server's own parser; returns what the framing said.
ws::UpgradeResponse::Status upgrade(load::WsFraming& framing, bool ircv3, std::string after = "",
                                    std::string protocol_header = "") {
    ws::UpgradeOptions server;
    server.ircv3 = ircv3;
    auto r = ws::parse_upgrade(framing.request(), server);
    REQUIRE(r.status == ws::UpgradeResult::Status::upgraded);
    std::string response = r.response;
    const std::string chosen = "Sec-WebSocket-Protocol: text.ircv3.net\r\n";
    if (!protocol_header.empty()) response.replace(response.find(chosen), chosen.size(), protocol_header);
    boost::system::error_code ec;
    const auto status = framing.on_response(response + after, ec);
    CHECK_FALSE(ec);
    return status;
}

struct ClientMessage {
    std::uint8_t opcode;
    std::string payload;
};

/// Decodes what the client wrote as the server does (masked frames required).
std::vector<ClientMessage> server_reads(std::string wire) {
    std::vector<ClientMessage> out;
    ws::DecoderState state;
    ws::DecodeLimits limits;
    char* data = wire.data();
    std::size_t size = wire.size();
    std::string message;
    for (;;) {
        ws::Decoded piece;
        const std::size_t used = ws::decode(state, data, size, limits, piece);
        data += used;
        size -= used;
        if (piece.kind == ws::Decoded::Kind::need_more) break;
        REQUIRE(piece.kind != ws::Decoded::Kind::error);
        if (piece.kind == ws::Decoded::Kind::data) message.append(piece.data, piece.size);
        if (piece.kind == ws::Decoded::Kind::message_end) {
            out.push_back({piece.opcode, message});
            message.clear();
        }
    }
    REQUIRE(size == 0);
    return out;
}

std::string server_frame(std::uint8_t opcode, const std::string& payload, bool fin = true) {
    char header[ws::max_header];
    return std::string(header, ws::encode_header(header, opcode, fin, payload.size())) + payload;
}

/// Reads `wire` as ClientStream does: `chunk` bytes per socket read into a buffer of
/// `capacity`, what the framing holds first. Returns the byte stream handed out and the
/// error that ended it (if any).
std::string client_reads(load::WsFraming& framing, const std::string& wire, std::size_t chunk,
                         std::size_t capacity, boost::system::error_code& ec) {
    std::string out;
    std::vector<char> buffer(capacity);
    auto drain_pending = [&] {
        while (framing.has_pending() && !ec) {
            const auto r = framing.take_pending(buffer.data(), capacity);
            out.append(buffer.data(), r.bytes);
            ec = r.ec;
        }
    };
    drain_pending();
    for (std::size_t at = 0, n = 0; at < wire.size() && !ec; at += n) {
        n = std::min({chunk, capacity, wire.size() - at});
        std::copy(wire.begin() + at, wire.begin() + at + n, buffer.begin());
        const auto r = framing.decode(buffer.data(), n, capacity);
        out.append(buffer.data(), r.bytes);
        ec = r.ec;
        drain_pending();
    }
    return out;
}
}  // namespace

TEST_CASE("ws: echo writes one masked binary message per write and reads payload back", "[load][ws]") {
    const auto o = options_for("echo");
    load::WsClient client(o, one_server());
    CHECK(client.protocols().empty());
    load::WsFraming framing(client, 0);
    CHECK(upgrade(framing, false) == ws::UpgradeResponse::Status::upgraded);
    std::string wire;
    framing.encode("hello", wire);
    framing.encode(std::string(70000, 'x'), wire);
    framing.encode("", wire);
    const auto messages = server_reads(wire);
    REQUIRE(messages.size() == 3);
    CHECK(messages[0].opcode == ws::binary);
    CHECK(messages[0].payload == "hello");
    CHECK(messages[1].payload == std::string(70000, 'x'));
    CHECK(messages[2].payload.empty());

    // The server's reply in fragments, a ping between them, then a whole message.
    const std::string reply = server_frame(ws::binary, "abc", false) + server_frame(ws::ping, "p") +
                              server_frame(ws::continuation, std::string(300, 'd')) + server_frame(ws::binary, "ef");
    const std::string expected = "abc" + std::string(300, 'd') + "ef";
    for (std::size_t chunk : {std::size_t(1), std::size_t(3), std::size_t(64), reply.size()}) {
        INFO("chunk " << chunk);
        load::WsFraming reader(client, 0);
        upgrade(reader, false);
        boost::system::error_code ec;
        CHECK(client_reads(reader, reply, chunk, 4096, ec) == expected);
        CHECK_FALSE(ec);
    }
}

TEST_CASE("ws: chat sends one text message per line without CRLF, reads lines with CRLF", "[load][ws]") {
    const auto o = options_for("chat");
    load::WsClient client(o, one_server());
    CHECK(client.lines());
    CHECK(client.protocols() == "text.ircv3.net, binary.ircv3.net");
    load::WsFraming framing(client, 0);
    upgrade(framing, true);
    std::string wire;
    framing.encode("NICK a\r\nUSER a 0 * :a\nPRIV", wire);
    framing.encode("MSG #c :hi\r\n", wire);
    const auto messages = server_reads(wire);
    REQUIRE(messages.size() == 3);
    CHECK(messages[0].opcode == ws::text);
    CHECK(messages[0].payload == "NICK a");
    CHECK(messages[1].payload == "USER a 0 * :a");
    CHECK(messages[2].payload == "PRIVMSG #c :hi");

    const std::string lines = server_frame(ws::text, ":srv 001 a :Welcome") + server_frame(ws::text, "PING :x");
    for (std::size_t chunk : {std::size_t(1), std::size_t(2), std::size_t(5), lines.size()}) {
        for (std::size_t capacity : {chunk, lines.size() + 8}) {
            INFO("chunk " << chunk << " capacity " << capacity);
            load::WsFraming reader(client, 0);
            upgrade(reader, true);
            boost::system::error_code ec;
            CHECK(client_reads(reader, lines, chunk, capacity, ec) == ":srv 001 a :Welcome\r\nPING :x\r\n");
            CHECK_FALSE(ec);
        }
    }
}

TEST_CASE("ws: frames that came with the 101 are read first; binary.ircv3.net sends binary", "[load][ws]") {
    load::WsClient client(options_for("chat"), one_server());
    load::WsFraming framing(client, 0);
    upgrade(framing, true, server_frame(ws::binary, ":s NOTICE * :hi"), "Sec-WebSocket-Protocol: binary.ircv3.net\r\n");
    boost::system::error_code ec;
    CHECK(client_reads(framing, server_frame(ws::binary, "PING :1"), 100, 100, ec) == ":s NOTICE * :hi\r\nPING :1\r\n");
    std::string wire;
    framing.encode("PONG :1\r\n", wire);
    const auto messages = server_reads(wire);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].opcode == ws::binary);
}

TEST_CASE("ws: a close frame ends the stream with its status, a masked or bad frame as bad", "[load][ws]") {
    load::WsClient client(options_for("echo"), one_server());
    struct Case { std::string wire; std::string name; };
    const std::vector<Case> cases = {
        {server_frame(ws::binary, "ab") + server_frame(ws::close, "\x03\xf1"), "ws_close_1009"},
        {server_frame(ws::close, ""), "ws_close_1005"},
        {std::string("\x82\x81\x01\x02\x03\x04x", 7), "ws: bad frame"},  // masked
        {server_frame(0x83, "x"), "ws: bad frame"},                       // reserved opcode
    };
    for (const auto& c : cases) {
        INFO(c.name);
        load::WsFraming framing(client, 0);
        upgrade(framing, false);
        boost::system::error_code ec;
        client_reads(framing, c.wire, c.wire.size(), 4096, ec);
        REQUIRE(ec);
        CHECK(ec.message() == c.name);
    }
}

TEST_CASE("ws: a refused upgrade fails with the HTTP status", "[load][ws]") {
    load::WsClient client(options_for("echo"), one_server());
    load::WsFraming framing(client, 0);
    const std::string request = framing.request();
    CHECK(request.find("GET / HTTP/1.1\r\nHost: 127.0.0.1:7000\r\n") == 0);
    boost::system::error_code ec;
    CHECK(framing.on_response(ws::http_error(403, "Forbidden"), ec) == ws::UpgradeResponse::Status::refused);
    CHECK(ec.message() == "ws: HTTP 403");
    ec = {};
    CHECK(framing.on_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n", ec) ==
          ws::UpgradeResponse::Status::refused);
    CHECK(ec.message() == "ws: bad 101");
}
