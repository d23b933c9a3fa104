#include "tools/load/echo_mode.hpp"

#include "tools/load/client_stream.hpp"
#include "tools/load/payload.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <deque>
#include <random>

namespace hiconn::load {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// One echo connection. Its byte stream is payload::pattern() from `start_`; a write
// sends the next message, every read is compared with the stream at recv_offset_, and a
// message is complete (latency recorded) once recv_offset_ passes its end. With --tls the
// connection counts as connected once its TLS handshake is done.
class EchoSession : public std::enable_shared_from_this<EchoSession> {
public:
    EchoSession(EchoMode& mode, asio::io_context& io, std::size_t shard, std::uint64_t index)
        : mode_(mode), shard_(mode.shard(shard)), timer_(io), index_(index),
          server_(mode.target().server_of(mode.options().global_index(index))), stream_(io, mode.tls(), mode.ws(), server_),
          start_((index * 7919 + mode.options().seed) % payload::period),
          rng_(mode.options().seed * 1000003 + index) {
        const auto& o = mode.options();
        const std::size_t biggest = o.random_sizes() ? o.size_max : o.size;
        buffer_.resize(std::clamp<std::size_t>(biggest * o.depth, 4096, 65536));
        ++mode_.live();
    }
    ~EchoSession() { --mode_.live(); }

    void do_connect() {
        if (auto ec = open_socket(stream_.socket(), mode_.target(), server_, index_)) return on_connect_failed(ec);
        timer_.expires_after(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(mode_.options().connect_timeout_s)));
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->on_connect_timeout();
        });
        stream_.socket().async_connect(mode_.target().servers[server_],
                                       [self = shared_from_this()](const boost::system::error_code& ec) {
                                           self->on_connect(ec);
                                       });
    }

    /// The measured phase begins: fill the pipeline (or start the pacing timer).
    void begin() {
        if (!open_) return;
        if (mode_.interval_s() > 0) {
            next_tick_ = Clock::now();
            do_tick();
        } else {
            do_send();
        }
    }

    void close() {
        open_ = false;
        boost::system::error_code ignored;
        timer_.cancel();
        stream_.socket().close(ignored);
    }

private:
    void on_connect_timeout() {
        timed_out_ = true;
        boost::system::error_code ignored;
        stream_.socket().close(ignored);
    }

    void on_connect(const boost::system::error_code& ec) {
        if (timed_out_) return on_connect_failed({});
        if (ec) {
            timer_.cancel();
            return on_connect_failed(ec);
        }
        stream_.async_handshake([self = shared_from_this()](const boost::system::error_code& ec) {
            self->on_handshake(ec);
        });
    }

    // Plain TCP: at once, after the connect.
    void on_handshake(const boost::system::error_code& ec) {
        timer_.cancel();
        if (timed_out_) return on_connect_failed({});
        if (ec) return on_connect_failed(ec);
        open_ = true;
        shard_.connected.add();
        shard_.per_server.add(server_, EchoMode::ps_connected);
        shard_.sessions.push_back(shared_from_this());
        mode_.launcher().settle();
        do_read();
    }

    // No error: our own timeout.
    void on_connect_failed(const boost::system::error_code& ec) {
        const std::string name = ec ? stream_error_name(ec) : "timeout";
        ++shard_.errors[name];
        shard_.failed.add();
        shard_.per_server.add(server_, EchoMode::ps_failed);
        if (is_local_resource_error(ec)) mode_.launcher().stop(name);
        mode_.launcher().settle();
    }

    std::size_t next_size() {
        const auto& o = mode_.options();
        if (!o.random_sizes()) return o.size;
        return std::uniform_int_distribution<std::size_t>(o.size_min, o.size_max)(rng_);
    }

    // Rate mode: each tick earns one message; a tick that finds the pipeline full counts
    // nothing extra (the credit waits), so a slow server lowers the rate, not the depth.
    void do_tick() {
        next_tick_ += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(mode_.interval_s()));
        timer_.expires_at(next_tick_);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->on_tick();
        });
    }

    void on_tick() {
        if (!open_ || !mode_.sending()) return;
        if (credits_ < mode_.options().depth) ++credits_;
        do_send();
        do_tick();
    }

    void do_send() {
        const auto& o = mode_.options();
        if (!open_ || writing_ || !mode_.sending() || in_flight_.size() >= o.depth) return;
        if (mode_.interval_s() > 0) {
            if (credits_ == 0) return;
            --credits_;
        }
        const std::size_t size = next_size();
        const unsigned char* data = payload::pattern() + payload::position(start_, send_offset_);
        send_offset_ += size;
        in_flight_.push_back({send_offset_, Clock::now()});
        shard_.outstanding.add();
        writing_ = true;
        asio::async_write(stream_, asio::buffer(data, size),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              self->on_write(ec, n);
                          });
    }

    void on_write(const boost::system::error_code& ec, std::size_t n) {
        writing_ = false;
        if (ec) return on_error(ec);
        shard_.sent_total.add(n);
        do_send();
    }

    void do_read() {
        stream_.async_read_some(asio::buffer(buffer_),
                                [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                    self->on_read(ec, n);
                                });
    }

    void on_read(const boost::system::error_code& ec, std::size_t n) {
        if (ec) return on_error(ec);
        std::size_t expected = n;
        if (recv_offset_ + n > send_offset_) {  // more than we sent: the server made bytes up
            expected = static_cast<std::size_t>(send_offset_ - recv_offset_);
            shard_.excess_bytes.add(n - expected);
        }
        if (const auto bad = payload::count_mismatches(buffer_.data(), expected, start_, recv_offset_)) {
            shard_.mismatched_bytes.add(bad);
            if (!mismatched_) shard_.mismatched_connections.add();
            mismatched_ = true;
        }
        recv_offset_ += expected;
        shard_.received_total.add(n);
        const bool measuring = mode_.measuring();
        if (measuring) shard_.bytes.add(n);
        const auto now = Clock::now();
        while (!in_flight_.empty() && in_flight_.front().end <= recv_offset_) {
            if (measuring) {
                shard_.messages.add();
                shard_.per_server.add(server_, EchoMode::ps_messages);
                shard_.latency.record(static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(now - in_flight_.front().sent).count()));
            }
            shard_.outstanding.sub();
            shard_.completed.add();
            in_flight_.pop_front();
        }
        do_send();
        do_read();
    }

    void on_error(const boost::system::error_code& ec) {
        if (!open_) return;
        open_ = false;
        if (!mode_.closing()) {
            shard_.closed_by_server.add();
            shard_.per_server.add(server_, EchoMode::ps_closed_by_server);
            ++shard_.errors[stream_error_name(ec)];
        }
        boost::system::error_code ignored;
        timer_.cancel();
        stream_.socket().close(ignored);
    }

    struct InFlight {
        std::uint64_t end;        // stream offset just past the message
        Clock::time_point sent;
    };

    EchoMode& mode_;
    EchoMode::Shard& shard_;
    asio::steady_timer timer_;
    const std::uint64_t index_;  ///< this process's connection number
    const std::size_t server_;
    ClientStream stream_;
    const std::uint64_t start_;
    std::mt19937_64 rng_;
    std::vector<unsigned char> buffer_;
    std::deque<InFlight> in_flight_;
    std::uint64_t send_offset_ = 0;
    std::uint64_t recv_offset_ = 0;
    std::size_t credits_ = 0;
    Clock::time_point next_tick_;
    bool open_ = false;
    bool writing_ = false;
    bool timed_out_ = false;
    bool mismatched_ = false;
};

EchoMode::EchoMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient* tls,
                   WsClient* ws)
    : options_(options), pool_(pool), target_(target), tls_(tls), ws_(ws),
      launcher_(pool, options.connections, options.connect_rate, options.concurrency,
                [this](std::uint64_t index, asio::io_context& io) {
                    std::make_shared<EchoSession>(*this, io, index % pool_.size(), index)->do_connect();
                }) {
    for (std::size_t i = 0; i < pool.size(); ++i) shards_.push_back(std::make_unique<Shard>(target.servers.size()));
    if (options.rate > 0 && options.connections > 0)
        interval_s_ = static_cast<double>(options.connections) / options.rate;
}

EchoMode::~EchoMode() = default;

void EchoMode::start_measure() {
    measure_start_ = Clock::now();
    measuring_ = true;
    sending_ = true;
    for (std::size_t i = 0; i < shards_.size(); ++i)
        asio::post(pool_.context(i), [shard = shards_[i].get()] {
            for (auto& session : shard->sessions) session->begin();
        });
}

void EchoMode::stop_measure() {
    measuring_ = false;
    sending_ = false;
    measured_s_ = std::chrono::duration<double>(Clock::now() - measure_start_).count();
}

bool EchoMode::drained() const {
    std::uint64_t outstanding = 0;
    for (const auto& s : shards_) outstanding += s->outstanding.get();
    return outstanding == 0;
}

void EchoMode::close_all() {
    closing_ = true;
    for (std::size_t i = 0; i < shards_.size(); ++i)
        asio::post(pool_.context(i), [shard = shards_[i].get()] {
            for (auto& session : shard->sessions) session->close();
            shard->sessions.clear();
        });
}

Json EchoMode::progress() const {
    Json p = {{"phase", measuring() ? "echo" : "connect"}};
    std::uint64_t connected = 0, failed = 0, messages = 0, mismatched = 0;
    for (const auto& s : shards_) {
        connected += s->connected.get();
        failed += s->failed.get();
        messages += s->messages.get();
        mismatched += s->mismatched_bytes.get();
    }
    p["connected"] = connected;
    p["failed"] = failed;
    p["messages"] = messages;
    p["mismatched_bytes"] = mismatched;
    return p;
}

Json EchoMode::raw_result() const {
    Json raw = {{"mode", "echo"}, {"errors", Json::object()}, {"stop_reason", launcher_.stop_reason()}};
    Json c = Json::object();
    auto sum = [&](const char* name, Counter Shard::*field) {
        std::uint64_t total = 0;
        for (const auto& s : shards_) total += ((*s).*field).get();
        c[name] = total;
    };
    sum("connected", &Shard::connected);
    sum("connect_failed", &Shard::failed);
    sum("messages", &Shard::messages);
    sum("bytes", &Shard::bytes);
    sum("unanswered", &Shard::outstanding);
    sum("messages_completed", &Shard::completed);
    sum("mismatched_bytes", &Shard::mismatched_bytes);
    sum("mismatched_connections", &Shard::mismatched_connections);
    sum("excess_bytes", &Shard::excess_bytes);
    sum("closed_by_server", &Shard::closed_by_server);
    sum("bytes_sent_total", &Shard::sent_total);
    sum("bytes_received_total", &Shard::received_total);
    c["requested"] = options_.connections;
    raw["counters"] = c;
    Histogram latency;
    for (const auto& s : shards_) {
        latency.merge(s->latency);
        add_errors(raw["errors"], s->errors);
    }
    raw["latency"] = latency.to_json();
    raw["max"] = {{"measured_s", measured_s_}, {"connect_s", launcher_.elapsed_s()}};
    raw["per_server"] = per_server_raw<ps_fields>(options_, target_, "requested",
                                                  {"connected", "connect_failed", "messages", "closed_by_server"},
                                                  shards_);
    return raw;
}

}  // namespace hiconn::load
