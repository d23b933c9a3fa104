// fuzz_federation_event: bytes as what arrives from Redis for a federated chat node,
// through federation::decode() (the event frame) and FederatedNetwork::on_event() (the
// chat workload's intake of other nodes' events) on a ChatServer over the fake link of the
// federated unit tests (tests/support/federation_bus.hpp). The node "irc.local" has two
// registered local clients, alice and bob (on two threads), both in #chan, so remote
// events fan out to them.
//
// The input is read two ways, both applied to the same node:
//   1. as the subscribed connection's byte stream (RESP): through RedisReplyReader (hiredis's
//      reader), each pushed ["message", channel, payload] gives a payload;
//   2. as payloads, one per line ('\n'), so that a state event and the events that refer
//      to its users can come in one input.
// Each payload goes as Node::on_message() would pass it (its own events skipped; the
// sequence checks are Node's and left out, so any order reaches the workload). Then every
// node that sent something is reported down (its users leave). One fresh node per input.
#include "support/federation_bus.hpp"

#include "core/log.hpp"
#include "federation/redis_reply.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

using namespace hiconn;
using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

constexpr const char* self = "irc.local";

void deliver(Net& net, std::set<std::string>& nodes, std::string_view payload) {
    std::string error;
    auto event = fed::decode(payload, error);
    if (!event) return;
    if (event->node == self) return;  // Node drops its own events (and impostors)
    if (nodes.size() < 16) nodes.insert(event->node);
    if (event->type == "hb" || event->type == "hello" || event->type == "resync" || event->type == "bye")
        return;  // node-level: Node's own, never passed to the workload
    net[0].net.on_event(*event);
    net.pump();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    Net net{self};
    Site& site = net[0];
    Harness::Peer& alice = net.user(site, "alice", 0);
    Harness::Peer& bob = net.user(site, "bob", 1);
    net.send(site, alice, "JOIN #chan\r\n");
    net.send(site, bob, "JOIN #chan\r\n");
    std::set<std::string> nodes;

    // 1. The RESP stream of the subscribed connection.
    fed::RedisReplyReader reader;
    if (reader.feed(input.data(), input.size())) {
        fed::RedisReply reply;
        for (int n = 0; n < 256 && reader.next(reply); ++n)
            if (fed::is_push(reply) && reply.elements[2].type == fed::RedisReply::Type::string)
                deliver(net, nodes, reply.elements[2].str);
    }

    // 2. One payload per line.
    std::size_t start = 0;
    while (start < input.size()) {
        std::size_t end = input.find('\n', start);
        if (end == std::string_view::npos) end = input.size();
        if (end > start) deliver(net, nodes, input.substr(start, end - start));
        start = end + 1;
    }

    // Local clients still act on what they now see.
    net.send(site, alice, "NAMES #chan\r\nWHO #chan\r\nLUSERS\r\nPRIVMSG #chan :hi\r\n");
    for (const std::string& node : nodes) {
        site.net.on_node_down(node, "fuzz");
        net.pump();
    }
    net.send(site, bob, "NAMES #chan\r\n");
    return 0;
}
