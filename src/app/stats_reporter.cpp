#include "app/stats_reporter.hpp"

#include "core/log.hpp"
#include "core/server.hpp"
#include "core/workload.hpp"

#include <boost/asio/post.hpp>

#include <cstdio>

namespace hiconn::app {

StatsReporter::StatsReporter(boost::asio::io_context& io, core::Server& server, std::uint32_t interval_s)
    : io_(io), server_(server), timer_(io), interval_s_(interval_s) {}

void StatsReporter::start() {
    last_ = server_.stats().snapshot();
    last_time_ = std::chrono::steady_clock::now();
    do_wait();
}

void StatsReporter::stop() { timer_.cancel(); }

void StatsReporter::set_interval(std::uint32_t interval_s) {
    boost::asio::post(io_, [this, interval_s] {
        const bool was_off = interval_s_ == 0;
        interval_s_ = interval_s;
        if (was_off) do_wait();
    });
}

void StatsReporter::do_wait() {
    if (interval_s_ == 0) return;
    timer_.expires_after(std::chrono::seconds(interval_s_));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) on_timer();
    });
}

void StatsReporter::on_timer() {
    const auto now = server_.stats().snapshot();
    const auto time = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(time - last_time_).count();
    std::string line = format(last_, now, seconds);
    const std::string workload = server_.workload().describe();
    if (!workload.empty()) line += "; " + workload;
    log::info(line);
    last_ = now;
    last_time_ = time;
    do_wait();
}

std::string StatsReporter::format(const core::StatsSnapshot& previous, const core::StatsSnapshot& now,
                                  double seconds) {
    if (seconds <= 0) seconds = 1;
    const auto rate = [seconds](std::uint64_t a, std::uint64_t b) { return (b >= a ? b - a : 0) / seconds; };
    char head[512];
    std::snprintf(head, sizeof head,
                  "stats: connections %llu (peak %llu), accepts %.1f/s, outstanding accepts %llu "
                  "(target %llu)%s, posted sends %llu, waiting for a send slot %llu, posted receives "
                  "%llu, send queues %llu B, in %.0f B/s, out %.0f B/s, closes",
                  static_cast<unsigned long long>(now.connections),
                  static_cast<unsigned long long>(now.connections_peak), rate(previous.accepts, now.accepts),
                  static_cast<unsigned long long>(now.outstanding_accepts),
                  static_cast<unsigned long long>(now.accept_target), now.accepting ? "" : " [not accepting]",
                  static_cast<unsigned long long>(now.posted_sends),
                  static_cast<unsigned long long>(now.send_waiters),
                  static_cast<unsigned long long>(now.posted_receives),
                  static_cast<unsigned long long>(now.send_queue_bytes), rate(previous.bytes_in, now.bytes_in),
                  rate(previous.bytes_out, now.bytes_out));
    std::string line = head;
    double total = 0;
    std::string reasons;
    for (std::size_t i = 0; i < core::close_reason_count; ++i) {
        const double r = rate(previous.closes[i], now.closes[i]);
        total += r;
        if (r > 0) {
            char part[96];
            std::snprintf(part, sizeof part, " %s %.1f/s", core::to_string(static_cast<core::CloseReason>(i)), r);
            reasons += part;
        }
    }
    char sum[32];
    std::snprintf(sum, sizeof sum, " %.1f/s", total);
    line += sum;
    if (!reasons.empty()) line += " (" + reasons.substr(1) + ")";
    return line;
}

}  // namespace hiconn::app
