// FederatedNetwork over a fake link: two or three ChatServers (each with the in-memory
// client links of chat_harness.hpp) joined by a Bus. A node's publish() becomes an Envelope
// (encoded and decoded, as through Redis) queued for every other node's on_event();
// claim()/release() act on a name map with the rule of Node's claim script (a name held by
// a live node stays with the earlier nick_ms, then the smaller node name). Nothing runs
// until the test pumps the bus, so the order is the test's. Shared by the federated unit
// tests (with Catch2's checks, tests/unit/chat/chat_harness.hpp) and the fuzz targets.
#pragma once

#include "support/chat_harness.hpp"

#include "federation/envelope.hpp"
#include "federation/link.hpp"
#include "workloads/chat/federated/federated_network.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hiconn::chat::test {

namespace fed = hiconn::federation;
using Json = fed::Json;

class Bus;

class BusLink final : public fed::Link {
public:
    BusLink(Bus& bus, std::string node) : name(std::move(node)), incarnation(alnum("inc" + name)), bus_(bus) {}

    static std::string alnum(std::string s) {
        s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }),
                s.end());
        return s;
    }

    void publish(std::string_view type, Json body) override;
    void claim(std::string key, std::string value, bool reclaim, std::function<void(bool ok)> done) override;
    void release(std::string key, std::string value) override;
    std::string claim_value(std::uint64_t id, std::int64_t nick_ms) const override {
        return name + "|" + incarnation + "|" + std::to_string(nick_ms) + "|" + std::to_string(id);
    }
    std::size_t peers() const override;
    void hash_set(std::string hash, std::string field, std::string value) override;
    void hash_delete(std::string hash, std::string field) override;
    void hash_read(std::string hash, std::size_t max_fields,
                   std::function<void(std::optional<HashEntries>)> done) override;
    bool link_up() const override { return up; }

    std::string name;
    std::string incarnation;
    std::uint64_t seq = 0;
    bool up = true;                 ///< down: events are lost, claims granted locally (as Node)
    std::set<std::string> lost;     ///< nodes this one was told are down
    FederatedNetwork* network = nullptr;
    std::vector<std::pair<std::string, Json>> published;  ///< every publish(), also while down

private:
    Bus& bus_;
};

class Bus {
public:
    std::deque<std::function<void()>> tasks;
    std::map<std::string, std::string> claims;
    std::map<std::string, std::map<std::string, std::string>> hashes;  ///< Redis hashes (bans)
    std::vector<BusLink*> links;

    bool live(const std::string& node, const std::string& incarnation) const {
        for (const BusLink* link : links)
            if (link->name == node && link->incarnation == incarnation && link->up) return true;
        return false;
    }

    // Node's claim script ("NODE|INCARNATION|NICK_MS|ID"): a live holder of another node
    // keeps the name, except against a reclaim of an earlier nick (then the smaller node).
    bool try_claim(const std::string& key, const std::string& value, bool reclaim) {
        auto it = claims.find(key);
        if (it != claims.end() && it->second != value) {
            auto cur = split(it->second);
            auto mine = split(value);
            if (!(cur[0] == mine[0] && cur[1] == mine[1]) && live(cur[0], cur[1])) {
                if (!reclaim) return false;
                const long long a = std::stoll(cur[2]), b = std::stoll(mine[2]);
                if (a < b || (a == b && cur[0] < mine[0])) return false;
            }
        }
        claims[key] = value;
        return true;
    }

    static std::vector<std::string> split(const std::string& value) {
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (true) {
            std::size_t bar = value.find('|', start);
            parts.push_back(value.substr(start, bar - start));
            if (bar == std::string::npos) break;
            start = bar + 1;
        }
        HICONN_SUPPORT_REQUIRE(parts.size() == 4);
        return parts;
    }
};

inline void BusLink::publish(std::string_view type, Json body) {
    const std::uint64_t s = ++seq;  // a lost event still uses its number (as Node)
    published.emplace_back(std::string(type), body);
    if (!up) return;
    const std::string payload = fed::encode(std::move(body), name, incarnation, s, type);
    for (BusLink* other : bus_.links) {
        if (other == this) continue;
        bus_.tasks.push_back([other, payload] {
            if (!other->up || other->network == nullptr) return;
            std::string error;
            auto event = fed::decode(payload, error);
            HICONN_SUPPORT_REQUIRE(event);
            // What a node publishes always fits the others' view in these tests.
            HICONN_SUPPORT_CHECK(other->network->on_event(*event),
                                 other->name + " applies " + payload.substr(0, 300));
        });
    }
}

inline void BusLink::claim(std::string key, std::string value, bool reclaim, std::function<void(bool)> done) {
    bus_.tasks.push_back([this, key, value, reclaim, done] {
        if (!up) return done(true);  // the node decides alone
        done(bus_.try_claim(key, value, reclaim));
    });
}

inline void BusLink::release(std::string key, std::string value) {
    bus_.tasks.push_back([this, key, value] {
        if (!up) return;
        auto it = bus_.claims.find(key);
        if (it != bus_.claims.end() && it->second == value) bus_.claims.erase(it);
    });
}

// The hashes are Redis's: written at once (Node sends them before the events after them).
inline void BusLink::hash_set(std::string hash, std::string field, std::string value) {
    if (up) bus_.hashes[hash][field] = std::move(value);
}

inline void BusLink::hash_delete(std::string hash, std::string field) {
    if (up) bus_.hashes[hash].erase(field);
}

inline void BusLink::hash_read(std::string hash, std::size_t max_fields,
                               std::function<void(std::optional<HashEntries>)> done) {
    bus_.tasks.push_back([this, hash, max_fields, done] {
        if (!up || bus_.hashes[hash].size() > max_fields) return done(std::nullopt);
        HashEntries entries(bus_.hashes[hash].begin(), bus_.hashes[hash].end());
        done(std::move(entries));
    });
}

inline std::size_t BusLink::peers() const {
    std::size_t n = 0;
    for (const BusLink* other : bus_.links)
        if (other != this && other->up && lost.count(other->name) == 0) ++n;
    return n;
}

inline config::Config config_named(const std::string& name) {
    config::Config c = test_config();
    c.chat.server_name = name;
    return c;
}

/// One node: its server, its link on the bus and its FederatedNetwork (test constructor).
struct Site {
    Site(Bus& b, const std::string& name) : bus(b), h(config_named(name)), link(b, name), net(h.server, link, name) {
        link.network = &net;
        h.server.set_network(&net);
        bus.links.push_back(&link);
    }
    ~Site() { bus.links.erase(std::remove(bus.links.begin(), bus.links.end(), &link), bus.links.end()); }
    const std::string& name() const { return link.name; }

    Bus& bus;
    Harness h;
    BusLink link;
    FederatedNetwork net;
};

class Net {
public:
    explicit Net(std::initializer_list<const char*> names) {
        for (const char* name : names) sites_.push_back(std::make_unique<Site>(bus, name));
    }
    ~Net() {
        // Every client goes while all networks still exist (the server calls its network
        // when a client goes); then nothing is delivered any more.
        for (auto& site : sites_)
            for (auto& peer : site->h.peers)
                if (!peer->close_reported) site->h.disconnect(*peer, core::CloseReason::server_stop);
        pump();
        for (auto& site : sites_) site->link.up = false;
        bus.tasks.clear();
        while (!sites_.empty()) sites_.pop_back();
    }
    Net(const Net&) = delete;
    Net& operator=(const Net&) = delete;

    Site& operator[](std::size_t i) { return *sites_.at(i); }

    /// Runs the bus and every server's posted tasks until nothing moves.
    void pump() {
        for (int round = 0; round < 1000; ++round) {
            bool busy = false;
            while (!bus.tasks.empty()) {
                auto task = std::move(bus.tasks.front());
                bus.tasks.pop_front();
                task();
                busy = true;
            }
            for (auto& site : sites_) {
                if (!site->h.posted.empty()) busy = true;
                site->h.settle();
            }
            if (!busy && bus.tasks.empty()) return;
        }
        HICONN_SUPPORT_REQUIRE(!"the bus does not settle");
    }

    void send(Site& site, Harness::Peer& peer, const std::string& bytes) {
        site.h.send(peer, bytes);
        pump();
    }
    /// Sends `bytes` and returns the new lines of `peer`.
    std::vector<std::string> exchange(Site& site, Harness::Peer& peer, const std::string& bytes) {
        site.h.lines(peer);
        send(site, peer, bytes);
        return site.h.lines(peer);
    }
    /// A connection of `site` registered as `nick` (its welcome burst consumed).
    Harness::Peer& user(Site& site, const std::string& nick, std::size_t thread = 0) {
        Harness::Peer& peer = site.h.connect(thread);
        send(site, peer, "NICK " + nick + "\r\nUSER " + nick + " 0 * :Real " + nick + "\r\n");
        auto welcome = site.h.lines(peer);
        HICONN_SUPPORT_REQUIRE(!welcome.empty());
        HICONN_SUPPORT_REQUIRE(welcome.front().rfind(":" + site.name() + " 001 " + nick + " ", 0) == 0);
        return peer;
    }
    /// Forgets every line written so far.
    void clear() {
        for (auto& site : sites_)
            for (auto& peer : site->h.peers) site->h.lines(*peer);
    }
    /// Every new line of every client of every node.
    std::vector<std::string> all_lines() {
        std::vector<std::string> out;
        for (auto& site : sites_)
            for (auto& peer : site->h.peers)
                for (auto& line : site->h.lines(*peer)) out.push_back(site->name() + " " + line);
        return out;
    }

    Bus bus;

private:
    std::vector<std::unique_ptr<Site>> sites_;
};

/// A node that exists only as the events the test writes for it.
struct FakeNode {
    std::string name;
    std::string incarnation = "fake0001";
    std::uint64_t seq = 0;

    /// Whether the event fitted (on_event()).
    bool send(Site& to, const std::string& type, Json body) {
        std::string error;
        auto event = fed::decode(fed::encode(std::move(body), name, incarnation, ++seq, type), error);
        HICONN_SUPPORT_REQUIRE(event);
        return to.net.on_event(*event);
    }
};

}  // namespace hiconn::chat::test
