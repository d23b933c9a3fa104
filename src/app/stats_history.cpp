#include "app/stats_history.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace hiconn::app {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct WorkloadSeriesInfo {
    const char* json;    ///< key in /stats/history
    const char* metric;  ///< the Metric's name in /stats workload_metrics
    bool rate;           ///< a counter drawn per second, or a gauge drawn as read
};

// Indexed by WorkloadSeries.
constexpr std::array<WorkloadSeriesInfo, workload_series_count> workload_series = {{
    {"deliveries_per_s", "chat_deliveries_total", true},
    {"messages_per_s", "chat_messages_total", true},
    {"federation_nodes", "federation_nodes", false},
}};

const core::Metric* find_metric(const MetricsSample& sample, const char* name) {
    for (const auto& m : sample.workload)
        if (m.name == name) return &m;
    return nullptr;
}

// A counter's increase, with a decrease taken as a reset to zero in between.
double increase(double before, double after) { return after >= before ? after - before : after; }

// Three decimals are plenty for a chart and keep the JSON short; NaN is JSON's null.
nlohmann::ordered_json value(double v) {
    if (!std::isfinite(v)) return nullptr;
    return std::round(v * 1000) / 1000;
}

}  // namespace

StatsHistory::StatsHistory(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
    ring_.reserve(capacity_);
}

HistoryPoint StatsHistory::make_point(const std::optional<MetricsSample>& previous,
                                      const MetricsSample& now, double seconds, std::int64_t unix_ms) {
    const auto& s = now.stats;
    HistoryPoint p;
    p.unix_ms = unix_ms;
    p.connections = s.connections;
    p.send_queue_bytes = s.send_queue_bytes;
    p.accepting = s.accepting;
    const bool have_rate = previous.has_value() && seconds > 0;
    const auto rate = [&](std::uint64_t before, std::uint64_t after) {
        return have_rate ? increase(double(before), double(after)) / seconds : nan;
    };
    const core::StatsSnapshot empty;
    const auto& b = have_rate ? previous->stats : empty;
    p.accepts_per_s = rate(b.accepts, s.accepts);
    p.bytes_in_per_s = rate(b.bytes_in, s.bytes_in);
    p.bytes_out_per_s = rate(b.bytes_out, s.bytes_out);
    for (std::size_t i = 0; i < p.closes_per_s.size(); ++i) p.closes_per_s[i] = rate(b.closes[i], s.closes[i]);
    for (std::size_t i = 0; i < p.accept_pauses.size(); ++i)
        p.accept_pauses[i] = have_rate ? increase(double(b.accept_pauses[i]), double(s.accept_pauses[i])) : nan;
    for (std::size_t i = 0; i < workload_series.size(); ++i) {
        const auto& info = workload_series[i];
        const core::Metric* m = find_metric(now, info.metric);
        if (!m) p.workload[i] = nan;
        else if (!info.rate) p.workload[i] = m->value;
        else {
            const core::Metric* before = have_rate ? find_metric(*previous, info.metric) : nullptr;
            p.workload[i] = before ? increase(before->value, m->value) / seconds : nan;
        }
    }
    return p;
}

void StatsHistory::record(const MetricsSample& sample, std::chrono::steady_clock::time_point time,
                          std::int64_t unix_ms) {
    std::lock_guard lock(mutex_);
    const double seconds = last_ ? std::chrono::duration<double>(time - last_time_).count() : 0;
    HistoryPoint point = make_point(last_, sample, seconds, unix_ms);
    if (ring_.size() < capacity_) {
        ring_.push_back(point);
    } else {
        ring_[next_] = point;
        next_ = (next_ + 1) % capacity_;
    }
    last_ = sample;
    last_time_ = time;
}

std::vector<HistoryPoint> StatsHistory::points() const {
    std::lock_guard lock(mutex_);
    std::vector<HistoryPoint> out;
    out.reserve(ring_.size());
    out.insert(out.end(), ring_.begin() + static_cast<std::ptrdiff_t>(next_), ring_.end());
    out.insert(out.end(), ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(next_));
    return out;
}

std::string StatsHistory::render_json() const {
    const auto all = points();
    std::string workload;
    std::array<bool, workload_series_count> reported{};  // by the workload now
    {
        std::lock_guard lock(mutex_);
        if (last_) workload = last_->workload_name;
        for (std::size_t i = 0; i < workload_series.size(); ++i)
            reported[i] = last_ && find_metric(*last_, workload_series[i].metric);
    }
    using json = nlohmann::ordered_json;
    const auto column = [&](auto&& get) {
        json values = json::array();
        for (const auto& p : all) values.push_back(get(p));
        return values;
    };
    json j;
    j["interval_s"] = interval_s;
    j["capacity"] = capacity_;
    j["workload"] = workload;
    j["time_ms"] = column([](const HistoryPoint& p) { return p.unix_ms; });
    auto& series = j["series"] = json::object();
    series["connections"] = column([](const HistoryPoint& p) { return p.connections; });
    series["accepts_per_s"] = column([](const HistoryPoint& p) { return value(p.accepts_per_s); });
    auto& closes = series["closes_per_s"] = json::object();
    for (std::size_t i = 0; i < core::close_reason_count; ++i)
        closes[core::to_string(static_cast<core::CloseReason>(i))] =
            column([i](const HistoryPoint& p) { return value(p.closes_per_s[i]); });
    series["bytes_in_per_s"] = column([](const HistoryPoint& p) { return value(p.bytes_in_per_s); });
    series["bytes_out_per_s"] = column([](const HistoryPoint& p) { return value(p.bytes_out_per_s); });
    series["send_queue_bytes"] = column([](const HistoryPoint& p) { return p.send_queue_bytes; });
    auto& pauses = series["accept_pauses"] = json::object();
    for (std::size_t i = 0; i < core::accept_pause_cause_count; ++i)
        pauses[core::to_string(static_cast<core::AcceptPauseCause>(i))] =
            column([i](const HistoryPoint& p) { return value(p.accept_pauses[i]); });
    series["accepting"] = column([](const HistoryPoint& p) { return p.accepting ? 1 : 0; });
    // A workload's series only when it reports them (no all-null deliveries for echo).
    for (std::size_t i = 0; i < workload_series.size(); ++i)
        if (reported[i])
            series[workload_series[i].json] = column([i](const HistoryPoint& p) { return value(p.workload[i]); });
    return j.dump() + '\n';
}

}  // namespace hiconn::app
