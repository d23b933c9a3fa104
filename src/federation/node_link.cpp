// The node's link to Redis: connecting both connections, registering the node (once at
// start-up, where a clash refuses the start, then on every reconnect), subscribing, and
// reconnecting with back-off after a loss.
#include "federation/node.hpp"

#include "core/log.hpp"
#include "federation/redis_connection.hpp"
#include "federation/redis_scripts.hpp"

#include <algorithm>
#include <chrono>

namespace hiconn::federation {

using namespace redis_scripts;

namespace {

constexpr unsigned connect_timeout_ms = 2000;
constexpr unsigned first_backoff_ms = 250;
constexpr unsigned max_backoff_ms = 5000;

}  // namespace

void Node::connect() {
    if (stopped_ || connecting_ || up_) return;
    connecting_ = true;
    if (cmd_) cmd_->close();
    if (sub_) sub_->close();
    cmd_ = std::make_shared<RedisConnection>(io_, settings_.redis);
    sub_ = std::make_shared<RedisConnection>(io_, settings_.redis);
    const std::uint64_t generation = ++generation_;
    auto remaining = std::make_shared<int>(2);
    auto failure = std::make_shared<std::string>();
    auto connected = [this, generation, remaining, failure](const std::string& error) {
        if (generation != generation_) return;  // an attempt that was given up
        if (!error.empty() && failure->empty()) *failure = error;
        if (--*remaining > 0) return;
        if (!failure->empty()) return link_lost("cannot connect: " + *failure);
        on_connected();
    };
    cmd_->connect(connect_timeout_ms, connected);
    sub_->connect(connect_timeout_ms, connected);
}

void Node::on_connected() {
    if (stopped_) return;
    auto lost = [this, generation = generation_](const std::string& why) {
        if (generation == generation_) link_lost(why);
    };
    cmd_->set_lost_handler(lost);
    sub_->set_lost_handler(lost);
    sub_->set_push_handler([this](RedisReply&& reply) {
        if (reply.elements[2].type == RedisReply::Type::string) on_message(reply.elements[2].str);
    });
    if (!settings_.password.empty()) {
        auto auth = [this](const RedisReply* reply) {
            if (reply != nullptr && reply->is_error()) link_lost("AUTH refused: " + reply->str);
        };
        cmd_->command({"AUTH", settings_.password}, auth);
        sub_->command({"AUTH", settings_.password}, auth);
    }
    register_node([this](const RedisReply* reply) { on_registered(reply); });
}

void Node::register_node(std::function<void(const RedisReply*)> done) {
    const std::string value = incarnation_ + ":" + std::to_string(++heartbeat_count_);
    cmd_->command({"EVAL", register_script, "2", settings_.key_prefix + "network",
                   settings_.key_prefix + "node:" + settings_.node_name, settings_.network_name, value,
                   std::to_string(settings_.node_timeout_s * 1000ull), incarnation_},
                  std::move(done));
}

void Node::on_registered(const RedisReply* reply) {
    if (stopped_ || !cmd_ || !cmd_->is_open()) return;
    if (reply == nullptr) return;  // the connection was lost: link_lost() runs
    if (reply->is_error() || !reply->is_array(2)) {
        return link_lost("unexpected reply to the node registration: " +
                         (reply->is_error() ? reply->str : std::string("not an array")));
    }
    const std::string& result = reply->elements[0].str;
    const std::string& holder = reply->elements[1].str;
    const std::string where = " (Redis " + settings_.redis_text + ", key_prefix \"" +
                              settings_.key_prefix + "\")";
    if (result == "network") {
        const std::string message = "federation: Redis holds the network \"" + holder + "\"" + where +
                                    ", but this node's chat.network_name is \"" +
                                    settings_.network_name + "\"";
        if (ready_) return refuse(Start::network_mismatch, message);
        log::write_limited(log::Level::error, "federation.network", message + "; not joining");
        return link_lost("network name mismatch");
    }
    if (result == "taken") {
        // A node that died still holds its key until the TTL runs out; a live one rewrites
        // it every heartbeat. Watch it for a while before deciding.
        const std::string message = "federation: a live node named \"" + settings_.node_name +
                                    "\" is already in the network \"" + settings_.network_name +
                                    "\"" + where + "; chat.server_name must be unique";
        if (ready_) {
            const std::int64_t now = now_ms();
            if (taken_by_.empty()) {
                taken_by_ = holder;
                taken_since_ms_ = now;
            } else if (holder != taken_by_ ||
                       now - taken_since_ms_ > std::int64_t(settings_.node_timeout_s) * 1000 + 1000) {
                return refuse(Start::name_taken, message);
            }
            retry_timer_.expires_after(std::chrono::milliseconds(500));
            retry_timer_.async_wait([this](const boost::system::error_code& ec) {
                if (!ec && cmd_ && cmd_->is_open())
                    register_node([this](const RedisReply* r) { on_registered(r); });
            });
            return;
        }
        log::write_limited(log::Level::error, "federation.taken", message + "; not joining");
        return link_lost("node name taken");
    }
    subscribe();
}

void Node::subscribe() {
    sub_->command({"SUBSCRIBE", channel_}, [this](const RedisReply* reply) {
        if (stopped_ || reply == nullptr) return;
        if (reply->is_error()) return link_lost("SUBSCRIBE refused: " + reply->str);
        connecting_ = false;
        up_ = true;
        counters_.link_up = true;
        if (attempts_ > 0) {
            counters_.reconnects.fetch_add(1, std::memory_order_relaxed);
            log::info("federation: connected to Redis at " + settings_.redis_text + " again after " +
                      std::to_string(attempts_) + " attempts");
        } else {
            log::info("federation: node " + settings_.node_name + " joined network " +
                      settings_.network_name + " through Redis at " + settings_.redis_text);
        }
        attempts_ = 0;
        backoff_ms_ = 0;
        if (ready_) {
            auto ready = std::move(ready_);
            ready_ = nullptr;
            ready(Start::ok, {});
        }
        publish("hello", Json::object());
        observer_.on_link_up();
    });
}

void Node::refuse(Start why, const std::string& message) {
    auto ready = std::move(ready_);
    ready_ = nullptr;
    stopped_ = true;
    if (cmd_) cmd_->close();
    if (sub_) sub_->close();
    heartbeat_timer_.cancel();
    retry_timer_.cancel();
    ready(why, message);
}

void Node::link_lost(const std::string& why) {
    if (stopped_) return;
    const bool was_up = up_;
    ++generation_;  // late callbacks of these connections are ignored
    up_ = false;
    connecting_ = false;
    counters_.link_up = false;
    if (cmd_) cmd_->close();
    if (sub_) sub_->close();
    if (was_up) {
        log::warn("federation: lost the link to Redis at " + settings_.redis_text + " (" + why +
                  "); local clients are served, events for other nodes are counted as failures; "
                  "reconnecting");
    } else if (attempts_ == 0) {
        log::warn("federation: Redis at " + settings_.redis_text + " is unreachable (" + why +
                  "); retrying with back-off");
    }
    ++attempts_;
    if (ready_) {
        auto ready = std::move(ready_);
        ready_ = nullptr;
        ready(Start::unreachable, "federation: Redis at " + settings_.redis_text +
                                      " is unreachable (" + why + ")");
    }
    retry_later();
}

void Node::retry_later() {
    backoff_ms_ = backoff_ms_ == 0 ? first_backoff_ms : std::min(max_backoff_ms, backoff_ms_ * 2);
    retry_timer_.expires_after(std::chrono::milliseconds(backoff_ms_));
    retry_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) connect();
    });
}


}  // namespace hiconn::federation
