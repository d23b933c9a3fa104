// ClientLink over a core::Connection. Holds the connection (shared_ptr) so that a
// delivery posted to its thread can still reach it; the client, and so this link, is
// released when the connection closes.
#pragma once

#include "core/connection.hpp"
#include "workloads/chat/client_link.hpp"

namespace hiconn::chat {

class ConnectionLink final : public ClientLink {
public:
    explicit ConnectionLink(core::ConnectionPtr connection);

    void enqueue(SharedBuffer bytes) override;
    void close(core::CloseReason reason) override;
    void set_timer(std::uint32_t seconds) override;
    void cancel_timer() override;
    std::size_t thread_index() const override;
    void post(std::function<void()> task) override;
    std::string remote_ip() const override;
    bool secure() const override { return connection_->secure(); }
    std::string tls_fingerprint() const override { return connection_->tls_fingerprint(); }

private:
    core::ConnectionPtr connection_;
};

}  // namespace hiconn::chat
