#include "federation/peer_table.hpp"

namespace hiconn::federation {

PeerTable::Seen PeerTable::check(const std::string& node, const std::string& incarnation,
                                 std::uint64_t seq) const {
    Seen seen;
    auto it = peers_.find(node);
    if (it == peers_.end() || it->second.incarnation != incarnation) {
        // Where we joined this node's stream is not a gap: nothing before it was meant for us.
        seen.new_peer = true;
        seen.restarted = it != peers_.end();
        return seen;
    }
    const Peer& peer = it->second;
    if (seq <= peer.last_seq) {
        seen.stale = true;
        return seen;
    }
    seen.gap = seq - peer.last_seq - 1;
    return seen;
}

void PeerTable::commit(const std::string& node, const std::string& incarnation, std::uint64_t seq,
                       std::int64_t now_ms) {
    Peer& peer = peers_[node];
    peer.incarnation = incarnation;
    peer.last_seq = seq;
    peer.last_heard_ms = now_ms;
}

std::vector<std::string> PeerTable::expire(std::int64_t now_ms, std::int64_t timeout_ms) {
    std::vector<std::string> gone;
    for (auto it = peers_.begin(); it != peers_.end();) {
        if (now_ms - it->second.last_heard_ms > timeout_ms) {
            gone.push_back(it->first);
            it = peers_.erase(it);
        } else {
            ++it;
        }
    }
    return gone;
}

bool PeerTable::forget(const std::string& node) { return peers_.erase(node) != 0; }

}  // namespace hiconn::federation
