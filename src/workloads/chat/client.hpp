// One connected IRC client. Two kinds of members, kept apart so that the threading rule is
// visible in the type:
//   - the session (link, framer, flood control, ping state): "in loop", touched only on the
//     client's own I/O thread;
//   - `state` (nick, user, channels, ...): shared with every I/O thread and guarded by
//     ChatServer's mutex (read or write it only with that lock held).
// Clients are shared_ptr-owned: a client holds itself (`self`) until its connection closes,
// and deliveries posted to its thread hold it until they run.
#pragma once

#include "workloads/chat/client_link.hpp"
#include "workloads/chat/flood_control.hpp"
#include "workloads/chat/line_framer.hpp"
#include "workloads/chat/sasl_plain.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hiconn::chat {

struct Channel;

/// Wall-clock milliseconds, the clock of ClientState::nick_ms (comparable across nodes).
inline std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// Guarded by ChatServer's mutex.
struct ClientState {
    std::string nick;             ///< empty until NICK
    std::string user;             ///< from USER
    std::string realname;
    std::string away;             ///< empty = not away
    std::string account;          ///< the account logged in with SASL; empty = none
    std::string password;         ///< from PASS, until registration
    std::string pending_nick;     ///< federated: a NICK waiting for its network-wide claim
    std::vector<Channel*> channels;
    std::uint64_t id = 0;         ///< unique on its node (federation events name users by it)
    std::int64_t nick_ms = 0;     ///< wall clock when the nick was taken: the earlier keeps a contested nick
    bool registered = false;
    bool cap_negotiating = false; ///< CAP LS seen, CAP END not yet: registration waits
    bool invisible = false;       ///< user mode +i
    bool detached = false;        ///< removed from nicks and channels (quit)
    std::uint32_t caps = 0;       ///< enabled IRCv3 capabilities (Cap bits, caps.hpp); fits the padding
    std::uint64_t mark = 0;       ///< ServerState::peers_of() de-duplication
    std::int64_t connected_at = 0; ///< unix seconds when the connection opened (0 = unknown: remote)
};

class Client : public std::enable_shared_from_this<Client> {
public:
    Client(std::unique_ptr<ClientLink> link, std::size_t max_line_bytes);

    // ---- immutable after construction: any thread ----
    /// The host shown in prefixes: the peer's IP ("0::1" for IPv6 "::1": a host must not
    /// start with ':' in IRC).
    const std::string& host() const noexcept { return host_; }
    std::size_t thread_index() const noexcept { return thread_; }
    /// A user of another node (federation): nothing is ever sent to it from here.
    bool remote() const noexcept { return remote_; }
    /// Its node's name, or nullptr for this node's own clients.
    const std::string* node() const { return link_->node(); }
    /// Thread safe (posting only).
    ClientLink& link() noexcept { return *link_; }

    // ---- guarded by ChatServer's mutex ----
    ClientState state;
    /// "nick!user@host" (lock held).
    std::string prefix() const;
    /// The nick, or "*" before NICK (lock held) -- the target of numeric replies.
    const std::string& nick_or_star() const;

    // ---- in loop ----
    LineFramer framer;
    FloodControl flood;
    std::shared_ptr<Client> self;  ///< the owning reference, until on_close
    bool closing = false;          ///< quit/closed: nothing more is read or sent
    bool awaiting_pong = false;    ///< an idle PING went out
    std::int64_t pong_deadline_ms = 0;
    /// Monotonic ms by which NICK/USER must have completed; 0 = none (registered, or off).
    /// Cleared by the registration (which runs in loop for this client).
    std::int64_t registration_deadline_ms = 0;
    /// An AUTHENTICATE PLAIN in progress (its chunks so far); null otherwise, so a client
    /// that never logs in pays one pointer.
    std::unique_ptr<SaslChunks> sasl;
    std::uint8_t sasl_failures = 0;  ///< failed logins: the connection closes at the limit
    std::uint8_t oper_failures = 0;  ///< failed OPERs: each makes the next wait longer
    std::int64_t oper_retry_at = 0;  ///< unix time before which OPER is refused unchecked

private:
    std::unique_ptr<ClientLink> link_;
    std::string host_;
    std::size_t thread_;
    bool remote_;
};

using ClientPtr = std::shared_ptr<Client>;

}  // namespace hiconn::chat
