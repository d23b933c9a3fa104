#include "core/worker.hpp"

#include "core/connection.hpp"
#include "core/server.hpp"

#include <boost/asio/post.hpp>

namespace hiconn::core {
namespace asio = boost::asio;

Worker::Worker(Server& server, std::size_t index, asio::io_context& io,
               std::shared_ptr<const EngineSettings> settings)
    : server_(server),
      workload_(server.workload()),
      stats_(server.stats()),
      shard_(server.stats().shard(index)),
      index_(index),
      io_(io),
      tick_timer_(io),
      flush_timer_(io),
      settings_(std::move(settings)) {}

Worker::~Worker() = default;

void Worker::start() {
    asio::post(io_, [this] { do_tick(); });
}

void Worker::do_tick() {
    tick_timer_.expires_after(std::chrono::seconds(1));
    tick_timer_.async_wait([this](const boost::system::error_code& ec) { on_tick(ec); });
}

void Worker::on_tick(const boost::system::error_code& ec) {
    if (ec) return;
    wheel_.advance([this](WheelNode& node) {
        auto& connection = static_cast<Connection&>(node);
        connection.on_timeout(wheel_.now());
    });
    if (!(stopping_ && count_ == 0)) do_tick();
}

void Worker::update_settings(std::shared_ptr<const EngineSettings> settings) {
    asio::post(io_, [this, settings = std::move(settings)]() mutable {
        settings_ = std::move(settings);
        // New timeouts: every connection re-evaluates its deadline on its next tick.
        for (auto& c : connections()) c->rearm_timer();
    });
}

void Worker::adopt(ConnectionPtr connection, Admission admission) {
    Connection& c = *connection;
    ++count_;  // c.start() puts it on the wheel, which is the registry
    c.start(admission);
    if (stopping_) c.close(CloseReason::server_stop);  // accepted while the stop began
}

void Worker::forget(Connection&) {
    --count_;
    check_drained();
}

void Worker::schedule_flush(Connection& connection) {
    flush_list_.push_back(connection.ptr());
    if (flush_pending_) return;
    flush_pending_ = true;
    const std::uint32_t coalesce_ms = settings_->coalesce_ms;
    if (coalesce_ms == 0) {
        // Runs after the handlers already queued on this thread: one gathered write per
        // connection for everything they enqueued.
        asio::post(io_, [this] { flush_pending(); });
        return;
    }
    // On a busy chat server most of the CPU goes to the kernel's per-write cost; waiting
    // a few milliseconds lets one write carry every line queued to a client meanwhile.
    // The timer is never cancelled, so nothing queued is held back longer than that.
    flush_timer_.expires_after(std::chrono::milliseconds(coalesce_ms));
    flush_timer_.async_wait([this](const boost::system::error_code&) { flush_pending(); });
}

void Worker::flush_pending() {
    flush_pending_ = false;
    std::vector<ConnectionPtr> list;
    list.swap(flush_list_);
    for (auto& connection : list) connection->flush();
}

std::vector<ConnectionPtr> Worker::connections() {
    std::vector<ConnectionPtr> all;
    all.reserve(count_);
    wheel_.for_each([&all](WheelNode& node) {
        all.push_back(static_cast<Connection&>(node).ptr());
    });
    return all;
}

void Worker::stop() {
    asio::post(io_, [this] {
        stopping_ = true;
        for (auto& c : connections()) c->close(CloseReason::server_stop);
        check_drained();
    });
}

void Worker::check_drained() {
    if (!stopping_ || count_ != 0 || drained_reported_) return;
    drained_reported_ = true;
    tick_timer_.cancel();
    server_.on_worker_drained();
}

}  // namespace hiconn::core
