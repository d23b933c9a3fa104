// The client's side of the upgrade (hiconn-load --ws) against the server's own parser.
#include "websocket/upgrade_response.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace ws = hiconn::websocket;
using Status = ws::UpgradeResponse::Status;

namespace {
const std::uint8_t random_bytes[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::string response_for(const std::string& key, const std::string& extra = "") {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " + ws::accept_key(key) + "\r\n" + extra + "\r\n";
}
}  // namespace

TEST_CASE("Our upgrade request passes the server's parser, and its 101 passes ours", "[websocket]")
{
    const std::string key = ws::make_key(random_bytes);
    CHECK(key.size() == 24);
    CHECK(key.substr(22) == "==");
    const std::string protocols = "text.ircv3.net, binary.ircv3.net";
    ws::UpgradeOptions options;
    options.ircv3 = true;
    const auto server = ws::parse_upgrade(ws::upgrade_request("127.0.0.1:7000", "/", key, protocols), options);
    REQUIRE(server.status == ws::UpgradeResult::Status::upgraded);
    CHECK(server.subprotocol == ws::Subprotocol::text_ircv3);
    const std::string wire = server.response + "\x81\x02hi";  // a frame right behind the 101
    for (std::size_t cut = 0; cut < server.response.size(); ++cut) {
        INFO(cut);
        REQUIRE(ws::parse_upgrade_response(wire.substr(0, cut), key, protocols).status == Status::need_more);
    }
    const auto client = ws::parse_upgrade_response(wire, key, protocols);
    REQUIRE(client.status == Status::upgraded);
    CHECK(client.consumed == server.response.size());
    CHECK(client.subprotocol == ws::Subprotocol::text_ircv3);
    CHECK(client.http_status == 101);
}

TEST_CASE("Echo: no subprotocol offered, none in the 101", "[websocket]")
{
    const std::string key = ws::make_key(random_bytes);
    const std::string request = ws::upgrade_request("h:1", "/", key);
    CHECK(request.find("Sec-WebSocket-Protocol") == std::string::npos);
    const auto server = ws::parse_upgrade(request, {});
    REQUIRE(server.status == ws::UpgradeResult::Status::upgraded);
    const auto client = ws::parse_upgrade_response(server.response, key);
    CHECK(client.status == Status::upgraded);
    CHECK(client.subprotocol == ws::Subprotocol::none);
}

TEST_CASE("A 101 that is not the answer to our key, or another status, is refused", "[websocket]")
{
    const std::string key = ws::make_key(random_bytes);
    const std::string other = "dGhlIHNhbXBsZSBub25jZQ==";
    struct Case { std::string response; int status; const char* why; };
    const std::vector<Case> cases = {
        {response_for(other), 101, "wrong Sec-WebSocket-Accept"},
        {"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + ws::accept_key(key) +
             "\r\n\r\n", 101, "Upgrade: websocket"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + ws::accept_key(key) +
             "\r\n\r\n", 101, "Connection: Upgrade"},
        {response_for(key, "Sec-WebSocket-Protocol: binary.ircv3.net\r\n"), 101, "was not offered"},
        {ws::http_error(403, "Forbidden"), 403, "HTTP 403"},
        {"SSH-2.0-OpenSSH\r\n\r\n", 0, "bad HTTP"},
    };
    for (const auto& c : cases) {
        INFO(c.why);
        const auto r = ws::parse_upgrade_response(c.response, key);
        CHECK(r.status == Status::refused);
        CHECK(r.http_status == c.status);
        CHECK(r.reason.find(c.why) != std::string::npos);
    }
    // Offered, binary chosen: accepted.
    const auto binary = ws::parse_upgrade_response(response_for(key, "Sec-WebSocket-Protocol: binary.ircv3.net\r\n"),
                                                   key, "text.ircv3.net, binary.ircv3.net");
    CHECK(binary.status == Status::upgraded);
    CHECK(binary.subprotocol == ws::Subprotocol::binary_ircv3);
}
