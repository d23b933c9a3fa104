// Server bans in the protocol: KLINE/UNKLINE (481 for non-operators), the disconnect of
// matching clients, 465 at registration; and the admin endpoint's /chat/ routes.
#include "chat_harness.hpp"

#include "workloads/chat/caps.hpp"
#include "workloads/chat/chat_admin.hpp"

#include <nlohmann/json.hpp>

#include <string>

using namespace hiconn;
using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

bool contains(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& l : lines)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

core::AdminReply admin(Harness& h, const char* method, const char* path, const std::string& body = "") {
    auto reply = serve_chat_admin(h.server, core::AdminRequest{method, path, body, "127.0.0.1"});
    REQUIRE(reply);
    h.settle();  // the disconnects are posted to the clients' threads
    return *reply;
}

nlohmann::json json_of(const core::AdminReply& r) { return nlohmann::json::parse(r.body); }

}  // namespace

TEST_CASE("moderation: KLINE and UNKLINE need an IRC operator (481)", "[chat][bans]") {
    Harness h;
    auto& alice = h.user("alice");
    CHECK(numerics(h.exchange(alice, "KLINE evil* :spam\r\n")) == std::vector<int>{481});
    CHECK(numerics(h.exchange(alice, "UNKLINE evil*\r\n")) == std::vector<int>{481});
    CHECK(numerics(h.exchange(alice, "KLINE\r\n")) == std::vector<int>{461});
    CHECK(h.server.bans().empty());
}

TEST_CASE("moderation: a KLINE disconnects matching clients; their peers see the QUIT", "[chat][bans]") {
    Harness h;
    auto& op = h.user("oper");
    op.client->state.caps |= chat::mode_oper;  // as a successful OPER does
    auto& evil = h.user("EvilBot");
    auto& friend_ = h.user("friend");
    h.exchange(evil, "JOIN #c\r\n");
    h.exchange(friend_, "JOIN #c\r\n");
    h.lines(evil);
    const auto replies = h.exchange(op, "KLINE 30 evil* :go away\r\n");
    CHECK(contains(replies, "Added temporary 1800 s K-Line for [evil*!*@*] (K-Lined: go away), 1 client(s)"));
    CHECK(evil.record->closed);
    CHECK(contains(h.lines(evil), "ERROR :Closing Link: 127.0.0.1 (K-Lined: go away)"));
    CHECK(contains(h.lines(friend_), ":EvilBot!~EvilBot@127.0.0.1 QUIT :K-Lined: go away"));
    CHECK_FALSE(friend_.record->closed);
    REQUIRE(h.server.bans().size() == 1);
    CHECK(h.server.bans()[0].set_by == "oper oper!~oper@127.0.0.1");

    SECTION("a new client matching it is refused with 465, ERROR and the close") {
        auto& again = h.connect();
        const auto lines = h.exchange(again, "NICK evilbot2\r\nUSER e 0 * :E\r\n");
        CHECK(numerics(lines) == std::vector<int>{465});
        CHECK(contains(lines, "465 evilbot2 :You are banned from this server: go away"));
        CHECK(contains(lines, "ERROR :Closing Link: 127.0.0.1 (K-Lined: go away)"));
        CHECK(again.record->closed);
    }
    SECTION("UNKLINE lifts it") {
        CHECK(contains(h.exchange(op, "UNKLINE EVIL*\r\n"), "K-Line for [evil*!*@*] is removed"));
        CHECK(contains(h.exchange(op, "UNKLINE EVIL*\r\n"), "No K-Line for [EVIL*!*@*]"));
        auto& again = h.connect();
        CHECK(has_numeric(h.exchange(again, "NICK evilbot2\r\nUSER e 0 * :E\r\n"), 1));
    }
    SECTION("a bad mask is a NOTICE, nothing is banned") {
        CHECK(contains(h.exchange(op, "KLINE *!*@* :all\r\n"), "the mask matches everyone"));
        CHECK(h.server.bans().size() == 1);
    }
}

TEST_CASE("moderation: an IP ban applies to the real address; an expired one stops applying", "[chat][bans]") {
    Harness h;
    auto& a = h.connect(0, "192.0.2.10");
    h.exchange(a, "NICK a\r\nUSER a 0 * :A\r\n");
    auto& b = h.connect(0, "198.51.100.1");
    h.exchange(b, "NICK b\r\nUSER b 0 * :B\r\n");
    const auto r = admin(h, "POST", "/chat/ban", R"({"mask": "192.0.2.0/24", "duration": "1h", "reason": "net"})");
    CHECK(r.status == 200);
    CHECK(json_of(r)["disconnected"] == 1);
    CHECK(a.record->closed);
    CHECK_FALSE(b.record->closed);

    // A ban that expired already (set with an expiry in the past through the store) does not apply.
    Ban old;
    old.mask = *BanMask::parse("198.51.100.0/24");
    old.set_at = 1;
    old.expires_at = 2;
    REQUIRE(h.server.add_ban(old) == std::size_t{0});
    auto& c = h.connect(0, "198.51.100.2");
    CHECK(has_numeric(h.exchange(c, "NICK c\r\nUSER c 0 * :C\r\n"), 1));
    CHECK(h.server.bans().size() == 1);  // the expired one is not listed
}

TEST_CASE("moderation: admin routes list, kill, ban, unban", "[chat][bans]") {
    Harness h;
    auto& alice = h.user("alice");
    auto& bob = h.user("bob");
    h.exchange(alice, "JOIN #x\r\n");

    auto clients = json_of(admin(h, "GET", "/chat/clients"))["clients"];
    REQUIRE(clients.size() == 2);
    for (const auto& c : clients) {
        CHECK(c["host"] == "127.0.0.1");
        CHECK(c["node"] == "irc.test");
        CHECK(c["connected_since"].is_number_integer());
        if (c["nick"] == "alice") CHECK(c["channels"] == nlohmann::json::array({"#x"}));
    }

    auto kill = admin(h, "POST", "/chat/kill", R"({"nick": "BOB", "reason": "bye"})");
    CHECK(kill.status == 200);
    CHECK(bob.record->closed);
    CHECK(contains(h.lines(bob), "ERROR :Closing Link: 127.0.0.1 (Killed (admin (bye)))"));
    CHECK(admin(h, "POST", "/chat/kill", R"({"nick": "nobody"})").status == 404);

    auto ban = admin(h, "POST", "/chat/ban", R"({"mask": "Troll*", "duration": 0, "reason": "r"})");
    CHECK(ban.status == 200);
    CHECK(json_of(ban)["ban"]["permanent"] == true);
    CHECK(json_of(ban)["ban"]["set_by"] == "admin 127.0.0.1");
    auto bans = json_of(admin(h, "GET", "/chat/bans"))["bans"];
    REQUIRE(bans.size() == 1);
    CHECK(bans[0]["mask"] == "Troll*!*@*");
    CHECK(admin(h, "DELETE", "/chat/ban", R"({"mask": "troll*"})").status == 200);
    CHECK(admin(h, "DELETE", "/chat/ban", R"({"mask": "troll*"})").status == 404);
    CHECK(json_of(admin(h, "GET", "/chat/bans"))["bans"].empty());
}

TEST_CASE("moderation: admin routes refuse bad input with 400 and wrong methods with 405", "[chat][bans]") {
    Harness h;
    for (const char* body : {"", "[]", "{", R"({"mask": 5})", R"({"mask": "*"})", R"({"mask": "a", "x": 1})",
                             R"({"mask": "a", "duration": -1})", R"({"mask": "a", "duration": "soon"})",
                             R"({"mask": "a", "duration": 1.5})", R"({"mask": "a", "reason": "a\nb"})",
                             R"({"reason": "no mask"})"}) {
        INFO(body);
        const auto r = admin(h, "POST", "/chat/ban", body);
        CHECK(r.status == 400);
        CHECK(json_of(r)["error"].is_string());
    }
    CHECK(admin(h, "POST", "/chat/kill", R"({"nick": ""})").status == 400);
    CHECK(admin(h, "POST", "/chat/kill", R"({"reason": "x"})").status == 400);
    CHECK(admin(h, "DELETE", "/chat/ban", R"({"mask": "10.0.0.0/0"})").status == 400);
    const auto r = admin(h, "GET", "/chat/ban");
    CHECK(r.status == 405);
    CHECK(std::string(r.allow) == "POST, DELETE");
    CHECK(admin(h, "POST", "/chat/clients").status == 405);
    CHECK_FALSE(serve_chat_admin(h.server, core::AdminRequest{"GET", "/chat/nothing", "", "x"}));
    CHECK(h.server.bans().empty());
}
