// federation::PeerTable: the other nodes as seen through their events (new peer, gaps,
// stale numbers, restarts, timeouts). An event is check()ed, then commit()ted once it
// proved well formed.
#include "federation/peer_table.hpp"

#include <catch2/catch.hpp>

using namespace hiconn::federation;

namespace {

// check() then commit(), as Node does for an event that fits.
PeerTable::Seen take(PeerTable& t, const std::string& node, const std::string& incarnation, std::uint64_t seq,
                     std::int64_t now_ms) {
    PeerTable::Seen seen = t.check(node, incarnation, seq);
    if (!seen.stale) t.commit(node, incarnation, seq, now_ms);
    return seen;
}

}  // namespace

TEST_CASE("peer table: the first event of a node is a new peer without a gap", "[federation][peer_table]") {
    PeerTable t;
    CHECK_FALSE(t.knows("b"));
    // Where we joined its stream is not a gap, whatever its number.
    auto seen = t.check("b", "inc1", 517);
    CHECK_FALSE(seen.stale);
    CHECK(seen.new_peer);
    CHECK_FALSE(seen.restarted);
    CHECK(seen.gap == 0);
    CHECK_FALSE(t.knows("b"));  // check() alone changes nothing
    CHECK(t.size() == 0);
    t.commit("b", "inc1", 517, 1000);
    CHECK(t.knows("b"));
    CHECK(t.size() == 1);

    seen = take(t, "c", "incC", 1, 1000);
    CHECK(seen.new_peer);
    CHECK(seen.gap == 0);
    CHECK(t.size() == 2);
}

TEST_CASE("peer table: seq+1 is no gap, a jump counts the missing events", "[federation][peer_table]") {
    PeerTable t;
    take(t, "b", "inc", 1, 0);
    auto seen = take(t, "b", "inc", 2, 1);
    CHECK_FALSE(seen.stale);
    CHECK_FALSE(seen.new_peer);
    CHECK_FALSE(seen.restarted);
    CHECK(seen.gap == 0);

    seen = take(t, "b", "inc", 5, 2);  // 3 and 4 never arrived
    CHECK_FALSE(seen.stale);
    CHECK_FALSE(seen.new_peer);
    CHECK(seen.gap == 2);

    CHECK(take(t, "b", "inc", 6, 3).gap == 0);  // back in step
    CHECK(take(t, "b", "inc", 1006, 4).gap == 999);

    // Nodes are counted separately.
    take(t, "c", "x", 10, 5);
    CHECK(take(t, "c", "x", 11, 6).gap == 0);
    CHECK(take(t, "b", "inc", 1007, 7).gap == 0);
}

TEST_CASE("peer table: a number that is not ahead is stale; only commit() moves the stream",
          "[federation][peer_table]") {
    PeerTable t;
    take(t, "b", "inc", 10, 0);
    auto seen = t.check("b", "inc", 10);  // the same again
    CHECK(seen.stale);
    CHECK_FALSE(seen.new_peer);
    CHECK_FALSE(seen.restarted);
    CHECK(seen.gap == 0);
    seen = t.check("b", "inc", 3);  // older
    CHECK(seen.stale);
    CHECK(seen.gap == 0);

    // An event that was only checked (it did not fit) leaves the stream where it was: a
    // forged jump cannot hide the node's real events.
    seen = t.check("b", "inc", 1'000'000);
    CHECK_FALSE(seen.stale);
    CHECK(seen.gap == 999'989);
    seen = t.check("b", "inc", 11);
    CHECK_FALSE(seen.stale);
    CHECK(seen.gap == 0);
    t.commit("b", "inc", 11, 1);
    CHECK(t.check("b", "inc", 11).stale);
    CHECK(t.check("b", "inc", 12).gap == 0);
}

TEST_CASE("peer table: a new incarnation is a new peer that restarted", "[federation][peer_table]") {
    PeerTable t;
    take(t, "b", "old", 40, 0);
    take(t, "b", "old", 41, 1);
    auto seen = t.check("b", "new", 1);  // a lower number: a new stream
    CHECK_FALSE(seen.stale);
    CHECK(seen.new_peer);
    CHECK(seen.restarted);
    CHECK(seen.gap == 0);
    CHECK(t.check("b", "new", 500).restarted);  // whatever its number
    t.commit("b", "new", 1, 2);
    CHECK(t.size() == 1);

    // The new incarnation's stream continues from its own numbers...
    seen = take(t, "b", "new", 2, 3);
    CHECK_FALSE(seen.stale);
    CHECK_FALSE(seen.new_peer);
    CHECK_FALSE(seen.restarted);
    CHECK(seen.gap == 0);
    CHECK(take(t, "b", "new", 4, 4).gap == 1);
    // ...and the old one is now the unknown one.
    seen = t.check("b", "old", 42);
    CHECK(seen.new_peer);
    CHECK(seen.restarted);
}

TEST_CASE("peer table: expire() after the timeout, not before", "[federation][peer_table]") {
    PeerTable t;
    take(t, "b", "inc", 1, 1000);
    take(t, "c", "inc", 1, 1000);
    take(t, "c", "inc", 2, 5000);  // c is heard again later

    CHECK(t.expire(1000, 10'000).empty());
    CHECK(t.expire(11'000, 10'000).empty());  // exactly the timeout: not yet
    CHECK(t.size() == 2);
    CHECK(t.expire(11'001, 10'000) == std::vector<std::string>{"b"});
    CHECK_FALSE(t.knows("b"));
    CHECK(t.knows("c"));
    CHECK(t.expire(11'002, 10'000).empty());  // once
    CHECK(t.expire(15'001, 10'000) == std::vector<std::string>{"c"});
    CHECK(t.size() == 0);

    // A stale (uncommitted) event does not count as being heard.
    take(t, "d", "inc", 5, 0);
    take(t, "d", "inc", 5, 9000);
    CHECK(t.expire(10'001, 10'000) == std::vector<std::string>{"d"});

    // An expired node that comes back is a new peer (not a restart, not a gap).
    auto seen = t.check("d", "inc", 9);
    CHECK_FALSE(seen.stale);
    CHECK(seen.new_peer);
    CHECK_FALSE(seen.restarted);
    CHECK(seen.gap == 0);
}

TEST_CASE("peer table: forget", "[federation][peer_table]") {
    PeerTable t;
    take(t, "b", "inc", 3, 0);
    take(t, "c", "inc", 3, 0);
    CHECK(t.forget("b"));
    CHECK_FALSE(t.forget("b"));
    CHECK_FALSE(t.forget("nobody"));
    CHECK_FALSE(t.knows("b"));
    CHECK(t.knows("c"));
    CHECK(t.size() == 1);

    // A forgotten node's next event is a new peer again, not a restart, and its number
    // is no gap (nor stale, even if lower).
    auto seen = t.check("b", "inc", 2);
    CHECK_FALSE(seen.stale);
    CHECK(seen.new_peer);
    CHECK_FALSE(seen.restarted);
    CHECK(seen.gap == 0);
    CHECK(t.forget("c"));
    CHECK(t.size() == 0);
    CHECK(t.expire(1'000'000, 1).empty());
}
