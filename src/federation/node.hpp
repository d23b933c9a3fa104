// This process as a node of a federated network: its link to Redis (two connections, one
// for commands and one subscribed to the network's event channel), its registration and
// heartbeat, the ordered, numbered stream of events it publishes, and the other nodes it
// hears (PeerTable). It knows nothing of IRC: the workload publishes and receives events
// through it and learns, through NodeObserver, when to send its state and whose to drop.
//
// Redis keys (P = key_prefix): P"network" = the network name; P"node:NAME" = "INCARNATION:N"
// with a TTL of node_timeout_s, refreshed every heartbeat (a live node); P"claims" = a hash
// of claimed names (nicks) -> "NODE|INCARNATION|SIGNON|ID"; hashes of the workload's shared
// state (chat: P"bans", mask key -> ban JSON). Channel: P"events".
//
// Thread safety: publish(), claim(), release() and the counters are thread safe; the rest,
// and every NodeObserver call, runs on the io_context's thread.
#pragma once

#include "federation/envelope.hpp"
#include "federation/link.hpp"
#include "federation/peer_table.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hiconn::federation {

class RedisConnection;
struct RedisReply;

struct NodeSettings {
    boost::asio::ip::tcp::endpoint redis;
    std::string redis_text;     ///< as configured, for messages
    std::string password;       ///< empty = no AUTH
    unsigned heartbeat_s = 2;
    unsigned node_timeout_s = 10;
    std::string key_prefix = "hiconn:";
    std::string node_name;      ///< chat.server_name
    std::string network_name;   ///< chat.network_name
};

/// Read with relaxed loads by the metrics endpoint.
struct NodeCounters {
    std::atomic<bool> link_up{false};
    std::atomic<std::uint64_t> reconnects{0};
    std::atomic<std::uint64_t> published{0};
    std::atomic<std::uint64_t> received{0};
    std::atomic<std::uint64_t> gaps{0};
    std::atomic<std::uint64_t> publish_failures{0};
    std::atomic<std::uint64_t> malformed{0};
    std::atomic<std::uint64_t> peers{0};  ///< other live nodes heard
};

class NodeObserver {
public:
    virtual ~NodeObserver() = default;
    /// The link is (again) up and this node registered: publish this node's whole state.
    virtual void on_link_up() = 0;
    /// Another node asked for this node's state (it is new, or it missed events).
    virtual void on_state_wanted() = 0;
    /// A node is gone (timed out, said goodbye, or restarted): drop everything it owned.
    /// `why`: "timeout", "quit" or "restarted".
    virtual void on_node_down(const std::string& node, const std::string& why) = 0;
    /// A workload event of another node, in its order. Returns false for one that does not
    /// fit (bad fields, an unknown user): it is counted as malformed and does not count as
    /// heard (a forged frame cannot move the node's sequence number).
    virtual bool on_event(const Envelope& event) = 0;
};

class Node final : public Link {
public:
    enum class Start { ok, name_taken, network_mismatch, unreachable };

    Node(boost::asio::io_context& io, NodeSettings settings, NodeObserver& observer);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    /// Connects and registers; `ready` runs once on the io thread: ok; name_taken (another
    /// live node has this name); network_mismatch (Redis holds another network name under
    /// this key prefix); unreachable (the node keeps retrying in the background).
    void start(std::function<void(Start, const std::string& message)> ready);
    /// Says goodbye (others drop this node's users at once), removes the node key, closes.
    void stop(std::function<void()> done);

    /// Publishes one event of this node, numbered in call order. While the link is down the
    /// event is counted as a publish failure (its number is used: the others see the gap).
    void publish(std::string_view type, Json body) override;
    /// Claims `name` (a casemapped nick) for `value` (claim_value()); `done(ok)` runs on the
    /// io thread. A name held by a live node is refused, except to a re-claim (after an
    /// outage) with the earlier nick; with the link down the claim is granted (the node
    /// decides alone; clashes are settled on resync).
    void claim(std::string name, std::string value, bool reclaim, std::function<void(bool ok)> done) override;
    /// Releases `name` if `value` still holds it.
    void release(std::string name, std::string value) override;
    std::string claim_value(std::uint64_t id, std::int64_t nick_ms) const override;
    std::size_t peers() const override { return counters_.peers.load(std::memory_order_relaxed); }
    /// The hash commands (node_hash.cpp).
    void hash_set(std::string hash, std::string field, std::string value) override;
    void hash_delete(std::string hash, std::string field) override;
    void hash_read(std::string hash, std::size_t max_fields,
                   std::function<void(std::optional<HashEntries>)> done) override;
    bool link_up() const override { return counters_.link_up.load(std::memory_order_relaxed); }

    const NodeSettings& settings() const noexcept { return settings_; }
    const std::string& incarnation() const noexcept { return incarnation_; }
    const NodeCounters& counters() const noexcept { return counters_; }

private:
    void connect();
    void on_connected();
    void register_node(std::function<void(const RedisReply*)> done);
    void on_registered(const RedisReply* reply);
    void subscribe();
    void link_lost(const std::string& why);
    void retry_later();
    void tick();
    void on_message(const std::string& payload);
    /// Publishes "resync" for `node`, at most once per heartbeat.
    void ask_state(const std::string& node);
    void flush();
    void refuse(Start why, const std::string& message);
    std::int64_t now_ms() const;

    boost::asio::io_context& io_;
    NodeSettings settings_;
    NodeObserver& observer_;
    std::string incarnation_;
    std::string channel_;
    std::shared_ptr<RedisConnection> cmd_;
    std::shared_ptr<RedisConnection> sub_;
    boost::asio::steady_timer heartbeat_timer_;
    boost::asio::steady_timer retry_timer_;
    PeerTable peers_;
    std::unordered_map<std::string, std::int64_t> state_asked_ms_;
    NodeCounters counters_;

    std::function<void(Start, const std::string&)> ready_;  ///< until start() is answered
    std::string taken_by_;        ///< start-up: the value holding our node key
    std::int64_t taken_since_ms_ = 0;
    std::uint64_t heartbeat_count_ = 0;
    std::uint64_t generation_ = 0;  ///< of the connection pair; bumped when it is dropped
    unsigned attempts_ = 0;       ///< failed connects since the link was last up
    unsigned backoff_ms_ = 0;
    bool connecting_ = false;
    bool up_ = false;             ///< registered and subscribed
    bool stopped_ = false;

    std::mutex publish_mutex_;    // guards the members below
    std::uint64_t seq_ = 0;
    std::vector<std::string> queue_;
    bool flush_posted_ = false;
};

}  // namespace hiconn::federation
