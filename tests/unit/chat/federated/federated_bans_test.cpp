// Server bans and kills across nodes over the fake bus: a ban set on one node is stored in
// the network's hash and applied by every node; a node coming up reads the hash (invalid
// entries ignored, expired ones deleted); a kill reaches the user's own node; forged events
// that do not fit are refused.
#include "../chat_harness.hpp"

#include "support/federation_bus.hpp"

#include "workloads/chat/chat_admin.hpp"

using namespace hiconn;
using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

core::AdminReply admin(Net& net, Site& site, const char* method, const char* path, const std::string& body = "") {
    auto reply = serve_chat_admin(site.h.server, core::AdminRequest{method, path, body, "127.0.0.1"});
    REQUIRE(reply);
    net.pump();
    return *reply;
}

bool has_line(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& l : lines)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("federated bans: a ban set on one node disconnects on every node and is in the hash",
          "[federation][chat][federated][bans]") {
    Net net{"irc.a.test", "irc.b.test"};
    auto& watcher = net.user(net[0], "watcher");
    auto& victim = net.user(net[1], "Spammer");
    net.send(net[0], watcher, "JOIN #w\r\n");
    net.send(net[1], victim, "JOIN #w\r\n");
    net.clear();

    const auto r = admin(net, net[0], "POST", "/chat/ban", R"({"mask": "spam*", "reason": "everywhere"})");
    CHECK(r.status == 200);
    CHECK(victim.record->closed);
    CHECK(has_line(net[1].h.lines(victim), "ERROR :Closing Link: 127.0.0.1 (K-Lined: everywhere)"));
    CHECK(has_line(net[0].h.lines(watcher), ":Spammer!~Spammer@127.0.0.1 QUIT :K-Lined: everywhere"));
    REQUIRE(net[1].h.server.bans().size() == 1);
    CHECK(net[1].h.server.bans()[0].set_by == "admin 127.0.0.1");
    REQUIRE(net.bus.hashes["bans"].count("spam*!*@*") == 1);

    // A new client on the other node is refused.
    auto& again = net[1].h.connect();
    net.send(net[1], again, "NICK spam2\r\nUSER s 0 * :S\r\n");
    CHECK(numerics(net[1].h.lines(again)) == std::vector<int>{465});

    // Lifted on B: gone from A and from the hash.
    CHECK(admin(net, net[1], "DELETE", "/chat/ban", R"({"mask": "SPAM*"})").status == 200);
    CHECK(net[0].h.server.bans().empty());
    CHECK(net.bus.hashes["bans"].empty());
}

TEST_CASE("federated bans: a node coming up reads the network's bans, validated",
          "[federation][chat][federated][bans]") {
    Net net{"irc.a.test"};
    Ban good;
    good.mask = *BanMask::parse("10.1.0.0/16");
    good.reason = "kept";
    good.set_by = "admin ::1";
    good.set_at = 1;
    Ban expired = good;
    expired.mask = *BanMask::parse("old*");
    expired.expires_at = 2;
    auto& hash = net.bus.hashes["bans"];
    hash[good.mask.key()] = good.to_json().dump();
    hash[expired.mask.key()] = expired.to_json().dump();
    hash["x*!*@*"] = R"({"mask": "*", "reason": "", "set_by": "", "set_at": 0, "expires_at": 0})";
    hash["other*!*@*"] = good.to_json().dump();  // a field that is not its ban's key
    hash["junk"] = "{not json";

    auto& inside = net[0].h.connect(0, "10.1.2.3");
    net.send(net[0], inside, "NICK early\r\nUSER e 0 * :E\r\n");  // came before the list was read
    REQUIRE_FALSE(inside.record->closed);
    net[0].net.on_link_up();
    net.pump();
    REQUIRE(net[0].h.server.bans().size() == 1);
    CHECK(net[0].h.server.bans()[0].mask.text() == "10.1.0.0/16");
    CHECK(inside.record->closed);
    CHECK(hash.count(expired.mask.key()) == 0);  // the expired one is tidied away
    CHECK(hash.size() == 4);                    // the invalid ones are left alone, ignored
}

TEST_CASE("federated bans: a kill through one node reaches the user on another",
          "[federation][chat][federated][bans]") {
    Net net{"irc.a.test", "irc.b.test"};
    auto& target = net.user(net[1], "faraway");
    auto& bystander = net.user(net[0], "near");
    const auto r = admin(net, net[0], "POST", "/chat/kill", R"({"nick": "FARAWAY", "reason": "out"})");
    CHECK(r.status == 200);
    CHECK(target.record->closed);
    CHECK(has_line(net[1].h.lines(target), "ERROR :Closing Link: 127.0.0.1 (Killed (admin (out)))"));
    CHECK_FALSE(bystander.record->closed);
    CHECK(admin(net, net[0], "POST", "/chat/kill", R"({"nick": "faraway"})").status == 404);  // gone everywhere
}

TEST_CASE("federated bans: moderation events that do not fit are refused",
          "[federation][chat][federated][bans]") {
    Net net{"irc.a.test"};
    FakeNode other{"irc.z.test"};
    other.send(net[0], "state", Json{{"users", Json::array()}, {"chans", Json::array()}});
    CHECK_FALSE(other.send(net[0], "kline", Json::object()));
    CHECK_FALSE(other.send(net[0], "kline", Json{{"ban", Json{{"mask", "*"}}}}));
    CHECK_FALSE(other.send(net[0], "kline", Json{{"ban", Json{{"mask", "a", "reason", "r"}}}}));
    CHECK_FALSE(other.send(net[0], "unkline", Json{{"mask", 5}}));
    CHECK_FALSE(other.send(net[0], "unkline", Json{{"mask", "*!*@*"}}));
    CHECK_FALSE(other.send(net[0], "admin_kill", Json{{"to", "irc.a.test"}, {"id", "x"}, {"x", "r"}}));
    CHECK_FALSE(other.send(net[0], "admin_kill", Json{{"to", "irc.a.test"}, {"id", 1}, {"x", "a\r\nb"}}));
    CHECK(other.send(net[0], "admin_kill", Json{{"to", "irc.a.test"}, {"id", 999}, {"x", "nobody"}}));
    CHECK(net[0].h.server.bans().empty());
    Ban ok;
    ok.mask = *BanMask::parse("zz*");
    ok.set_by = "admin x";
    CHECK(other.send(net[0], "kline", Json{{"ban", ok.to_json()}}));
    CHECK(net[0].h.server.bans().size() == 1);
    CHECK(other.send(net[0], "unkline", Json{{"mask", "ZZ*"}}));
    CHECK(net[0].h.server.bans().empty());
}
