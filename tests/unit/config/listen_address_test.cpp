#include "config/address_format.hpp"
#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <regex>

using hiconn::config::parse_listen_address;
namespace detail = hiconn::config::detail;

TEST_CASE("parse_listen_address accepts numeric IPv4, bracketed IPv6 and *", "[config][listen]")
{
    auto a = parse_listen_address("1.2.3.4:7000");
    CHECK(a.host == "1.2.3.4");
    CHECK(a.port == 7000);

    a = parse_listen_address("[::1]:7000");
    CHECK(a.host == "::1");
    CHECK(a.port == 7000);

    a = parse_listen_address("*:80");
    CHECK(a.host == "0.0.0.0");
    CHECK(a.port == 80);

    a = parse_listen_address("127.0.0.1:0");
    CHECK(a.port == 0);
    CHECK(parse_listen_address("0.0.0.0:65535").port == 65535);
    CHECK(parse_listen_address("[::]:1").host == "::");
    CHECK(parse_listen_address("[2001:db8::7]:443").host == "2001:db8::7");
    CHECK(parse_listen_address("[::ffff:10.0.0.1]:9").host == "::ffff:10.0.0.1");
    CHECK(parse_listen_address("[1:2:3:4:5:6:7:8]:9").host == "1:2:3:4:5:6:7:8");
}

TEST_CASE("parse_listen_address rejects what a listener cannot use", "[config][listen]")
{
    const char* bad[] = {
        "",                  // nothing
        "127.0.0.1",         // missing port
        "127.0.0.1:",        // empty port
        "127.0.0.1:65536",   // port too big
        "127.0.0.1:99999999999999999999",
        "127.0.0.1:-1",
        "127.0.0.1:07000",   // leading zero
        "127.0.0.1:70a",
        "localhost:7000",    // host names are not resolved
        "example.com:80",
        "256.0.0.1:7000",
        "1.2.3:7000",
        "01.2.3.4:7000",
        ":7000",
        "::1:7000",          // IPv6 without brackets
        "[::1]",             // missing port
        "[::1]7000",
        "[::1:7000",
        "[1.2.3.4]:7000",    // IPv4 in brackets
        "[::g]:7000",
        "[1:2:3:4:5:6:7:8:9]:7000",
        "[1::2::3]:7000",
        "[fe80::1%eth0]:7000",  // zone ids are not supported
        "*:",
        "**:7000",
        " 127.0.0.1:7000",
    };
    for (const char* text : bad) {
        INFO(text);
        CHECK_THROWS_AS(parse_listen_address(text), std::invalid_argument);
    }
}

TEST_CASE("the schema's listen pattern agrees with parse_listen_address", "[config][listen]")
{
    const std::regex pattern(detail::listen_address_pattern(), std::regex::ECMAScript);
    const char* samples[] = {
        "1.2.3.4:7000", "[::1]:7000", "*:80", "127.0.0.1:0", "0.0.0.0:65535", "[::]:1",
        "[::ffff:10.0.0.1]:9", "[1:2:3:4:5:6:7:8]:9", "[1::8]:1", "[1:2:3:4:5:6::]:1",
        "[::2:3:4:5:6:7:8]:1", "[1:2:3:4:5:6:1.2.3.4]:1", "[1::1.2.3.4]:1",
        "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:07000", "localhost:7000", "256.0.0.1:7000",
        "::1:7000", "[::1]", "[1.2.3.4]:7000", "[1:2:3:4:5:6:7:8:9]:7000", "[1::2::3]:7000",
        "[1:2:3:4:5:6:7::8]:1", "[12345::]:1", "[1:2:3:4:5:6:7]:1", "*:", "1.2.3.4:65535",
        "1.2.3.4:6553", "1.2.3.04:1", "[::1.2.3]:1",
    };
    for (const char* text : samples) {
        INFO(text);
        bool parsed = true;
        try {
            parse_listen_address(text);
        } catch (const std::invalid_argument&) {
            parsed = false;
        }
        CHECK(parsed == std::regex_match(std::string(text), pattern));
    }
}

TEST_CASE("the schema's redis pattern agrees with the loader", "[config][listen]")
{
    const std::regex pattern(detail::redis_address_pattern(), std::regex::ECMAScript);
    const char* samples[] = {
        "1.2.3.4:6379", "[::1]:6379", "127.0.0.1:1", "10.0.0.1:65535", "[2001:DB8::a]:6380",
        "[::ffff:10.0.0.1]:9", "1.2.3.4:6553", "*:6379", "*:0", "127.0.0.1:0", "[::1]:0",
        "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:06379", "localhost:6379", "redis:6379",
        "::1:6379", "[::1]", ":6379", "", "[1.2.3.4]:6379", "1.2.3.04:1", " 1.2.3.4:1",
    };
    for (const char* text : samples) {
        INFO(text);
        bool loaded = true;
        try {
            hiconn::config::from_json_text(
                std::string(R"({"workload": "chat", "federation": {"redis": ")") + text + "\"}}", "test.json");
        } catch (const hiconn::config::ConfigError&) {
            loaded = false;
        }
        CHECK(loaded == std::regex_match(std::string(text), pattern));
    }
    // The samples cut both ways.
    CHECK(std::regex_match(std::string("[::1]:6379"), pattern));
    CHECK_FALSE(std::regex_match(std::string("*:6379"), pattern));
    CHECK_FALSE(std::regex_match(std::string("127.0.0.1:0"), pattern));
}

TEST_CASE("numeric address checks", "[config][listen]")
{
    CHECK(detail::is_ip_address("10.0.0.1"));
    CHECK(detail::is_ip_address("::1"));
    CHECK(detail::is_ip_address("2001:db8::"));
    CHECK_FALSE(detail::is_ip_address("10.0.0"));
    CHECK_FALSE(detail::is_ip_address("[::1]"));
    CHECK_FALSE(detail::is_ip_address("localhost"));
    CHECK_FALSE(detail::is_ip_address(""));
}

TEST_CASE("a tls:// listener is the same address with TLS on top", "[config][listen][tls]")
{
    auto a = parse_listen_address("tls://0.0.0.0:6697");
    CHECK(a.host == "0.0.0.0");
    CHECK(a.port == 6697);
    CHECK(a.tls);
    CHECK(parse_listen_address("tls://[::1]:6697").host == "::1");
    CHECK(parse_listen_address("tls://*:6697").host == "0.0.0.0");
    CHECK_FALSE(parse_listen_address("127.0.0.1:6667").tls);

    const std::regex pattern(detail::listen_address_pattern(), std::regex::ECMAScript);
    for (const char* text : {"tls://tls://1.2.3.4:1", "http://1.2.3.4:1", "ws://wss://1.2.3.4:1", "TLS://1.2.3.4:1", "tls:/1.2.3.4:1",
                             "tls://", "tls://localhost:6697"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_listen_address(text), std::invalid_argument);
        CHECK_FALSE(std::regex_match(std::string(text), pattern));
    }
    CHECK(std::regex_match(std::string("tls://[::1]:6697"), pattern));
    CHECK_THROWS_WITH(parse_listen_address("http://1.2.3.4:1"), Catch::Contains("unknown scheme \"http://\""));
}

TEST_CASE("ws:// and wss:// listeners are WebSocket, wss:// over TLS", "[config][listen]")
{
    auto a = parse_listen_address("ws://127.0.0.1:8080");
    CHECK(a.websocket);
    CHECK_FALSE(a.tls);
    CHECK(a.port == 8080);
    a = parse_listen_address("wss://[::1]:8443");
    CHECK(a.websocket);
    CHECK(a.tls);
    CHECK(a.host == "::1");
    CHECK_FALSE(parse_listen_address("tls://127.0.0.1:1").websocket);
    const std::regex pattern(detail::listen_address_pattern(), std::regex::ECMAScript);
    CHECK(std::regex_match(std::string("wss://*:443"), pattern));
}

TEST_CASE("a tls:// listener needs the tls section; Redis takes no tls://", "[config][listen][tls]")
{
    using hiconn::config::ConfigError;
    using hiconn::config::from_json_text;
    try {
        from_json_text(R"({"listen": ["127.0.0.1:1", "tls://127.0.0.1:2"]})", "test.json");
        FAIL("loaded");
    } catch (const ConfigError& e) {
        CHECK(e.json_path() == "listen[1]");
        CHECK_THAT(e.message(), Catch::Contains("needs the \"tls\" section"));
    }
    const auto c = from_json_text(
        R"({"listen": ["tls://127.0.0.1:2"], "tls": {"certificate": "c.pem", "private_key": "k.pem"}})", "test.json");
    CHECK(c.tls.enabled);
    CHECK(c.tls.min_version == "1.2");
    CHECK_THROWS_AS(from_json_text(R"({"tls": {"min_version": "1.1"}})", "test.json"), ConfigError);
    CHECK_THROWS_AS(from_json_text(R"({"workload": "chat", "federation": {"redis": "tls://127.0.0.1:6379"}})",
                                   "test.json"),
                    ConfigError);
}

TEST_CASE("proxy:// and proxy+tls:// listeners read a PROXY header first", "[config][listen][proxy]")
{
    auto a = parse_listen_address("proxy://0.0.0.0:7000");
    CHECK(a.proxy);
    CHECK_FALSE(a.tls);
    CHECK(a.port == 7000);
    a = parse_listen_address("proxy+tls://[::1]:6697");
    CHECK(a.proxy);
    CHECK(a.tls);
    CHECK(a.host == "::1");
    CHECK_FALSE(parse_listen_address("tls://1.2.3.4:1").proxy);

    const std::regex pattern(detail::listen_address_pattern(), std::regex::ECMAScript);
    for (const char* text : {"proxy://", "proxy://tls://1.2.3.4:1", "tls://proxy://1.2.3.4:1",
                             "proxy+tls://proxy://1.2.3.4:1", "tls+proxy://1.2.3.4:1", "PROXY://1.2.3.4:1",
                             "proxyxtls://1.2.3.4:1", "proxy://localhost:1"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_listen_address(text), std::invalid_argument);
        CHECK_FALSE(std::regex_match(std::string(text), pattern));
    }
    for (const char* text : {"proxy://1.2.3.4:1", "proxy+tls://[::1]:6697", "proxy://*:0"}) {
        INFO(text);
        CHECK(std::regex_match(std::string(text), pattern));
    }
}

TEST_CASE("proxy+tls needs the tls section; proxy_protocol.trusted takes addresses and CIDR blocks",
          "[config][listen][proxy]")
{
    using hiconn::config::ConfigError;
    using hiconn::config::from_json_text;
    try {
        from_json_text(R"({"listen": ["proxy://127.0.0.1:1", "proxy+tls://127.0.0.1:2"]})", "test.json");
        FAIL("loaded");
    } catch (const ConfigError& e) {
        CHECK(e.json_path() == "listen[1]");
        CHECK_THAT(e.message(), Catch::Contains("needs the \"tls\" section"));
    }
    auto c = from_json_text(R"({"listen": ["proxy://127.0.0.1:1"]})", "test.json");
    CHECK(c.proxy_protocol.trusted.empty());  // nothing trusted by default, loopback included
    c = from_json_text(R"({"proxy_protocol": {"trusted": ["127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1"]}})",
                       "test.json");
    CHECK(c.proxy_protocol.trusted.size() == 4);

    const std::regex pattern(detail::ip_network_pattern(), std::regex::ECMAScript);
    for (const char* bad : {"10.0.0.0/33", "localhost", "10.0.0.0/", "::/129", "[::1]", "10.0.0.0/08", "*"}) {
        INFO(bad);
        try {
            from_json_text(std::string(R"({"proxy_protocol": {"trusted": ["10.0.0.1", "::1", ")") + bad + "\"]}}",
                           "test.json");
            FAIL("loaded");
        } catch (const ConfigError& e) {
            CHECK(e.json_path() == "proxy_protocol.trusted[2]");
            CHECK_THAT(e.message(), Catch::Contains("CIDR block"));
        }
        CHECK_FALSE(std::regex_match(std::string(bad), pattern));
    }
    for (const char* good : {"10.0.0.0/8", "0.0.0.0/0", "::/0", "fd00::/8", "2001:db8::1/128", "1.2.3.4"}) {
        INFO(good);
        CHECK(std::regex_match(std::string(good), pattern));
    }
    CHECK_THROWS_AS(from_json_text(R"({"workload": "chat", "federation": {"redis": "proxy://127.0.0.1:6379"}})",
                                   "test.json"),
                    ConfigError);
}
