// The server ban store: mask parsing, matching (IP, CIDR, IPv6, nick!user@host under
// rfc1459 casemapping), expiry, durations and the JSON form of the file and Redis.
#include "workloads/chat/ban_list.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace hiconn::chat;

namespace {

BanMask mask(const std::string& text) {
    std::string why;
    auto m = BanMask::parse(text, &why);
    INFO(text << ": " << why);
    REQUIRE(m);
    return *m;
}

BanTarget target(std::string_view nick, std::string_view user, std::string_view host) {
    BanTarget t{nick, user, host, std::nullopt};
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(std::string(host), ec);
    if (!ec) t.ip = ip;
    return t;
}

Ban ban(const std::string& text, std::int64_t expires_at = 0) {
    Ban b;
    b.mask = mask(text);
    b.reason = "spam";
    b.set_by = "admin 127.0.0.1";
    b.set_at = 1000;
    b.expires_at = expires_at;
    return b;
}

}  // namespace

TEST_CASE("bans: masks parse into addresses, networks and nick!user@host masks", "[chat][bans]") {
    CHECK(mask("192.0.2.7").kind() == BanMask::Kind::address);
    CHECK(mask("192.0.2.7").text() == "192.0.2.7");
    CHECK(mask("192.0.2.7/32").kind() == BanMask::Kind::address);
    CHECK(mask("192.0.2.77/24").kind() == BanMask::Kind::network);
    CHECK(mask("192.0.2.77/24").text() == "192.0.2.0/24");  // host bits cleared
    CHECK(mask("2001:DB8::1").text() == "2001:db8::1");
    CHECK(mask("2001:db8:1:2::5/32").text() == "2001:db8::/32");
    CHECK(mask("::ffff:10.0.0.1").text() == "10.0.0.1");  // v4-mapped is judged as IPv4
    CHECK(mask("Bad*").kind() == BanMask::Kind::user_mask);
    CHECK(mask("Bad*").text() == "Bad*!*@*");
    CHECK(mask("*@10.0.0.*").text() == "*!*@10.0.0.*");
    CHECK(mask("Bad*").key() == "bad*!*@*");
    CHECK(mask("NICK[1]").key() == mask("nick{1}").key());  // rfc1459: [ ] are { }
}

TEST_CASE("bans: invalid masks are refused with a reason", "[chat][bans]") {
    for (const char* bad : {"", "a b", ":x", "*", "*!*@*", "*@*", "?!?@*", "10.0.0.0/0", "10.0.0.0/33",
                            "::/129", "10.0.0.0/x", "10.0.0.0/", "foo/24", "a\x01"}) {
        std::string why;
        INFO(bad);
        CHECK_FALSE(BanMask::parse(bad, &why));
        CHECK_FALSE(why.empty());
    }
    CHECK_FALSE(BanMask::parse(std::string(BanMask::max_length + 1, 'a')));
}

TEST_CASE("bans: IP and CIDR masks match the real address", "[chat][bans]") {
    CHECK(mask("192.0.2.7").matches(target("a", "b", "192.0.2.7")));
    CHECK_FALSE(mask("192.0.2.7").matches(target("a", "b", "192.0.2.8")));
    CHECK(mask("192.0.2.0/24").matches(target("a", "b", "192.0.2.200")));
    CHECK_FALSE(mask("192.0.2.0/24").matches(target("a", "b", "192.0.3.1")));
    CHECK(mask("10.0.0.0/9").matches(target("a", "b", "10.127.255.255")));
    CHECK_FALSE(mask("10.0.0.0/9").matches(target("a", "b", "10.128.0.0")));
    CHECK(mask("2001:db8::/32").matches(target("a", "b", "2001:db8:ffff::1")));
    CHECK_FALSE(mask("2001:db8::/32").matches(target("a", "b", "2001:db9::1")));
    CHECK(mask("::1").matches(target("a", "b", "0::1")));  // the displayed host of ::1
    CHECK_FALSE(mask("192.0.2.0/24").matches(target("a", "b", "2001:db8::1")));  // families differ
    BanTarget no_ip{"a", "b", "some.host", std::nullopt};
    CHECK_FALSE(mask("192.0.2.7").matches(no_ip));
}

TEST_CASE("bans: nick!user@host masks match with wildcards and rfc1459 casemapping", "[chat][bans]") {
    CHECK(mask("evil*").matches(target("EvilBot", "x", "192.0.2.1")));
    CHECK_FALSE(mask("evil*").matches(target("good", "evil", "192.0.2.1")));
    CHECK(mask("*!~SPAM@*").matches(target("n", "~spam", "192.0.2.1")));
    CHECK(mask("*@192.0.2.*").matches(target("n", "u", "192.0.2.99")));
    CHECK(mask("nick[a]").matches(target("NICK{A}", "u", "192.0.2.1")));
    CHECK(mask("*!*@::1").matches(target("n", "u", "0::1")));  // as an operator writes ::1
    CHECK(mask("*!*@0::1").matches(target("n", "u", "0::1")));
    CHECK_FALSE(mask("*!*@10.*").matches(target("n", "u", "192.0.2.1")));
}

TEST_CASE("bans: the list replaces by key, removes, and expires by itself", "[chat][bans]") {
    BanList list;
    REQUIRE(list.add(ban("192.0.2.0/24", 2000)));
    REQUIRE(list.add(ban("Evil*")));
    Ban again = ban("evil*");  // the same key: replaces
    again.reason = "new reason";
    REQUIRE(list.add(again));
    REQUIRE(list.all().size() == 2);
    CHECK(list.all()[1].reason == "new reason");

    const auto t = target("x", "y", "192.0.2.5");
    REQUIRE(list.match(t, 1999) != nullptr);
    CHECK(list.match(t, 1999)->mask.text() == "192.0.2.0/24");
    CHECK(list.match(t, 2000) == nullptr);  // expired: no longer applies, before any sweep
    CHECK(list.match(target("EVILx", "y", "10.0.0.1"), 99999) != nullptr);  // permanent
    CHECK(list.expire(2000) == 1);
    CHECK(list.all().size() == 1);
    CHECK(list.remove(mask("EVIL*")));
    CHECK_FALSE(list.remove(mask("EVIL*")));
    CHECK(list.all().empty());
}

TEST_CASE("bans: the list is bounded", "[chat][bans]") {
    BanList list;
    for (std::size_t i = 0; i < BanList::max_bans; ++i) REQUIRE(list.add(ban("n" + std::to_string(i))));
    CHECK_FALSE(list.add(ban("one-more")));
    CHECK(list.add(ban("n7")));  // a replacement still fits
}

TEST_CASE("bans: durations", "[chat][bans]") {
    CHECK(parse_ban_duration("0", 1) == 0);
    CHECK(parse_ban_duration("3600", 1) == 3600);
    CHECK(parse_ban_duration("30", 60) == 1800);  // KLINE: minutes
    CHECK(parse_ban_duration("90s", 60) == 90);
    CHECK(parse_ban_duration("30m", 1) == 1800);
    CHECK(parse_ban_duration("2h", 1) == 7200);
    CHECK(parse_ban_duration("7d", 1) == 7 * 86400);
    CHECK(parse_ban_duration("1w", 1) == 7 * 86400);
    for (const char* bad : {"", "m", "5x", "-5", "1.5h", "99999999999w", "1h2"}) {
        INFO(bad);
        CHECK_FALSE(parse_ban_duration(bad, 1));
    }
}

TEST_CASE("bans: the JSON form round-trips and is validated", "[chat][bans]") {
    BanList list;
    REQUIRE(list.add(ban("192.0.2.0/24", 5000)));
    REQUIRE(list.add(ban("Evil*")));
    BanList copy;
    std::string error;
    REQUIRE(copy.load_json(list.to_json(), &error));
    REQUIRE(copy.all().size() == 2);
    CHECK(copy.all()[0].mask.text() == "192.0.2.0/24");
    CHECK(copy.all()[0].expires_at == 5000);
    CHECK(copy.all()[1].mask.key() == "evil*!*@*");
    CHECK(copy.all()[1].set_by == "admin 127.0.0.1");

    auto refused = [&](nlohmann::json j) {
        BanList target_list;
        REQUIRE(target_list.add(ban("kept")));
        std::string why;
        const bool ok = target_list.load_json(j, &why);
        INFO(j.dump() << " -> " << why);
        CHECK_FALSE(ok);
        CHECK_FALSE(why.empty());
        CHECK(target_list.all().size() == 1);  // unchanged
    };
    nlohmann::json good = list.to_json();
    refused(nlohmann::json::array());
    refused({{"version", 2}, {"bans", nlohmann::json::array()}});
    refused({{"version", 1}});
    nlohmann::json j = good;
    j["bans"][0]["mask"] = "*";
    refused(j);
    j = good;
    j["bans"][0]["expires_at"] = -1;
    refused(j);
    j = good;
    j["bans"][0]["reason"] = "line\r\nbreak";
    refused(j);
    j = good;
    j["bans"][0]["extra"] = 1;
    refused(j);
    j = good;
    j["bans"][1].erase("set_by");
    refused(j);
}
