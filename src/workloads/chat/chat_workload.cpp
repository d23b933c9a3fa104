// core::Workload -> ChatServer: each engine callback finds the connection's Client through
// Connection::user() and hands it on.
#include "workloads/chat/chat_workload.hpp"

#include "core/connection.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/connection_link.hpp"

namespace hiconn::chat {

namespace {

class ChatWorkload final : public core::Workload {
public:
    explicit ChatWorkload(const config::Config& config) : server_(config) {}

    void on_open(core::Connection& connection) override {
        Client& client =
            server_.open(std::make_unique<ConnectionLink>(connection.shared_from_this()));
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

    bool on_send_queue_full(core::Connection& connection) override {
        if (Client* client = client_of(connection)) server_.on_send_queue_full(*client);
        return false;  // closed with "Max SendQ exceeded", not the echo back-pressure
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
    }

    void reload(const config::Config& config) override { server_.reload(config); }

private:
    static Client* client_of(core::Connection& connection) {
        return static_cast<Client*>(connection.user());
    }

    ChatServer server_;
};

}  // namespace

std::unique_ptr<core::Workload> make_chat_workload(const config::Config& config) {
    return std::make_unique<ChatWorkload>(config);
}

}  // namespace hiconn::chat
