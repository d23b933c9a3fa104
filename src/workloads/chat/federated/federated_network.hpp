// The chat workload as one node of a federated network (federation::Node over Redis).
//
// Every node keeps a replica of the whole network: its own clients, and the users of the
// other nodes as Client objects with a RemoteLink, in `nicks` and in channels like local
// ones, so every command handler works unchanged across nodes. A change made by a local
// client is applied here and published as one event; the other nodes apply the event to
// their replica and deliver the resulting line to their own clients only (formatted once
// per node). A node is the authority for its users and their memberships: its "state"
// event (sent when it (re)joins, or when another node missed some of its events) replaces
// everything the others hold of it.
//
// Thread safety: the Network calls come from handlers with ChatServer's lock held; the
// NodeObserver calls run on the federation's I/O thread and take that lock themselves.
#pragma once

#include "core/stats.hpp"
#include "federation/node.hpp"
#include "workloads/chat/network.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hiconn::chat {

class ChatServer;
class Outbox;
class ServerState;

class FederatedNetwork final : public Network, public federation::NodeObserver {
public:
    /// A node on `io`, linked through Redis.
    FederatedNetwork(ChatServer& server, boost::asio::io_context& io, federation::NodeSettings settings);
    /// Over another link (unit tests): `name` is this node's name.
    FederatedNetwork(ChatServer& server, federation::Link& link, std::string name);

    /// The Redis node (not with the test constructor).
    federation::Node& node() noexcept { return *node_; }
    /// hiconn_federation_* figures. Thread safe.
    void collect_metrics(std::vector<core::Metric>& out) const;
    /// "federated as NAME, Redis up|down, N nodes" for the stats line. Thread safe.
    std::string describe() const;

    // ---- Network (lock held) ----
    bool federated() const override { return true; }
    void claim_nick(Client& client, const std::string& nick) override;
    std::size_t servers() const override;
    void registered(const Client&) override;
    void nick_changed(const Client&, const std::string& old_nick, std::int64_t old_ms) override;
    void quit(const Client&, std::string_view reason) override;
    void joined(const Client&, const Channel&, const MemberFlags&) override;
    void parted(const Client&, const Channel&, std::string_view reason) override;
    void kicked(const Client& by, const Channel&, const Client& target, std::string_view reason) override;
    void topic_set(const Client&, const Channel&) override;
    void channel_mode(const Client&, const Channel&, const std::string& modes,
                      const std::vector<std::string>& params) override;
    void user_mode(const Client&) override;
    void away_set(const Client&) override;
    void realname_set(const Client&) override;
    void account_changed(const Client&) override;
    void killed(const Client& by, const Client& victim, const std::string& quit) override;
    void wallops(const Client& from, std::string_view text) override;
    void invited(const Client& by, std::string_view channel, const Client& target) override;
    void message(const Client& from, std::string_view command, const Channel* channel,
                 const Client* to, std::string_view text, std::string_view tags,
                 char status = 0) override;

    void ban_added(const Ban&) override;
    void ban_removed(const BanMask&) override;
    bool shared_bans() const override { return true; }
    void kill(const Client& target, std::string_view reason) override;

    // ---- federation::NodeObserver (federation thread) ----
    void on_link_up() override;
    void on_state_wanted() override;
    void on_node_down(const std::string& node, const std::string& why) override;
    bool on_event(const federation::Envelope& event) override;

private:
    using Json = federation::Json;

    void publish(const char* type, const Client& client, Json body);
    void release(const Client& client);
    void publish_state(ServerState& state);

    // Applying events of other nodes (lock held). Each returns false for an event that
    // does not fit (unknown user or channel, bad fields): it is counted and dropped.
    bool apply(ServerState& state, Outbox& out, const federation::Envelope& event);
    bool apply_user(ServerState& state, Outbox& out, const std::string& node, const Json& body);
    bool apply_state(ServerState& state, Outbox& out, const std::string& node, const Json& body);
    /// "wallops" and "kill" from an operator of another node (remote_operator_events.cpp).
    bool apply_operator_event(ServerState& state, Outbox& out, Client& who, const std::string& type,
                              const Json& body);
    void drop_node(ServerState& state, Outbox& out, const std::string& node, const std::string& reason);
    /// "kline", "unkline", "admin_kill" (federated_bans.cpp); false for one that does not fit.
    bool apply_moderation(ServerState& state, const federation::Envelope& event);
    /// Replaces the bans with the network's (Redis), at link-up; disconnects who they match.
    void load_bans();
    Client* find_remote(ServerState& state, const std::string& node, const Json& body);
    /// Gives `client` its nick in `nicks`, settling a clash by the earlier nick_ms (then
    /// the smaller node name): a local loser is renamed, a remote loser left unindexed
    /// until its own node renames it.
    void index_nick(ServerState& state, Outbox& out, Client& client);
    void rename_local(ServerState& state, Outbox& out, Client& loser);
    void join_remote(ServerState& state, Outbox& out, Client& user, const std::string& name,
                     std::int64_t created, bool op, bool voice, bool announce);
    std::shared_ptr<const std::string> node_name(const std::string& node);

    ChatServer& server_;
    std::unique_ptr<federation::Node> node_;  ///< null over a test link
    federation::Link& link_;
    std::string name_;
    std::unordered_map<std::string, std::shared_ptr<const std::string>> node_names_;  // lock held
    std::atomic<std::uint64_t> renames_{0};   ///< local users renamed after a nick clash
};

}  // namespace hiconn::chat
