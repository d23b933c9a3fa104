#include "workloads/chat/connection_link.hpp"

#include <boost/asio/post.hpp>

namespace hiconn::chat {

ConnectionLink::ConnectionLink(core::ConnectionPtr connection)
    : connection_(std::move(connection)) {}

void ConnectionLink::enqueue(SharedBuffer bytes) {
    if (connection_->is_open()) connection_->enqueue(std::move(bytes));
}

void ConnectionLink::close(core::CloseReason reason) { connection_->close(reason); }
void ConnectionLink::set_timer(std::uint32_t seconds) { connection_->set_timer(seconds); }
void ConnectionLink::cancel_timer() { connection_->cancel_timer(); }
std::size_t ConnectionLink::thread_index() const { return connection_->thread_index(); }

void ConnectionLink::post(std::function<void()> task) {
    boost::asio::post(connection_->executor(), std::move(task));
}

std::string ConnectionLink::remote_ip() const { return connection_->remote_ip(); }

}  // namespace hiconn::chat
