// core::Workload -> ChatServer: each engine callback finds the connection's Client through
// Connection::user() and hands it on.
#include "workloads/chat/chat_workload.hpp"

#include "core/connection.hpp"
#include "core/io_pool.hpp"
#include "core/log.hpp"
#include "workloads/chat/ban_file.hpp"
#include "workloads/chat/chat_admin.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/connection_link.hpp"
#include "workloads/chat/federated/federated_network.hpp"

#include <chrono>
#include <future>

namespace hiconn::chat {

namespace {

federation::NodeSettings node_settings(const config::Config& c) {
    federation::NodeSettings s;
    const config::ListenAddress address = config::parse_listen_address(c.federation.redis);
    s.redis = {boost::asio::ip::make_address(address.host), address.port};
    s.redis_text = c.federation.redis;
    s.password = c.federation.password;
    s.heartbeat_s = c.federation.heartbeat_s;
    s.node_timeout_s = c.federation.node_timeout_s;
    s.key_prefix = c.federation.key_prefix;
    s.node_name = c.chat.server_name;
    s.network_name = c.chat.network_name;
    return s;
}

class ChatWorkload final : public core::Workload {
public:
    explicit ChatWorkload(const config::Config& config) : config_(config), server_(config) {}

    void start(core::IoPool& io) override {
        try {
            // With federation the bans are the network's, read from Redis at link-up.
            server_.load_bans(config_.federation.enabled
                                  ? std::string()
                                  : config::beside_config(config_, config_.chat.bans_file));
        } catch (const BanFileError& e) {
            throw config::ConfigError(config_.source_file, "chat.bans_file", e.what());
        }
        if (!config_.federation.enabled) return;
        // The federation link lives on I/O thread 0, like any connection.
        network_ = std::make_unique<FederatedNetwork>(server_, io.context(0), node_settings(config_));
        server_.set_network(network_.get());
        using Start = federation::Node::Start;
        auto answer = std::make_shared<std::promise<std::pair<Start, std::string>>>();
        auto result = answer->get_future();
        network_->node().start([answer](Start start, const std::string& message) {
            answer->set_value({start, message});
        });
        // Deciding that a node name is held by a dead node takes up to node_timeout_s.
        const auto wait = std::chrono::seconds(config_.federation.node_timeout_s + 5);
        if (result.wait_for(wait) != std::future_status::ready) {
            log::warn("federation: no answer from Redis at " + config_.federation.redis +
                      " yet; serving local clients, joining the network when it answers");
            return;
        }
        const auto [start, message] = result.get();
        if (start == Start::name_taken) throw config::ConfigError(config_.source_file, "chat.server_name", message);
        if (start == Start::network_mismatch)
            throw config::ConfigError(config_.source_file, "chat.network_name", message);
        if (start == Start::unreachable)
            log::warn(message + "; serving local clients, joining the network when it answers");
    }

    void stop(std::function<void()> done) override {
        if (network_) return network_->node().stop(std::move(done));
        done();
    }

    std::string describe() const override { return network_ ? network_->describe() : std::string(); }

    void on_open(core::Connection& connection) override {
        Client& client =
            server_.open(std::make_unique<ConnectionLink>(connection.ptr()));
        connection.set_user(&client);
    }

    void on_data(core::Connection& connection, std::string_view data) override {
        if (Client* client = client_of(connection)) server_.on_data(*client, data);
    }

    void on_idle(core::Connection& connection) override {
        if (Client* client = client_of(connection)) server_.on_idle(*client);
    }

    void on_timer(core::Connection& connection) override {
        if (Client* client = client_of(connection)) server_.on_timer(*client);
    }

    void on_send_queue_full(core::Connection& connection) override {
        if (Client* client = client_of(connection)) server_.on_send_queue_full(*client);
    }

    void on_close(core::Connection& connection, core::CloseReason reason) override {
        Client* client = client_of(connection);
        if (client == nullptr) return;
        connection.set_user(nullptr);
        server_.on_close(*client, reason);
    }

    std::string rejection_message(core::CloseReason reason) override {
        if (reason == core::CloseReason::rejected_per_ip)
            return "ERROR :Closing Link: (Too many connections from your IP)\r\n";
        return "ERROR :Server full\r\n";
    }

    void collect_metrics(std::vector<core::Metric>& out) const override {
        server_.collect_metrics(out);
        if (network_) network_->collect_metrics(out);
    }

    std::optional<core::AdminReply> admin_request(const core::AdminRequest& request) override {
        return serve_chat_admin(server_, request);
    }

    void reload(const config::Config& config) override { server_.reload(config); }
    void listening(const std::vector<core::EngineSettings::Listen>& listeners) override {
        for (const auto& l : listeners)
            if (l.tls && !l.proxy) {  // a proxy+tls port is the balancer's to advertise
                server_.set_sts_port(l.endpoint.port());
                return;
            }
    }

private:
    static Client* client_of(core::Connection& connection) {
        return static_cast<Client*>(connection.user());
    }

    config::Config config_;
    ChatServer server_;
    std::unique_ptr<FederatedNetwork> network_;  // destroyed first: the server points at it
};

}  // namespace

std::unique_ptr<core::Workload> make_chat_workload(const config::Config& config) {
    return std::make_unique<ChatWorkload>(config);
}

}  // namespace hiconn::chat
