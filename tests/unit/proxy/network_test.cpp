#include "proxy/network.hpp"

#include <catch2/catch.hpp>

using hiconn::proxy::contains;
using hiconn::proxy::parse_network;
namespace ip = boost::asio::ip;

TEST_CASE("Address blocks parse in CIDR and single-address forms", "[proxy]")
{
    auto n = parse_network("10.1.2.3/8");
    REQUIRE(n);
    CHECK(to_string(*n) == "10.0.0.0/8");
    n = parse_network("127.0.0.1");
    REQUIRE(n);
    CHECK(to_string(*n) == "127.0.0.1/32");
    n = parse_network("fd00::1/8");
    REQUIRE(n);
    CHECK(to_string(*n) == "fd00::/8");
    n = parse_network("::1");
    REQUIRE(n);
    CHECK(to_string(*n) == "::1/128");
    CHECK(parse_network("0.0.0.0/0"));
    CHECK(parse_network("10.0.0.0/12")->base.to_string() == "10.0.0.0");

    for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/08", "10.0.0.0/-1",
                            "localhost", "[::1]", "fe80::1%eth0", "1.2.3", "1.2.3.04", "10.0.0.0/8/8", " 10.0.0.1"}) {
        INFO(bad);
        CHECK_FALSE(parse_network(bad));
    }
}

TEST_CASE("Address blocks hold their addresses, IPv4-mapped ones included", "[proxy]")
{
    const std::vector<hiconn::proxy::Network> trusted = {*parse_network("10.0.0.0/8"),
                                                         *parse_network("192.168.1.0/25"),
                                                         *parse_network("2001:db8::/32")};
    CHECK(contains(trusted, ip::make_address("10.255.0.1")));
    CHECK(contains(trusted, ip::make_address("192.168.1.127")));
    CHECK_FALSE(contains(trusted, ip::make_address("192.168.1.128")));
    CHECK_FALSE(contains(trusted, ip::make_address("11.0.0.1")));
    CHECK(contains(trusted, ip::make_address("::ffff:10.1.1.1")));
    CHECK(contains(trusted, ip::make_address("2001:db8:1::5")));
    CHECK_FALSE(contains(trusted, ip::make_address("2001:db9::5")));
    CHECK_FALSE(contains({}, ip::make_address("127.0.0.1")));  // nothing trusted by default
    CHECK(contains({*parse_network("0.0.0.0/0")}, ip::make_address("8.8.8.8")));
    CHECK_FALSE(contains({*parse_network("0.0.0.0/0")}, ip::make_address("::1")));
}
