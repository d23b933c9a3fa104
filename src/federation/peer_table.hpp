// The other nodes as this node sees them through their events: incarnation, last sequence
// number and when each was last heard. Pure logic (no I/O), so the gap and timeout rules
// are unit-tested directly.
//
// An event is first check()ed, and commit()ted only once it proved well formed: a forged
// or broken frame cannot move a node's sequence number (which would hide its real events).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace hiconn::federation {

class PeerTable {
public:
    struct Seen {
        bool stale = false;      ///< seq not ahead of the last one committed: never legitimate
        bool new_peer = false;   ///< first event of this node (or of its new incarnation)
        bool restarted = false;  ///< the node came back with a new incarnation: drop its old state
        std::uint64_t gap = 0;   ///< events of this node that never arrived (if committed)
    };

    /// What an event of `node` (`incarnation`, sequence number `seq`) would be.
    Seen check(const std::string& node, const std::string& incarnation, std::uint64_t seq) const;
    /// Takes the event as the node's latest, heard at `now_ms`.
    void commit(const std::string& node, const std::string& incarnation, std::uint64_t seq,
                std::int64_t now_ms);
    /// Nodes not heard for more than `timeout_ms`; they are forgotten.
    std::vector<std::string> expire(std::int64_t now_ms, std::int64_t timeout_ms);
    /// Forgets a node (it said goodbye). Returns whether it was known.
    bool forget(const std::string& node);

    bool knows(const std::string& node) const { return peers_.count(node) != 0; }
    std::size_t size() const noexcept { return peers_.size(); }

private:
    struct Peer {
        std::string incarnation;
        std::uint64_t last_seq = 0;
        std::int64_t last_heard_ms = 0;
    };
    std::unordered_map<std::string, Peer> peers_;
};

}  // namespace hiconn::federation
