#include "tools/load/launcher.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace hiconn::load {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

Launcher::Launcher(core::IoPool& pool, std::uint64_t total, double rate, std::size_t concurrency,
                   LaunchFn launch)
    : pool_(pool), total_(total), rate_(rate), concurrency_(concurrency),
      launch_(std::move(launch)), timer_(pool.context(0)) {}

void Launcher::start() {
    asio::post(pool_.context(0), [this] {
        started_ = Clock::now();
        on_tick();
    });
}

void Launcher::stop(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop_reason_.empty()) stop_reason_ = reason;
    stopped_ = true;
}

std::string Launcher::stop_reason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_reason_;
}

bool Launcher::done() const {
    const auto settled = settled_.load(std::memory_order_relaxed);
    return settled == total_ || (stopped_ && settled == launched());
}

double Launcher::elapsed_s() const {
    const auto ns = last_settle_ns_.load(std::memory_order_relaxed);
    return ns / 1e9;
}

void Launcher::do_tick() {
    timer_.expires_after(std::chrono::milliseconds(1));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) on_tick();
    });
}

std::uint64_t launch_budget(std::uint64_t total, std::uint64_t launched, std::uint64_t settled,
                            double rate, double since_s, std::size_t concurrency, std::uint64_t per_tick) {
    if (launched >= total) return 0;
    std::uint64_t allowed = total - launched;
    if (rate > 0) {  // paced: attempt n starts n / rate seconds after the first
        const auto due = static_cast<std::uint64_t>(rate * since_s) + 1;
        allowed = std::min<std::uint64_t>(allowed, due > launched ? due - launched : 0);
    }
    const std::uint64_t in_flight = launched > settled ? launched - settled : 0;
    allowed = std::min<std::uint64_t>(allowed, in_flight < concurrency ? concurrency - in_flight : 0);
    return std::min<std::uint64_t>(allowed, per_tick);  // keep a tick short
}

void Launcher::on_tick() {
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - started_).count();
    std::uint64_t launched = launched_.load(std::memory_order_relaxed);
    const std::uint64_t settled = settled_.load(std::memory_order_relaxed);
    if (settled > 0)  // the progress of settling, for connects/s (approximate to 1 ms)
        last_settle_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(now - started_).count();
    if (done()) return;
    if (!stopped_ && launched < total_) {
        const std::uint64_t allowed = launch_budget(total_, launched, settled, rate_, since, concurrency_);
        for (std::uint64_t i = 0; i < allowed; ++i, ++launched) {
            auto& io = pool_.context(launched % pool_.size());
            launched_.store(launched + 1, std::memory_order_relaxed);
            asio::post(io, [this, launched, &io] { launch_(launched, io); });
        }
    }
    do_tick();
}

}  // namespace hiconn::load

