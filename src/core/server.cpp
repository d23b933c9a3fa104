#include "core/server.hpp"

#include "core/io_pool.hpp"
#include "core/listener.hpp"
#include "core/log.hpp"
#include "core/operation_limiter.hpp"
#include "core/worker.hpp"
#include "core/workload.hpp"

#include <boost/asio/ip/address.hpp>

namespace hiconn::core {
namespace asio = boost::asio;
using asio::ip::tcp;

Server::Server(IoPool& io, const EngineSettings& settings, Workload& workload)
    : io_(io),
      workload_(workload),
      stats_(io.size()),
      settings_(std::make_shared<const EngineSettings>(settings)),
      send_limiter_(std::make_unique<OperationLimiter>(settings.limits.max_outstanding_sends)),
      receive_limiter_(std::make_unique<OperationLimiter>(settings.limits.max_outstanding_receives)),
      budget_(stats_) {
    budget_.set_limits(settings.limits, settings.accept.on_limit);
    for (std::size_t i = 0; i < io.size(); ++i)
        workers_.push_back(std::make_unique<Worker>(*this, i, io.context(i), settings_));
}

Server::~Server() = default;

std::shared_ptr<const EngineSettings> Server::settings() const {
    std::lock_guard lock(settings_mutex_);
    return settings_;
}

void Server::start() {
    const auto settings = this->settings();
    std::size_t index = 0;
    for (const auto& listen : settings->listen) {
        // Spread the listeners over the threads; accepted sockets go round robin anyway.
        auto listener = std::make_unique<Listener>(*this, io_.context(index++ % io_.size()), listen);
        listener->open();
        listeners_.push_back(std::move(listener));
    }
    workload_.listening(local_listeners());
    for (auto& worker : workers_) worker->start();
    for (auto& listener : listeners_) listener->start();
}

void Server::pause() {
    if (paused_.exchange(true) || stopping_) return;
    stats_.accepting = false;
    for (auto& listener : listeners_) listener->pause();
}

void Server::resume() {
    if (!paused_.exchange(false) || stopping_) return;
    stats_.accepting = true;
    for (auto& listener : listeners_) listener->resume();
}

void Server::stop(std::function<void()> done) {
    if (stopping_.exchange(true)) return;
    on_stopped_ = std::move(done);
    stats_.accepting = false;
    for (auto& listener : listeners_) listener->stop();
    for (auto& worker : workers_) worker->stop();
}

void Server::on_worker_drained() {
    if (drained_workers_.fetch_add(1) + 1 == workers_.size() && on_stopped_) on_stopped_();
}

void Server::apply(const EngineSettings& settings) {
    auto next = std::make_shared<const EngineSettings>(settings);
    {
        std::lock_guard lock(settings_mutex_);
        settings_ = next;
    }
    budget_.set_limits(settings.limits, settings.accept.on_limit);
    send_limiter_->set_capacity(settings.limits.max_outstanding_sends);
    receive_limiter_->set_capacity(settings.limits.max_outstanding_receives);
    for (auto& worker : workers_) worker->update_settings(next);
    for (auto& listener : listeners_)
        listener->set_watermarks(settings.accept.low_watermark, settings.accept.high_watermark);
    wake_listeners();  // a raised limit resumes paused listeners
}

void Server::release(const Admission& admission, const asio::ip::address& remote) {
    budget_.release(admission, remote);
    wake_listeners();
}

void Server::wake_listeners() {
    for (auto& listener : listeners_) listener->on_connection_released();
}

std::vector<tcp::endpoint> Server::local_endpoints() const {
    std::vector<tcp::endpoint> endpoints;
    for (const auto& listener : listeners_) endpoints.push_back(listener->local_endpoint());
    return endpoints;
}

std::vector<EngineSettings::Listen> Server::local_listeners() const {
    std::vector<EngineSettings::Listen> listeners;
    for (const auto& listener : listeners_) listeners.push_back({listener->local_endpoint(), listener->tls(), listener->proxy(), listener->websocket()});
    return listeners;
}

}  // namespace hiconn::core
