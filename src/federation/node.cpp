#include "federation/node.hpp"

#include "core/log.hpp"
#include "federation/redis_connection.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdio>
#include <random>

namespace hiconn::federation {

namespace asio = boost::asio;

namespace {

constexpr unsigned connect_timeout_ms = 2000;
constexpr unsigned first_backoff_ms = 250;
constexpr unsigned max_backoff_ms = 5000;

// Atomically: the network name must match, and our node key must be free or ours (same
// incarnation); then both are set, the node key with its TTL.
// KEYS: network key, node key. ARGV: network name, "INCARNATION:N", TTL ms, incarnation.
const char* const register_script = R"(
local net = redis.call('GET', KEYS[1])
if net and net ~= ARGV[1] then return {'network', net} end
local cur = redis.call('GET', KEYS[2])
if cur and string.sub(cur, 1, string.len(ARGV[4]) + 1) ~= ARGV[4] .. ':' then return {'taken', cur} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return {'ok', ''}
)";

// A name held by a live node (its node key names the holder's incarnation) stays with it:
// a new claim is refused. A re-claim after an outage (ARGV[4] = "1") takes the name from a
// live holder whose nick is later (NICK_MS, then the smaller node name), the rule every node
// applies to clashes. A holder that is not live is replaced.
// KEYS: claims hash. ARGV: name, "NODE|INCARNATION|NICK_MS|ID", key prefix, re-claim.
const char* const claim_script = R"(
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and cur ~= ARGV[2] then
  local node, inc, signon = string.match(cur, '^([^|]*)|([^|]*)|(%d+)|')
  local mnode, minc, msignon = string.match(ARGV[2], '^([^|]*)|([^|]*)|(%d+)|')
  if node and not (node == mnode and inc == minc) then
    local live = redis.call('GET', ARGV[3] .. 'node:' .. node)
    if live and string.sub(live, 1, string.len(inc) + 1) == inc .. ':' then
      if ARGV[4] ~= '1' then return 0 end
      local a, b = tonumber(signon), tonumber(msignon)
      if a < b or (a == b and node < mnode) then return 0 end
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
)";

const char* const release_script = R"(
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
)";

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
