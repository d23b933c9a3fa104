// The last ten minutes of the admin endpoint's figures, one point a second, for the status
// page (GET /stats/history). Gauges are kept as read; counters become per-second rates
// between two consecutive readings, so the ring holds what the charts draw and nothing
// else. Fixed memory: capacity points, allocated once (about 200 B each: 600 points are
// ~120 KiB).
//
// Why one point a second: the daemon already ticks once a second on its control loop (the
// sampler rides on that tick), a burst of accepts or closes that lasts a second or two is
// visible instead of averaged away, and ten minutes of it are 600 points, which one SVG
// polyline per series draws without effort. The JSON of a full ring is ~60 KiB, served to
// a page that polls every few seconds over loopback or a LAN.
#pragma once

#include "app/metrics_text.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hiconn::app {

/// What the workload reports that the charts draw, by the name of its Metric.
enum class WorkloadSeries : std::uint8_t { deliveries, messages, federation_nodes, count_ };
constexpr std::size_t workload_series_count = static_cast<std::size_t>(WorkloadSeries::count_);

/// One point of the history. Rates are per second over the interval that ends at the
/// point; they are NaN for the first reading (no interval yet), as are the workload figures
/// a workload does not report (an echo server has no deliveries, a standalone chat server
/// no federation nodes).
struct HistoryPoint {
    std::int64_t unix_ms = 0;   ///< wall clock of the reading (the charts' time axis)
    std::uint64_t connections = 0;
    std::uint64_t send_queue_bytes = 0;
    bool accepting = false;
    double accepts_per_s = 0;
    double bytes_in_per_s = 0;
    double bytes_out_per_s = 0;
    std::array<double, core::close_reason_count> closes_per_s{};
    /// Accept pauses that started during the interval, by cause (a count, not a rate: pauses
    /// are rare events, and "2 pauses in this second" reads better than "2/s").
    std::array<double, core::accept_pause_cause_count> accept_pauses{};
    /// deliveries and messages per second (chat), federation nodes (a gauge).
    std::array<double, workload_series_count> workload{};
};

/// The ring. record() and the readers may run on different threads (the control loop's
/// tick and an admin session): a mutex guards the ring; a reader copies out under it.
class StatsHistory {
public:
    static constexpr std::size_t default_capacity = 600;  ///< 10 minutes at one per second
    static constexpr int interval_s = 1;                   ///< the daemon's tick

    explicit StatsHistory(std::size_t capacity = default_capacity);

    /// Adds the point for `sample`, read at `time` (steady, for the rates) and `unix_ms`
    /// (wall clock, for the axis). The oldest point goes when the ring is full. A counter
    /// that went down since the last reading is taken as reset to zero in between (the
    /// rate counts from 0, as Prometheus' rate() does), never as a negative rate. Thread safe.
    void record(const MetricsSample& sample, std::chrono::steady_clock::time_point time,
                std::int64_t unix_ms);

    /// The points, oldest first. Thread safe.
    std::vector<HistoryPoint> points() const;
    std::size_t capacity() const { return capacity_; }

    /// The history as JSON, one array per series (columns, not rows: the page draws a
    /// series at a time, and the keys are not repeated 600 times). Thread safe.
    std::string render_json() const;

    /// The point between two readings `seconds` apart (pure: unit tested). `previous` empty:
    /// the first reading, rates NaN.
    static HistoryPoint make_point(const std::optional<MetricsSample>& previous,
                                   const MetricsSample& now, double seconds, std::int64_t unix_ms);

private:
    mutable std::mutex mutex_;
    const std::size_t capacity_;
    std::vector<HistoryPoint> ring_;  // capacity_ slots once full; next_ is the oldest then
    std::size_t next_ = 0;
    std::optional<MetricsSample> last_;
    std::chrono::steady_clock::time_point last_time_;
};

}  // namespace hiconn::app
