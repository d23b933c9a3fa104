#include "workloads/chat/client.hpp"

namespace hiconn::chat {

namespace {
std::string display_host(std::string ip) {
    if (!ip.empty() && ip.front() == ':') ip.insert(ip.begin(), '0');
    return ip;
}
const std::string star = "*";
}  // namespace

Client::Client(std::unique_ptr<ClientLink> link, std::size_t max_line_bytes)
    : framer(max_line_bytes),
      link_(std::move(link)),
      host_(display_host(link_->remote_ip())),
      thread_(link_->thread_index()),
      remote_(link_->node() != nullptr) {}

std::string Client::prefix() const {
    std::string p;
    p.reserve(state.nick.size() + state.user.size() + host_.size() + 2);
    p += state.nick;
    p += '!';
    p += state.user.empty() ? std::string_view("*") : std::string_view(state.user);
    p += '@';
    p += host_;
    return p;
}

const std::string& Client::nick_or_star() const {
    return state.nick.empty() ? star : state.nick;
}

}  // namespace hiconn::chat
