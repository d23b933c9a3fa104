// The ClientLink of a user of another node: it names that node and the user's host;
// nothing is ever sent through it (Outbox skips remote users; their node delivers).
#pragma once

#include "workloads/chat/client_link.hpp"

#include <memory>
#include <string>

namespace hiconn::chat {

class RemoteLink final : public ClientLink {
public:
    RemoteLink(std::shared_ptr<const std::string> node, std::string host)
        : node_(std::move(node)), host_(std::move(host)) {}

    void enqueue(SharedBuffer) override {}
    void close(core::CloseReason) override {}
    void set_timer(std::uint32_t) override {}
    void cancel_timer() override {}
    std::size_t thread_index() const override { return static_cast<std::size_t>(-1); }
    void post(std::function<void()>) override {}
    std::string remote_ip() const override { return host_; }
    const std::string* node() const override { return node_.get(); }

private:
    std::shared_ptr<const std::string> node_;  ///< shared by every user of that node
    std::string host_;
};

}  // namespace hiconn::chat
