// Shared by the IRCv3 unit tests: a user registered after negotiating capabilities, and the
// distinct buffers a broadcast queued (format-once checks).
#pragma once

#include "chat_harness.hpp"

#include <set>
#include <string>
#include <vector>

namespace hiconn::chat::test {

/// A registered user that requested `caps` (CAP LS 302, NICK, USER, CAP REQ, CAP END).
inline Harness::Peer& cap_user(Harness& h, const std::string& nick, const std::string& caps) {
    auto& peer = h.connect();
    auto out = h.exchange(peer, "CAP LS 302\r\nNICK " + nick + "\r\nUSER " + nick + " 0 * :Real " + nick +
                                    "\r\nCAP REQ :" + caps + "\r\nCAP END\r\n");
    REQUIRE(count_containing(out, " CAP " + nick + " ACK :" + caps) == 1);
    REQUIRE(count_containing(out, " 001 " + nick + " ") == 1);
    return peer;
}

/// Every peer joins `channel` in order; what they were sent so far is read and dropped.
inline void join_all(Harness& h, const std::string& channel, const std::vector<Harness::Peer*>& peers) {
    for (auto* p : peers) h.exchange(*p, "JOIN " + channel + "\r\n");
    for (auto* p : peers) h.lines(*p);
}

/// How many distinct buffers the `members` were queued since their lists were cleared; each
/// must have been queued exactly one.
inline std::size_t distinct_buffers(const std::vector<Harness::Peer*>& members) {
    std::set<const std::string*> distinct;
    for (auto* p : members) {
        REQUIRE(p->record->buffers.size() == 1);
        distinct.insert(p->record->buffers.back().get());
    }
    return distinct.size();
}

}  // namespace hiconn::chat::test
