// Engine counters. Written by the I/O threads with relaxed atomics (no locks on the hot
// path), read by the stats reporter and the metrics endpoint through snapshot().
#pragma once

#include "core/close_reason.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace hiconn::core {

enum class AcceptPauseCause : std::uint8_t { resource, limit, operator_request, count_ };
constexpr std::size_t accept_pause_cause_count = static_cast<std::size_t>(AcceptPauseCause::count_);
const char* to_string(AcceptPauseCause cause);

enum class TimeoutKind : std::uint8_t { first_data, idle, send_stall, linger, count_ };
constexpr std::size_t timeout_kind_count = static_cast<std::size_t>(TimeoutKind::count_);
const char* to_string(TimeoutKind kind);

/// One named value a workload adds to the stats (e.g. chat channels).
struct Metric {
    std::string name;    ///< snake_case, without the "hiconn_" prefix
    std::string help;
    bool counter;        ///< monotonically increasing (true) or a gauge (false)
    double value;
};

struct StatsSnapshot {
    std::uint64_t connections = 0;
    std::uint64_t connections_peak = 0;
    std::uint64_t accepts = 0;
    std::array<std::uint64_t, close_reason_count> closes{};
    std::uint64_t outstanding_accepts = 0;
    std::uint64_t accept_target = 0;          ///< the watermark controller's current target
    std::uint64_t posted_sends = 0;
    std::uint64_t posted_receives = 0;
    std::uint64_t send_waiters = 0;           ///< connections waiting for a send slot
    std::uint64_t send_queue_bytes = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::array<std::uint64_t, accept_pause_cause_count> accept_pauses{};
    std::array<std::uint64_t, timeout_kind_count> timeouts{};
    std::uint64_t accept_errors = 0;
    bool accepting = false;
};

class Stats {
public:
    using Counter = std::atomic<std::uint64_t>;
    using Gauge = std::atomic<std::int64_t>;

    /// Hot per-thread counters, one cache line per I/O thread: each has a single writer, so
    /// no locked read-modify-write and no line bouncing between cores.
    struct alignas(64) Shard {
        Counter bytes_in{0};
        Counter bytes_out{0};
        void add_in(std::uint64_t n) { bytes_in.store(bytes_in.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
        void add_out(std::uint64_t n) { bytes_out.store(bytes_out.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
    };
    explicit Stats(std::size_t shards = 1);
    Shard& shard(std::size_t index) { return shards_[index]; }

    Counter accepts{0};
    std::array<Counter, close_reason_count> closes{};
    Gauge connections{0};
    Gauge connections_peak{0};
    Gauge outstanding_accepts{0};
    Gauge accept_target{0};
    Gauge posted_sends{0};
    Gauge posted_receives{0};
    Gauge send_waiters{0};
    Gauge send_queue_bytes{0};
    Counter bytes_in{0};      ///< bytes from threads without a shard (totals add the shards)
    Counter bytes_out{0};
    std::array<Counter, accept_pause_cause_count> accept_pauses{};
    std::array<Counter, timeout_kind_count> timeouts{};
    Counter accept_errors{0};
    std::atomic<bool> accepting{false};

    static void add(Counter& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
    static void add(Gauge& g, std::int64_t n) { g.fetch_add(n, std::memory_order_relaxed); }

    /// The connection gauge (and its peak); written only by ConnectionBudget.
    void connection_opened();
    void connection_released();
    void count_close(CloseReason reason) { add(closes[static_cast<std::size_t>(reason)]); }

    StatsSnapshot snapshot() const;

private:
    std::vector<Shard> shards_;
};

}  // namespace hiconn::core
