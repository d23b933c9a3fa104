#include "tools/load/connect_mode.hpp"

#include "tools/load/client_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace hiconn::load {

namespace asio = boost::asio;
using asio::ip::tcp;

// One connection: connect (and with --tls complete the handshake) with a timeout, then wait
// for the server to close it: plain, a zero-byte wait; TLS, a one-byte read that OpenSSL
// completes only with data or the end (post-handshake messages such as TLS 1.3 session
// tickets make the socket readable but are no data).
class ConnectSession : public std::enable_shared_from_this<ConnectSession> {
public:
    ConnectSession(ConnectMode& mode, asio::io_context& io, std::size_t shard, std::uint64_t index)
        : mode_(mode), shard_(mode.shard(shard)), timer_(io), index_(index),
          server_(mode.target().server_of(mode.options().global_index(index))), stream_(io, mode.tls(), mode.ws(), server_) {
        ++mode_.live();
    }
    ~ConnectSession() { --mode_.live(); }

    void do_connect() {
        if (auto ec = open_socket(stream_.socket(), mode_.target(), server_, index_)) return on_failed(ec);
        timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(mode_.options().connect_timeout_s)));
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->on_timeout();
        });
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
    void on_timeout() {
        timed_out_ = true;
        boost::system::error_code ignored;
        stream_.socket().close(ignored);
    }

    void on_connect(const boost::system::error_code& ec) {
        if (timed_out_) return on_failed({});
        if (ec) {
            timer_.cancel();
            return on_failed(ec);
        }
        stream_.async_handshake([self = shared_from_this()](const boost::system::error_code& ec) {
            self->on_handshake(ec);
        });
    }

    // Plain TCP: at once, after the connect.
    void on_handshake(const boost::system::error_code& ec) {
        timer_.cancel();
        if (timed_out_) return on_failed({});
        if (ec) return on_failed(ec);
        shard_.connected.add();
        shard_.per_server.add(server_, ConnectMode::ps_connected);
        mode_.launcher().settle();
        shard_.sessions.push_back(shared_from_this());
        do_watch();
    }

    // No error: our own timeout.
    void on_failed(const boost::system::error_code& ec) {
        const std::string name = ec ? stream_error_name(ec) : "timeout";
        ++shard_.errors[name];
        shard_.failed.add();
        shard_.per_server.add(server_, ConnectMode::ps_failed);
        if (is_local_resource_error(ec)) mode_.launcher().stop(name);
        mode_.launcher().settle();
    }

    // No buffer while held: readiness means the server closed (or, oddly, sent data).
    void do_watch() {
        if (stream_.is_tls()) {
            stream_.async_read_some(asio::buffer(&byte_, 1),
                                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                                        if (!ec && !self->mode_.closing()) return self->do_watch();  // data: ignored
                                        self->on_watch(ec);
                                    });
            return;
        }
        stream_.socket().async_wait(tcp::socket::wait_read,
                                    [self = shared_from_this()](const boost::system::error_code& ec) {
                                        self->on_watch(ec);
                                    });
    }

    void on_watch(const boost::system::error_code& ec) {
        if (ec == asio::error::operation_aborted || mode_.closing()) return;
        shard_.dropped.add();
        shard_.per_server.add(server_, ConnectMode::ps_dropped);
        boost::system::error_code ignored;
        stream_.socket().close(ignored);
    }

    ConnectMode& mode_;
    ConnectMode::Shard& shard_;
    asio::steady_timer timer_;
    std::uint64_t index_;   ///< this process's connection number
    std::size_t server_;
    ClientStream stream_;
    bool timed_out_ = false;
    char byte_ = 0;         ///< TLS: the watch's read buffer
};

ConnectMode::ConnectMode(const Options& options, core::IoPool& pool, const Target& target, TlsClient* tls,
                         WsClient* ws)
    : options_(options), pool_(pool), target_(target), tls_(tls), ws_(ws),
      launcher_(pool, options.connections, options.connect_rate, options.concurrency,
                [this](std::uint64_t index, asio::io_context& io) {
                    std::make_shared<ConnectSession>(*this, io, index % pool_.size(), index)
                        ->do_connect();
                }) {
    for (std::size_t i = 0; i < pool.size(); ++i) shards_.push_back(std::make_unique<Shard>(target.servers.size()));
}

ConnectMode::~ConnectMode() = default;

void ConnectMode::start_measure() { launcher_.start(); }

void ConnectMode::stop_measure() {
    connect_s_ = launcher_.elapsed_s();
    launcher_.stop("");
}

void ConnectMode::close_all() {
    closing_ = true;
    for (std::size_t i = 0; i < shards_.size(); ++i) {
        asio::post(pool_.context(i), [shard = shards_[i].get()] {
            for (auto& session : shard->sessions) session->close();
            shard->sessions.clear();
        });
    }
}

Json ConnectMode::progress() const {
    Json p = {{"phase", "connect"}, {"connected", 0}, {"failed", 0}, {"dropped", 0}};
    for (const auto& s : shards_) {
        p["connected"] = p["connected"].get<std::uint64_t>() + s->connected.get();
        p["failed"] = p["failed"].get<std::uint64_t>() + s->failed.get();
        p["dropped"] = p["dropped"].get<std::uint64_t>() + s->dropped.get();
    }
    return p;
}

Json ConnectMode::raw_result() const {
    Json raw = {{"mode", "connect"}, {"counters", Json::object()}, {"errors", Json::object()},
                {"max", {{"connect_s", connect_s_}}}, {"stop_reason", launcher_.stop_reason()}};
    std::uint64_t connected = 0, failed = 0, dropped = 0;
    for (const auto& s : shards_) {
        connected += s->connected.get();
        failed += s->failed.get();
        dropped += s->dropped.get();
        add_errors(raw["errors"], s->errors);
    }
    raw["counters"] = {{"requested", options_.connections}, {"attempted", launcher_.launched()},
                       {"connected", connected}, {"failed", failed}, {"dropped", dropped}};
    raw["per_server"] = per_server_raw<ps_fields>(options_, target_, "requested",
                                                  {"connected", "failed", "dropped"}, shards_);
    return raw;
}

}  // namespace hiconn::load
