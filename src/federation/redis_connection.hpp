// One connection to Redis over an Asio socket (IOCP on Windows, epoll on Linux): hiredis
// formats the commands and parses the replies (its reader and formatter, not its sockets).
// Commands are pipelined: each one is appended to the write buffer at once and its callback
// waits in FIFO order for its reply. A subscribed connection also receives pushed
// "message" arrays, which go to the push handler.
//
// Thread safety: none; every member is called on the io_context's one thread.
#pragma once

#include "federation/redis_reply.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hiconn::federation {

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
public:
    /// nullptr when the connection was lost before the reply came.
    using Callback = std::function<void(const RedisReply*)>;
    using PushHandler = std::function<void(RedisReply&&)>;

    RedisConnection(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    /// Connects within `timeout_ms`; `done` gets an empty string or the error text.
    void connect(unsigned timeout_ms, std::function<void(const std::string& error)> done);
    /// Queues one command; `done` (may be empty) runs with its reply.
    void command(const std::vector<std::string>& args, Callback done = {});
    /// Pushed messages of a subscribed connection.
    void set_push_handler(PushHandler handler) { push_ = std::move(handler); }
    /// Called once when an open connection fails (not after close()).
    void set_lost_handler(std::function<void(const std::string& why)> handler) {
        lost_ = std::move(handler);
    }
    /// Closes; pending callbacks run with nullptr.
    void close();
    bool is_open() const noexcept { return open_; }

private:
    void do_read();
    void do_write();
    void fail(const std::string& why);
    void handle(RedisReply&& reply);

    boost::asio::ip::tcp::socket socket_;
    boost::asio::ip::tcp::endpoint endpoint_;
    boost::asio::steady_timer connect_timer_;
    RedisReplyReader reader_;
    std::deque<Callback> pending_;
    std::string out_;      ///< formatted commands waiting for the write in flight
    std::string writing_;  ///< the write in flight
    std::vector<char> in_;
    PushHandler push_;
    std::function<void(const std::string&)> lost_;
    bool open_ = false;
};

}  // namespace hiconn::federation
