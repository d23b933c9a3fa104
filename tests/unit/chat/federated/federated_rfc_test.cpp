// The RFC 2812 / Modern IRC additions across nodes: WHO masks and WHOX over remote users,
// USERHOST, WHOWAS of a remote user, INVITE to a channel not created yet, and the +b/+e/+I
// lists replicated with the other channel modes (events and state).
#include "../chat_harness.hpp"

#include "support/federation_bus.hpp"

#include <algorithm>

using namespace hiconn;
using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

/// Two nodes, alice on the first and bob on the second.
struct TwoNodes {
    Net net{"irc.a.test", "irc.b.test"};
    Site& a = net[0];
    Site& b = net[1];
    Harness::Peer& alice = net.user(a, "alice");
    Harness::Peer& bob = net.user(b, "bob");
};

}  // namespace

TEST_CASE("federated rfc: WHO masks, WHOX and USERHOST see users of other nodes", "[federation][chat][federated]") {
    TwoNodes t;
    auto& [net, a, b, alice, bob] = t;
    net.user(b, "bobby");
    auto out = net.exchange(a, alice, "WHO bob*\r\n");
    CHECK(numerics(out) == std::vector<int>{352, 352, 315});
    CHECK(count_containing(out, ":irc.a.test 352 alice * ~bob 127.0.0.1 irc.b.test bob H :0 Real bob") == 1);
    out = net.exchange(a, alice, "WHO irc.b.* %ns\r\n");
    std::sort(out.begin(), out.end());
    CHECK(out == std::vector<std::string>{":irc.a.test 315 alice irc.b.* :End of WHO list",
                                          ":irc.a.test 354 alice irc.b.test bob",
                                          ":irc.a.test 354 alice irc.b.test bobby"});
    CHECK(net.exchange(a, alice, "USERHOST bob\r\n") ==
          std::vector<std::string>{":irc.a.test 302 alice :bob=+~bob@127.0.0.1"});
}

TEST_CASE("federated rfc: WHOWAS remembers a user of another node", "[federation][chat][federated]") {
    TwoNodes t;
    auto& [net, a, b, alice, bob] = t;
    net.send(b, bob, "QUIT :bye\r\n");
    auto out = net.exchange(a, alice, "WHOWAS bob\r\n");
    REQUIRE(numerics(out) == std::vector<int>{314, 312, 369});
    CHECK(out[0] == ":irc.a.test 314 alice bob ~bob 127.0.0.1 * :Real bob");
    CHECK(out[1].rfind(":irc.a.test 312 alice bob irc.b.test :", 0) == 0);
}

TEST_CASE("federated rfc: INVITE to a channel that does not exist reaches a remote user",
          "[federation][chat][federated]") {
    TwoNodes t;
    auto& [net, a, b, alice, bob] = t;
    CHECK(net.exchange(a, alice, "INVITE bob #later\r\n") ==
          std::vector<std::string>{":irc.a.test 341 alice bob #later"});
    CHECK(b.h.lines(bob) == std::vector<std::string>{":alice!~alice@127.0.0.1 INVITE bob :#later"});
}

TEST_CASE("federated rfc: +b/+e/+I set on one node hold on the other", "[federation][chat][federated]") {
    TwoNodes t;
    auto& [net, a, b, alice, bob] = t;
    auto& carol = net.user(b, "carol");
    net.send(a, alice, "JOIN #f\r\n");
    net.send(a, alice, "MODE #f +b bob\r\n");
    net.clear();
    CHECK(net.exchange(b, bob, "JOIN #f\r\n") ==
          std::vector<std::string>{":irc.b.test 474 bob #f :Cannot join channel (+b)"});
    auto out = net.exchange(b, bob, "MODE #f b\r\n");
    REQUIRE(numerics(out) == std::vector<int>{367, 368});
    CHECK(out[0].rfind(":irc.b.test 367 bob #f bob!*@* alice ", 0) == 0);
    net.send(a, alice, "MODE #f +e *!~bob@*\r\n");
    net.clear();
    CHECK(count_containing(net.exchange(b, bob, "JOIN #f\r\n"), ":bob!~bob@127.0.0.1 JOIN #f") == 1);
    net.send(a, alice, "MODE #f +iI carol!*@*\r\n");
    net.clear();
    CHECK(count_containing(net.exchange(b, carol, "JOIN #f\r\n"), ":carol!~carol@127.0.0.1 JOIN #f") == 1);
    net.send(a, alice, "MODE #f -b bob!*@*\r\n");
    net.clear();
    CHECK(numerics(net.exchange(b, bob, "MODE #f b\r\n")) == std::vector<int>{368});
}

TEST_CASE("federated rfc: the lists travel in a node's state; the older channel's stand",
          "[federation][chat][federated]") {
    Net net{"irc.a.test"};
    Site& a = net[0];
    auto& alice = net.user(a, "alice");
    net.send(a, alice, "JOIN #d\r\nMODE #d +b mine\r\n");
    FakeNode z{"irc.z.test"};
    const Json zed{{"u", 1}, {"nick", "zed"}, {"user", "~zed"}, {"host", "10.0.0.1"}, {"real", "R"},
                   {"nts", 100}, {"inv", false}, {"away", ""}, {"ch", Json::array({Json::array({"#d", true, false})})}};
    const Json lists{{"b", Json::array({Json::array({"bad!*@*", "zed", 5}), Json::array({"a b", "zed", 5})})},
                     {"e", Json::array()},
                     {"I", Json::array({Json::array({"*!*@10.*", "zed", 6})})}};
    CHECK(z.send(a, "state",
                 Json{{"users", Json::array({zed})},
                      {"chans", Json::array({Json{{"ch", "#d"}, {"cts", 1}, {"m", "nt"}, {"k", ""}, {"l", 0},
                                                  {"x", ""}, {"by", ""}, {"tts", 0}, {"lists", lists}}})}}));
    net.pump();
    // z's #d is the older: its lists replace this node's; an entry that does not fit is skipped.
    auto out = net.exchange(a, alice, "MODE #d bI\r\n");
    CHECK(out == std::vector<std::string>{":irc.a.test 367 alice #d bad!*@* zed 5",
                                          ":irc.a.test 368 alice #d :End of channel ban list",
                                          ":irc.a.test 346 alice #d *!*@10.* zed 6",
                                          ":irc.a.test 347 alice #d :End of channel invite list"});
}
