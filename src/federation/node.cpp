#include "federation/node.hpp"

#include "core/log.hpp"
#include "federation/redis_connection.hpp"
#include "federation/redis_scripts.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdio>
#include <random>

namespace hiconn::federation {

namespace asio = boost::asio;
using namespace redis_scripts;

namespace {

std::string make_incarnation() {
    std::random_device device;
    std::mt19937_64 random(device() ^ static_cast<std::uint64_t>(
                                          std::chrono::system_clock::now().time_since_epoch().count()));
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random()));
    return text;
}

bool ok_status(const RedisReply* reply) {
    return reply != nullptr && !reply->is_error();
}


}  // namespace


Node::Node(asio::io_context& io, NodeSettings settings, NodeObserver& observer)
    : io_(io), settings_(std::move(settings)), observer_(observer), incarnation_(make_incarnation()),
      channel_(settings_.key_prefix + "events"), heartbeat_timer_(io), retry_timer_(io) {}

Node::~Node() {
    if (cmd_) cmd_->close();
    if (sub_) sub_->close();
}

std::int64_t Node::now_ms() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string Node::claim_value(std::uint64_t id, std::int64_t nick_ms) const {
    return settings_.node_name + "|" + incarnation_ + "|" + std::to_string(nick_ms) + "|" +
           std::to_string(id);
}

void Node::start(std::function<void(Start, const std::string&)> ready) {
    ready_ = std::move(ready);
    asio::post(io_, [this] {
        connect();
        tick();
    });
}


void Node::tick() {
    if (stopped_) return;
    if (up_) {
        register_node([this](const RedisReply* reply) {
            if (reply == nullptr || stopped_ || !up_) return;
            if (reply->is_error() || !reply->is_array(2) || reply->elements[0].str != "ok") {
                log::write_limited(log::Level::error, "federation.heartbeat",
                                   "federation: heartbeat refused by Redis (" +
                                       (reply->is_array(2) ? reply->elements[0].str : reply->str) + ")");
                link_lost("heartbeat refused");
            }
        });
        publish("hb", Json::object());
    }
    for (const std::string& node : peers_.expire(now_ms(), std::int64_t(settings_.node_timeout_s) * 1000)) {
        log::info("federation: node " + node + " timed out (" + std::to_string(settings_.node_timeout_s) +
                  " s without an event); dropping its users");
        observer_.on_node_down(node, "timeout");
    }
    counters_.peers = peers_.size();
    heartbeat_timer_.expires_after(std::chrono::seconds(settings_.heartbeat_s));
    heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) tick();
    });
}

void Node::on_message(const std::string& payload) {
    std::string error;
    std::optional<Envelope> event = decode(payload, error);
    if (!event) {
        counters_.malformed.fetch_add(1, std::memory_order_relaxed);
        log::write_limited(log::Level::warn, "federation.malformed",
                           "federation: dropped a malformed event from Redis: " + error);
        return;
    }
    if (event->node == settings_.node_name) {
        if (event->incarnation != incarnation_) {
            counters_.malformed.fetch_add(1, std::memory_order_relaxed);
            log::write_limited(log::Level::error, "federation.impostor",
                               "federation: an event under this node's name from another process "
                               "(incarnation " + event->incarnation + "); dropped");
        }
        return;  // our own event, back from Redis
    }
    const PeerTable::Seen seen = peers_.check(event->node, event->incarnation, event->seq);
    const std::string& type = event->type;
    if (seen.stale) {
        // Redis delivers a node's events once and in order: an old number is a replay or a
        // forgery.
        counters_.malformed.fetch_add(1, std::memory_order_relaxed);
        log::write_limited(log::Level::warn, "federation.stale",
                           "federation: dropped an event of node " + event->node +
                               " with an old sequence number (a replay or a forgery)");
        return;
    }
    const bool node_level = type == "hb" || type == "hello" || type == "resync" || type == "bye";
    if (seen.restarted && !(type == "hello" && event->seq == 1)) {
        // A restarted node opens its new stream with hello (number 1); anything else under a
        // new incarnation of a node we hear is not believed (a forgery would drop its users).
        counters_.malformed.fetch_add(1, std::memory_order_relaxed);
        log::write_limited(log::Level::warn, "federation.incarnation",
                           "federation: dropped a \"" + type + "\" event under an unknown incarnation of node " +
                               event->node + " (a restarted node starts with hello)");
        return;
    }
    if (seen.new_peer && !node_level && type != state_type) {
        ask_state(event->node);  // its events cannot apply before its state (we joined late)
        return;
    }
    if (seen.restarted) {
        log::info("federation: node " + event->node + " restarted; dropping its old users");
        observer_.on_node_down(event->node, "restarted");
    }
    if (!node_level) {
        if (!observer_.on_event(*event)) {
            // The very next number is kept (a race, e.g. a KICK of someone who just left, is
            // no gap); a jump from an event that does not fit is not believed.
            if (seen.gap == 0 && !seen.new_peer) peers_.commit(event->node, event->incarnation, event->seq, now_ms());
            counters_.malformed.fetch_add(1, std::memory_order_relaxed);
            log::write_limited(log::Level::warn, "federation.unfit",
                               "federation: dropped a \"" + type + "\" event of node " + event->node +
                                   " that does not fit (bad fields, or an unknown user or channel)");
            return;
        }
        counters_.received.fetch_add(1, std::memory_order_relaxed);
    }
    // Only a well-formed event moves the node's sequence number.
    peers_.commit(event->node, event->incarnation, event->seq, now_ms());
    counters_.peers = peers_.size();
    if (seen.gap > 0) {
        counters_.gaps.fetch_add(seen.gap, std::memory_order_relaxed);
        log::write_limited(log::Level::warn, "federation.gap",
                           "federation: " + std::to_string(seen.gap) + " events of node " + event->node +
                               " never arrived (seen at its \"" + type + "\" event " +
                               std::to_string(event->seq) + "); asking it for its state");
        ask_state(event->node);
    }
    if (type == "hello") return observer_.on_state_wanted();
    if (type == "resync") {
        auto to = event->body.find("to");
        if (to != event->body.end() && to->is_string() && *to == settings_.node_name)
            observer_.on_state_wanted();
        return;
    }
    if (type == "bye") {
        peers_.forget(event->node);
        counters_.peers = peers_.size();
        log::info("federation: node " + event->node + " left the network");
        observer_.on_node_down(event->node, "quit");
    }
}

void Node::ask_state(const std::string& node) {
    const std::int64_t now = now_ms();
    auto& last = state_asked_ms_[node];
    if (last != 0 && now - last < std::int64_t(settings_.heartbeat_s) * 1000) return;
    last = now;
    publish("resync", Json{{"to", node}});
}

void Node::publish(std::string_view type, Json body) {
    std::lock_guard<std::mutex> lock(publish_mutex_);
    const std::uint64_t seq = ++seq_;
    if (!counters_.link_up.load(std::memory_order_relaxed)) {
        counters_.publish_failures.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    queue_.push_back(encode(std::move(body), settings_.node_name, incarnation_, seq, type));
    if (!flush_posted_) {
        flush_posted_ = true;
        asio::post(io_, [this] { flush(); });
    }
}

void Node::flush() {
    std::vector<std::string> batch;
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        batch.swap(queue_);
        flush_posted_ = false;
    }
    for (std::string& payload : batch) {
        if (!up_ || !cmd_) {
            counters_.publish_failures.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        cmd_->command({"PUBLISH", channel_, payload}, [this](const RedisReply* reply) {
            if (ok_status(reply))
                counters_.published.fetch_add(1, std::memory_order_relaxed);
            else
                counters_.publish_failures.fetch_add(1, std::memory_order_relaxed);
        });
    }
}

void Node::claim(std::string name, std::string value, bool reclaim, std::function<void(bool)> done) {
    asio::post(io_, [this, name = std::move(name), value = std::move(value), reclaim, done = std::move(done)] {
        if (!up_ || !cmd_) return done(true);
        cmd_->command({"EVAL", claim_script, "1", settings_.key_prefix + "claims", name, value,
                       settings_.key_prefix, reclaim ? "1" : "0"},
                      [done](const RedisReply* reply) {
                          // A lost link decides locally, as when it was down already.
                          if (reply == nullptr || reply->is_error()) return done(true);
                          done(reply->integer == 1);
                      });
    });
}

void Node::release(std::string name, std::string value) {
    asio::post(io_, [this, name = std::move(name), value = std::move(value)] {
        if (up_ && cmd_)
            cmd_->command({"EVAL", release_script, "1", settings_.key_prefix + "claims", name, value});
    });
}

void Node::stop(std::function<void()> done) {
    asio::post(io_, [this, done = std::move(done)]() mutable {
        if (stopped_ || !up_) {
            stopped_ = true;
            heartbeat_timer_.cancel();
            retry_timer_.cancel();
            if (cmd_) cmd_->close();
            if (sub_) sub_->close();
            return done();
        }
        publish("bye", Json::object());
        flush();
        auto finished = std::make_shared<std::function<void()>>(std::move(done));
        auto finish = [this, finished] {
            if (!*finished) return;
            auto callback = std::move(*finished);
            *finished = nullptr;
            stopped_ = true;
            up_ = false;
            counters_.link_up = false;
            heartbeat_timer_.cancel();
            retry_timer_.cancel();
            if (cmd_) cmd_->close();
            if (sub_) sub_->close();
            callback();
        };
        cmd_->command({"DEL", settings_.key_prefix + "node:" + settings_.node_name},
                      [finish](const RedisReply*) { finish(); });
        retry_timer_.expires_after(std::chrono::seconds(1));  // a stuck Redis does not hold the stop
        retry_timer_.async_wait([finish](const boost::system::error_code& ec) {
            if (!ec) finish();
        });
    });
}


}  // namespace hiconn::federation
