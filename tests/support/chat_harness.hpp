// An in-memory stand-in for the engine: ChatServer driven through FakeLink (a ClientLink
// that records what would have been written), with a fake clock and per-"thread" task
// queues for the deliveries the server posts to other I/O threads. Shared by the unit tests
// (through tests/unit/chat/chat_harness.hpp, with Catch2's checks) and the fuzz targets.
#pragma once

#include "support/check.hpp"

#include "config/config.hpp"
#include "workloads/chat/chat_server.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hiconn::chat::test {

/// What a FakeLink saw; outlives the link (the server frees the link with the client).
struct LinkRecord {
    std::string ip = "127.0.0.1";
    std::size_t thread = 0;
    std::string written;               ///< every byte queued, in order
    bool keep_buffers = false;         ///< record `buffers` (off: a fuzz run would grow it)
    std::vector<SharedBuffer> buffers; ///< with keep_buffers, each buffer queued (format-once checks)
    std::size_t read_pos = 0;          ///< lines() consumed up to here
    bool closed = false;
    core::CloseReason reason = core::CloseReason::peer_closed;
    std::int64_t timer = -1;           ///< seconds of the armed timer, -1 none
    std::deque<std::function<void()>>* posted = nullptr;
};

class FakeLink final : public ClientLink {
public:
    explicit FakeLink(std::shared_ptr<LinkRecord> record) : r_(std::move(record)) {}
    void enqueue(SharedBuffer bytes) override {
        HICONN_SUPPORT_REQUIRE(!r_->closed);  // nothing is queued after the close
        r_->written += *bytes;
        if (r_->keep_buffers) r_->buffers.push_back(bytes);
    }
    void close(core::CloseReason reason) override {
        r_->closed = true;
        r_->reason = reason;
    }
    void set_timer(std::uint32_t seconds) override { r_->timer = seconds; }
    void cancel_timer() override { r_->timer = -1; }
    std::size_t thread_index() const override { return r_->thread; }
    void post(std::function<void()> task) override { r_->posted->push_back(std::move(task)); }
    std::string remote_ip() const override { return r_->ip; }

private:
    std::shared_ptr<LinkRecord> r_;
};

inline config::Config test_config() {
    config::Config c;
    c.workload = "chat";
    c.chat.server_name = "irc.test";
    c.chat.network_name = "TestNet";
    c.chat.flood.messages_per_second = 1000;
    c.chat.flood.burst = 1000;
    c.chat.flood.max_queued = 1000;
    return c;
}

class Harness {
public:
    struct Peer {
        Client* client = nullptr;
        std::shared_ptr<LinkRecord> record;
        bool close_reported = false;
    };

    explicit Harness(config::Config config = test_config()) : server(config) {
        server.set_clock([this] { return clock_ms; });
    }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    /// The engine reports a close for every connection before the workload goes away; so
    /// does the harness (the server frees a client only then).
    ~Harness() {
        settle();  // the closed ones first: nothing may be queued to them afterwards
        for (auto& peer : peers)
            if (!peer->close_reported) {
                peer->close_reported = true;
                peer->record->closed = true;
                server.on_close(*peer->client, core::CloseReason::server_stop);
            }
        posted.clear();
    }

    /// A new connection on fake thread `thread`.
    Peer& connect(std::size_t thread = 0, std::string ip = "127.0.0.1") {
        auto record = std::make_shared<LinkRecord>();
        record->ip = std::move(ip);
        record->thread = thread;
        record->posted = &posted;
        peers.push_back(std::make_unique<Peer>());
        Peer& peer = *peers.back();
        peer.record = record;
        peer.client = &server.open(std::make_unique<FakeLink>(record));
        return peer;
    }

    /// A connection registered as `nick` (its welcome burst consumed).
    Peer& user(const std::string& nick, std::size_t thread = 0) {
        Peer& peer = connect(thread);
        send(peer, "NICK " + nick + "\r\nUSER " + nick + " 0 * :Real " + nick + "\r\n");
        auto welcome = lines(peer);
        HICONN_SUPPORT_REQUIRE(!welcome.empty());
        HICONN_SUPPORT_REQUIRE(welcome.front().rfind(":irc.test 001 " + nick + " ", 0) == 0);
        return peer;
    }

    /// Feeds bytes as if read from the socket, then runs what was posted and reports closes.
    void send(Peer& peer, const std::string& bytes) {
        if (!peer.record->closed) server.on_data(*peer.client, bytes);
        settle();
    }

    void settle() {
        while (!posted.empty()) {
            auto task = std::move(posted.front());
            posted.pop_front();
            task();
        }
        // The engine reports a close after the flush; here at once.
        for (auto& peer : peers)
            if (peer->record->closed && !peer->close_reported) {
                peer->close_reported = true;
                server.on_close(*peer->client, peer->record->reason);
            }
        while (!posted.empty()) {
            auto task = std::move(posted.front());
            posted.pop_front();
            task();
        }
    }

    /// The peer goes away without QUIT (as the engine reports a FIN).
    void disconnect(Peer& peer, core::CloseReason reason = core::CloseReason::peer_closed) {
        peer.record->closed = true;
        peer.record->reason = reason;
        peer.close_reported = true;
        server.on_close(*peer.client, reason);
        settle();
    }

    /// New complete lines written to `peer` since the last call (without CRLF).
    std::vector<std::string> lines(Peer& peer) {
        std::vector<std::string> out;
        std::string& w = peer.record->written;
        while (true) {
            std::size_t end = w.find("\r\n", peer.record->read_pos);
            if (end == std::string::npos) break;
            out.push_back(w.substr(peer.record->read_pos, end - peer.record->read_pos));
            peer.record->read_pos = end + 2;
        }
        return out;
    }

    /// Sends `bytes` and returns the new lines of `peer`.
    std::vector<std::string> exchange(Peer& peer, const std::string& bytes) {
        lines(peer);
        send(peer, bytes);
        return lines(peer);
    }

    ChatServer server;
    std::int64_t clock_ms = 1'000'000;
    std::deque<std::function<void()>> posted;
    std::vector<std::unique_ptr<Peer>> peers;
};

/// The numeric of a server reply line (":irc.test 433 * nick :...") or -1.
inline int numeric_of(const std::string& line) {
    std::size_t space = line.find(' ');
    if (line.empty() || line[0] != ':' || space == std::string::npos || line.size() < space + 4) return -1;
    std::string code = line.substr(space + 1, 3);
    for (char c : code)
        if (c < '0' || c > '9') return -1;
    if (line.size() > space + 4 && line[space + 4] != ' ') return -1;
    return std::stoi(code);
}

/// The numerics of `lines`, in order.
inline std::vector<int> numerics(const std::vector<std::string>& lines) {
    std::vector<int> out;
    for (const auto& line : lines)
        if (int n = numeric_of(line); n >= 0) out.push_back(n);
    return out;
}

inline bool has_numeric(const std::vector<std::string>& lines, int n) {
    for (int x : numerics(lines))
        if (x == n) return true;
    return false;
}

/// How many lines contain `needle`.
inline std::size_t count_containing(const std::vector<std::string>& lines, const std::string& needle) {
    std::size_t n = 0;
    for (const auto& line : lines)
        if (line.find(needle) != std::string::npos) ++n;
    return n;
}

}  // namespace hiconn::chat::test
