#include "websocket/upgrade_request.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace ws = hiconn::websocket;
using UpgradeStatus = ws::UpgradeResult::Status;

namespace {
std::string request(const std::string& extra = "", const std::string& key = "dGhlIHNhbXBsZSBub25jZQ==",
                    const std::string& version = "13")
{
    return "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:7000\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version + "\r\n" + extra + "\r\n";
}
bool has(const std::string& response, const std::string& part) { return response.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("The RFC's sample key gets the RFC's accept value", "[websocket]")
{
    CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("A complete upgrade gets 101; a partial one asks for more", "[websocket]")
{
    const std::string r = request() + "\x81\x80";  // a frame right after the request
    for (std::size_t cut = 0; cut < r.size() - 2; ++cut) {
        INFO(cut);
        CHECK(ws::parse_upgrade(r.substr(0, cut), {}).status == UpgradeStatus::need_more);
    }
    const auto result = ws::parse_upgrade(r, {});
    REQUIRE(result.status == UpgradeStatus::upgraded);
    CHECK(result.consumed == r.size() - 2);
    CHECK(has(result.response, "HTTP/1.1 101 "));
    CHECK(has(result.response, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    CHECK_FALSE(has(result.response, "Sec-WebSocket-Protocol"));
}

TEST_CASE("Chat selects the IRCv3 subprotocols; echo selects none", "[websocket]")
{
    ws::UpgradeOptions chat;
    chat.ircv3 = true;
    auto r = ws::parse_upgrade(request("Sec-WebSocket-Protocol: binary.ircv3.net, text.ircv3.net\r\n"), chat);
    CHECK(r.subprotocol == ws::Subprotocol::text_ircv3);
    CHECK(has(r.response, "Sec-WebSocket-Protocol: text.ircv3.net\r\n"));
    r = ws::parse_upgrade(request("Sec-WebSocket-Protocol: foo, binary.ircv3.net\r\n"), chat);
    CHECK(r.subprotocol == ws::Subprotocol::binary_ircv3);
    CHECK(has(r.response, "Sec-WebSocket-Protocol: binary.ircv3.net\r\n"));
    r = ws::parse_upgrade(request(), chat);
    CHECK(r.subprotocol == ws::Subprotocol::none);
    r = ws::parse_upgrade(request("Sec-WebSocket-Protocol: text.ircv3.net\r\n"), {});
    CHECK(r.status == UpgradeStatus::upgraded);
    CHECK(r.subprotocol == ws::Subprotocol::none);
}

TEST_CASE("Origins outside websocket.allowed_origins get 403", "[websocket]")
{
    ws::UpgradeOptions options;
    options.allowed_origins = {"https://chat.example.org"};
    CHECK(ws::parse_upgrade(request("Origin: https://CHAT.example.org\r\n"), options).status == UpgradeStatus::upgraded);
    CHECK(ws::parse_upgrade(request(), options).status == UpgradeStatus::upgraded);  // not a browser
    const auto r = ws::parse_upgrade(request("Origin: https://evil.example\r\n"), options);
    CHECK(r.status == UpgradeStatus::respond);
    CHECK(has(r.response, "HTTP/1.1 403 "));
}

TEST_CASE("Bad upgrade requests get 400, 426 or 431; a GET without upgrade gets the page or 404", "[websocket]")
{
    CHECK(has(ws::parse_upgrade(request("", "short"), {}).response, "HTTP/1.1 400 "));
    CHECK(has(ws::parse_upgrade(request("", "dGhlIHNhbXBsZSBub25jZQ==", "8"), {}).response, "HTTP/1.1 426 "));
    CHECK(has(ws::parse_upgrade("NOT HTTP AT ALL\r\n\r\n", {}).response, "HTTP/1.1 400 "));
    CHECK(has(ws::parse_upgrade("POST / HTTP/1.1\r\nHost: x\r\n\r\n", {}).response, "HTTP/1.1 400 "));
    const std::string huge = "GET / HTTP/1.1\r\nX-Pad: " + std::string(ws::max_request, 'a');
    auto r = ws::parse_upgrade(huge.substr(0, ws::max_request), {});
    CHECK(r.status == UpgradeStatus::respond);
    CHECK(has(r.response, "HTTP/1.1 431 "));
    const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK(has(ws::parse_upgrade(get, {}).response, "HTTP/1.1 404 "));
    ws::UpgradeOptions page;
    page.page = [](std::string_view target) {
        return target == "/" ? std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi") : std::string();
    };
    r = ws::parse_upgrade(get, page);
    CHECK(r.status == UpgradeStatus::respond);
    CHECK(has(r.response, "HTTP/1.1 200 OK"));
    CHECK(has(ws::parse_upgrade("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", page).response, "HTTP/1.1 404 "));
}
