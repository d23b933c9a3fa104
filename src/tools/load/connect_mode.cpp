#include "tools/load/connect_mode.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace hiconn::load {

namespace asio = boost::asio;
using asio::ip::tcp;

// One connection: connect with a timeout, then wait (zero-byte) for the server to close it.
class ConnectSession : public std::enable_shared_from_this<ConnectSession> {
public:
    ConnectSession(ConnectMode& mode, asio::io_context& io, std::size_t shard, std::uint64_t index)
        : mode_(mode), shard_(mode.shard(shard)), socket_(io), timer_(io), index_(index),
          server_(mode.target().server_of(mode.options().global_index(index))) {
        ++mode_.live();
    }
    ~ConnectSession() { --mode_.live(); }

    void do_connect() {
        if (auto ec = open_socket(socket_, mode_.target(), server_, index_)) return on_failed(ec.value());
        timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(mode_.options().connect_timeout_s)));
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->on_timeout();
        });
        socket_.async_connect(mode_.target().servers[server_],
                              [self = shared_from_this()](const boost::system::error_code& ec) {
                                  self->on_connect(ec);
                              });
    }

    void close() {
        boost::system::error_code ignored;
        timer_.cancel();
        socket_.close(ignored);
    }

private:
    void on_timeout() {
        timed_out_ = true;
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

    void on_connect(const boost::system::error_code& ec) {
        timer_.cancel();
        if (timed_out_) return on_failed(0);
        if (ec) return on_failed(ec.value());
        shard_.connected.add();
        shard_.per_server.add(server_, ConnectMode::ps_connected);
        mode_.launcher().settle();
        shard_.sessions.push_back(shared_from_this());
        do_watch();
    }

    // errno 0 = our own timeout.
    void on_failed(int errno_value) {
        const std::string name = errno_value ? error_name(errno_value) : "timeout";
        ++shard_.errors[name];
        shard_.failed.add();
        shard_.per_server.add(server_, ConnectMode::ps_failed);
        if (is_local_resource_error(errno_value)) mode_.launcher().stop(name);
        mode_.launcher().settle();
    }

    // No buffer while held: readiness means the server closed (or, oddly, sent data).
    void do_watch() {
        socket_.async_wait(tcp::socket::wait_read,
                           [self = shared_from_this()](const boost::system::error_code& ec) {
                               self->on_watch(ec);
                           });
    }

    void on_watch(const boost::system::error_code& ec) {
        if (ec == asio::error::operation_aborted || mode_.closing()) return;
        shard_.dropped.add();
        shard_.per_server.add(server_, ConnectMode::ps_dropped);
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

    ConnectMode& mode_;
    ConnectMode::Shard& shard_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    std::uint64_t index_;   ///< this process's connection number
    std::size_t server_;
    bool timed_out_ = false;
};

ConnectMode::ConnectMode(const Options& options, core::IoPool& pool, const Target& target)
    : options_(options), pool_(pool), target_(target),
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
