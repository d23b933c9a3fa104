#include "tools/load/chat_mode.hpp"

#include "tools/load/chat_session.hpp"

namespace hiconn::load {

ChatMode::ChatMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient* tls,
                   WsClient* ws)
    : options_(options), pool_(pool), target_(target), tls_(tls), ws_(ws),
      launcher_(pool, options.connections, options.connect_rate, options.concurrency,
                [this](std::uint64_t index, asio::io_context& io) {
                    std::make_shared<ChatSession>(*this, io, index % pool_.size(), index)->do_connect();
                }) {
    for (std::size_t i = 0; i < pool.size(); ++i) shards_.push_back(std::make_unique<Shard>(target.servers.size()));
    if (options.rate > 0 && options.senders > 0)
        send_interval_s_ = static_cast<double>(options.senders) / options.rate;
}

ChatMode::~ChatMode() = default;

// Server s holds clients g = q * S + s, q = 0, 1, ...: client q of server s joins channel
// (q + s * K) % C with K = ceil(C / S) (one server: g % C).
std::uint64_t ChatMode::channel_of(std::uint64_t global) const {
    const std::uint64_t servers = target_.servers.size(), channels = options_.channels;
    const std::uint64_t stride = (channels + servers - 1) / servers;
    return (global / servers + (global % servers) * stride) % channels;
}

std::uint64_t ChatMode::channel_members_on(std::uint64_t c, std::size_t s) const {
    const std::uint64_t n = options_.total_connections, servers = target_.servers.size();
    const std::uint64_t channels = options_.channels, stride = (channels + servers - 1) / servers;
    const std::uint64_t on_server = n > s ? (n - s + servers - 1) / servers : 0;  // q < on_server
    const std::uint64_t first = (c + channels - (s * stride) % channels) % channels;  // q % C == first
    return on_server > first ? (on_server - first + channels - 1) / channels : 0;
}

std::uint64_t ChatMode::channel_members(std::uint64_t c) const {
    std::uint64_t total = 0;
    for (std::size_t s = 0; s < target_.servers.size(); ++s) total += channel_members_on(c, s);
    return total;
}

void ChatMode::start_measure() {
    measure_start_ = Clock::now();
    sending_ = send_interval_s_ > 0;
    for (std::size_t i = 0; i < shards_.size(); ++i)
        asio::post(pool_.context(i), [shard = shards_[i].get()] {
            for (auto& session : shard->sessions) session->begin();
        });
}

void ChatMode::stop_measure() {
    sending_ = false;
    measure_stop_ = Clock::now();
    measured_s_ = std::chrono::duration<double>(measure_stop_ - measure_start_).count();
    last_change_ = measure_stop_;
    last_received_ = 0;
    for (const auto& s : shards_) last_received_ += s->received.get() + s->duplicates.get();
}

bool ChatMode::drained() const {
    std::uint64_t received = 0, expected = 0;
    for (const auto& s : shards_) {
        received += s->received.get() + s->duplicates.get();
        expected += s->expected.get();
    }
    const auto now = Clock::now();
    if (received != last_received_) {  // when the last delivery arrived: drain_s
        last_received_ = received;
        last_change_ = now;
    }
    // Alone, this process knows what is still under way. A worker only knows its own
    // senders: it waits until nothing arrived for a second (or --drain ends the wait).
    if (options_.proc_count == 1) return received >= expected;
    return now - last_change_ >= std::chrono::seconds(1);
}

void ChatMode::close_all() {
    closing_ = true;
    for (std::size_t i = 0; i < shards_.size(); ++i)
        asio::post(pool_.context(i), [shard = shards_[i].get()] {
            for (auto& session : shard->sessions) session->close();
            shard->sessions.clear();
        });
}

Json ChatMode::progress() const {
    std::uint64_t registered = 0, joined = 0, failed = 0, sent = 0, received = 0;
    for (const auto& s : shards_) {
        registered += s->registered.get();
        joined += s->joined.get();
        failed += s->failed.get();
        sent += s->sent.get();
        received += s->received.get();
    }
    return {{"phase", sending() ? "chat" : "register"}, {"registered", registered},
            {"joined", joined}, {"failed", failed}, {"sent", sent}, {"received", received}};
}

Json ChatMode::raw_result() const {
    Json raw = {{"mode", "chat"}, {"errors", Json::object()}, {"stop_reason", launcher_.stop_reason()}};
    Json c = Json::object();
    auto sum = [&](const char* name, Counter Shard::*field) {
        std::uint64_t total = 0;
        for (const auto& s : shards_) total += ((*s).*field).get();
        c[name] = total;
    };
    sum("connected", &Shard::connected);
    sum("registered", &Shard::registered);
    sum("joined", &Shard::joined);
    sum("register_failed", &Shard::failed);
    sum("closed_by_server", &Shard::closed_by_server);
    sum("sent", &Shard::sent);
    sum("expected", &Shard::expected);
    sum("received", &Shard::received);
    sum("duplicates", &Shard::duplicates);
    sum("corrupt", &Shard::corrupt);
    sum("pings_answered", &Shard::pings);
    sum("expected_remote", &Shard::expected_remote);
    sum("received_remote", &Shard::received_remote);
    c["clients"] = options_.connections;
    raw["counters"] = c;
    Histogram latency, latency_remote;
    for (const auto& s : shards_) {
        latency.merge(s->latency);
        latency_remote.merge(s->latency_remote);
        add_errors(raw["errors"], s->errors);
    }
    raw["latency"] = latency.to_json();
    raw["latency_remote"] = latency_remote.to_json();
    raw["per_server"] = per_server_raw<ps_fields>(
        options_, target_, "clients",
        {"connected", "registered", "joined", "register_failed", "closed_by_server", "sent", "expected", "received"},
        shards_);
    // Deliveries that arrive after the senders stopped (a server with a backlog) took this
    // much longer: deliveries/s is counted over measured_s + drain_s.
    const double drain_s = measure_stop_ == Clock::time_point{} || last_change_ < measure_stop_
                               ? 0
                               : std::chrono::duration<double>(last_change_ - measure_stop_).count();
    raw["max"] = {{"measured_s", measured_s_}, {"drain_s", drain_s}, {"register_s", launcher_.elapsed_s()}};
    return raw;
}

}  // namespace hiconn::load
