// fuzz_irc_line: bytes from a registered IRC client through the chat workload's line framer,
// the parser and the command dispatch, on the in-memory links of the chat unit tests
// (tests/support/chat_harness.hpp). "alice" (the fuzzed client, thread 0) and "bob" (thread
// 1, so deliveries to him are posted across threads) are registered and both in #chan
// (alice is its operator), bob alone in #bob: channel fan-out, modes and KICK/INVITE
// paths run. The input is read as two socket reads (split in the middle), then the
// flood-control timer and an idle PING / ping timeout run. One fresh server per input
// (cheap), so nothing grows across inputs. A crash, UB, a line queued to a closed link
// (FakeLink aborts) or an exception is a finding.
#include "support/chat_harness.hpp"

#include "core/log.hpp"

#include <cstdint>
#include <string>
#include <string_view>

using namespace hiconn;
using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

config::Config fuzz_config() {
    config::Config c = test_config();
    // Small enough that the fuzzer reaches the limits: flood delay and Excess Flood, the
    // partial-line cap, MOTD lines.
    c.chat.flood.messages_per_second = 5;
    c.chat.flood.burst = 20;
    c.chat.flood.max_queued = 40;
    c.chat.max_line_bytes = 1024;
    c.chat.max_channels_per_client = 5;
    c.chat.motd = "Welcome\nsecond line";
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const config::Config config = fuzz_config();
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    Harness h(config);
    Harness::Peer& alice = h.user("alice", 0);
    Harness::Peer& bob = h.user("bob", 1);
    h.send(alice, "JOIN #chan\r\n");
    h.send(bob, "JOIN #chan\r\nJOIN #bob\r\n");
    h.lines(alice);
    h.lines(bob);

    const std::size_t half = input.size() / 2;
    h.send(alice, std::string(input.substr(0, half)));
    h.send(alice, std::string(input.substr(half)));

    // What the engine does next: the link timer (flood release, ping timeout) when armed,
    // an idle PING, its timeout.
    for (int round = 0; round < 8 && !alice.record->closed && alice.record->timer >= 0; ++round) {
        h.clock_ms += 1000 * (alice.record->timer + 1);
        h.server.on_timer(*alice.client);
        h.settle();
    }
    if (!alice.record->closed) {
        h.server.on_idle(*alice.client);
        h.settle();
        if (!alice.record->closed && alice.record->timer >= 0) {
            h.clock_ms += 1000 * (alice.record->timer + 1);
            h.server.on_timer(*alice.client);
            h.settle();
        }
    }
    return 0;
}
