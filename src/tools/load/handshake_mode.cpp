#include "tools/load/handshake_mode.hpp"

#include "tools/load/client_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace hiconn::load {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// One attempt of one client: connect, handshake, close_notify, close; then the mode starts
// the client's next attempt. Each stage runs under the same deadline timer, re-armed for
// the close; when it fires it closes the socket, so the stage under way ends with an error.
class HandshakeAttempt : public std::enable_shared_from_this<HandshakeAttempt> {
public:
    HandshakeAttempt(HandshakeMode& mode, asio::io_context& io, std::uint64_t client, std::uint64_t number)
        : mode_(mode), shard_(mode.shard(client % mode.shard_count())), timer_(io), client_(client),
          number_(number), server_(mode.target().server_of(mode.options().global_index(client))),
          stream_(io, &mode.tls(), nullptr, server_) {
        ++mode_.live();
    }
    ~HandshakeAttempt() { --mode_.live(); }

    void start() {
        // Successive attempts of a client take successive --sources (round robin).
        if (auto ec = open_socket(stream_.socket(), mode_.target(), server_, number_)) return fail(ec);
        started_ = Clock::now();
        arm_deadline();
        stream_.socket().async_connect(mode_.target().servers[server_],
                                       [self = shared_from_this()](const boost::system::error_code& ec) {
                                           self->on_connect(ec);
                                       });
    }

    void close() {
        boost::system::error_code ignored;
        timer_.cancel();
        stream_.socket().close(ignored);
    }

private:
    void arm_deadline() {
        timer_.expires_after(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(mode_.options().connect_timeout_s)));
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec) return;
            self->timed_out_ = true;
            boost::system::error_code ignored;
            self->stream_.socket().close(ignored);
        });
    }

    void on_connect(const boost::system::error_code& ec) {
        if (ec || timed_out_) return fail(ec);
        stream_.async_handshake([self = shared_from_this()](const boost::system::error_code& ec) {
            self->on_handshake(ec);
        });
    }

    void on_handshake(const boost::system::error_code& ec) {
        if (ec || timed_out_) return fail(ec);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
        shard_.completed.add();
        if (mode_.measuring()) {
            shard_.handshakes.add();
            shard_.per_server.add(server_, HandshakeMode::ps_handshakes);
            shard_.latency.record(static_cast<std::uint64_t>(us));
        }
        timer_.cancel();
        arm_deadline();
        stream_.async_shutdown([self = shared_from_this()](const boost::system::error_code& ec) {
            self->on_shutdown(ec);
        });
    }

    // The server answered close_notify with its own, closed the connection, or sent data
    // that crossed our close_notify (is_orderly_close): the attempt is over either way. Only
    // our deadline or a reset is counted, and not as a failed handshake.
    void on_shutdown(const boost::system::error_code& ec) {
        if (timed_out_ || !is_orderly_close(ec)) {
            if (!mode_.closing()) {
                shard_.close_errors.add();
                ++shard_.errors["close: " + (timed_out_ ? std::string("timeout") : stream_error_name(ec))];
            }
        }
        finish("");
    }

    // No error: our own timeout.
    void fail(const boost::system::error_code& ec) {
        const std::string name = timed_out_ || !ec ? "timeout" : stream_error_name(ec);
        const bool ours = mode_.closing() || (ec == asio::error::operation_aborted && !timed_out_);
        if (!ours) {
            shard_.failed.add();
            shard_.per_server.add(server_, HandshakeMode::ps_failed);
            ++shard_.errors[name];
        }
        finish(is_local_resource_error(ec) ? name : "");
    }

    void finish(const std::string& stop_reason) {
        close();
        mode_.next(client_, stop_reason);
    }

    HandshakeMode& mode_;
    HandshakeMode::Shard& shard_;
    asio::steady_timer timer_;
    const std::uint64_t client_;  ///< this process's client number
    const std::uint64_t number_;  ///< this process's attempt number
    const std::size_t server_;
    ClientStream stream_;
    Clock::time_point started_;
    bool timed_out_ = false;
};

HandshakeMode::HandshakeMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient& tls)
    : options_(options), pool_(pool), target_(target), tls_(tls) {
    for (std::size_t i = 0; i < pool.size(); ++i) shards_.push_back(std::make_unique<Shard>(target.servers.size()));
    for (std::uint64_t c = 0; c < options.connections; ++c) shards_[c % pool.size()]->current.emplace_back();
}

HandshakeMode::~HandshakeMode() = default;

void HandshakeMode::start_measure() {
    measure_start_ = Clock::now();
    measuring_ = true;
    active_ = static_cast<std::int64_t>(options_.connections);
    for (std::uint64_t c = 0; c < options_.connections; ++c) start_attempt(c);
}

void HandshakeMode::stop_measure() {
    measuring_ = false;
    measured_s_ = std::chrono::duration<double>(Clock::now() - measure_start_).count();
}

void HandshakeMode::next(std::uint64_t client, const std::string& stop_reason) {
    if (!stop_reason.empty()) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stop_reason_.empty()) stop_reason_ = stop_reason;
    }
    if (!stop_reason.empty() || !measuring() || closing()) {
        --active_;
        return;
    }
    start_attempt(client);
}

// Posted, so that an attempt that fails at once (no socket) does not recurse.
void HandshakeMode::start_attempt(std::uint64_t client) {
    const std::uint64_t number = attempts_.fetch_add(1);
    if (number >= options_.max_handshakes) {
        --active_;
        return;
    }
    auto& io = pool_.context(client % pool_.size());
    asio::post(io, [this, client, number, &io] {
        if (closing()) {
            --active_;
            return;
        }
        auto attempt = std::make_shared<HandshakeAttempt>(*this, io, client, number);
        shard(client % pool_.size()).current[client / pool_.size()] = attempt;
        attempt->start();
    });
}

void HandshakeMode::close_all() {
    closing_ = true;
    for (std::size_t i = 0; i < shards_.size(); ++i)
        asio::post(pool_.context(i), [shard = shards_[i].get()] {
            for (auto& weak : shard->current)
                if (auto attempt = weak.lock()) attempt->close();
        });
}

Json HandshakeMode::progress() const {
    std::uint64_t handshakes = 0, failed = 0;
    for (const auto& s : shards_) {
        handshakes += s->handshakes.get();
        failed += s->failed.get();
    }
    return {{"phase", "handshake"}, {"handshakes", handshakes}, {"failed", failed}};
}

Json HandshakeMode::raw_result() const {
    std::string reason;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        reason = stop_reason_;
    }
    Json raw = {{"mode", "handshake"}, {"errors", Json::object()}, {"stop_reason", reason}};
    Json c = Json::object();
    auto sum = [&](const char* name, Counter Shard::*field) {
        std::uint64_t total = 0;
        for (const auto& s : shards_) total += ((*s).*field).get();
        c[name] = total;
    };
    sum("handshakes", &Shard::handshakes);
    sum("handshakes_completed", &Shard::completed);
    sum("failed", &Shard::failed);
    sum("close_errors", &Shard::close_errors);
    c["clients"] = options_.connections;
    c["attempts"] = std::min<std::uint64_t>(attempts_.load(), options_.max_handshakes);
    raw["counters"] = c;
    Histogram latency;
    for (const auto& s : shards_) {
        latency.merge(s->latency);
        add_errors(raw["errors"], s->errors);
    }
    raw["latency"] = latency.to_json();
    raw["max"] = {{"measured_s", measured_s_}};
    raw["per_server"] = per_server_raw<ps_fields>(options_, target_, "clients", {"handshakes", "failed"}, shards_);
    return raw;
}

}  // namespace hiconn::load
