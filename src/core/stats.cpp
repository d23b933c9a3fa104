#include "core/stats.hpp"

namespace hiconn::core {

const char* to_string(AcceptPauseCause cause) {
    static const char* names[] = {"resource", "limit", "operator"};
    static_assert(sizeof names / sizeof names[0] == accept_pause_cause_count);
    return names[static_cast<std::size_t>(cause)];
}

const char* to_string(TimeoutKind kind) {
    static const char* names[] = {"first_data", "idle", "send_stall", "linger"};
    static_assert(sizeof names / sizeof names[0] == timeout_kind_count);
    return names[static_cast<std::size_t>(kind)];
}

Stats::Stats(std::size_t shards) : shards_(shards == 0 ? 1 : shards) {}

void Stats::connection_opened() {
    const auto now = connections.fetch_add(1, std::memory_order_relaxed) + 1;
    auto peak = connections_peak.load(std::memory_order_relaxed);
    while (static_cast<std::uint64_t>(now) > peak &&
           !connections_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}

void Stats::connection_released() { connections.fetch_sub(1, std::memory_order_relaxed); }

StatsSnapshot Stats::snapshot() const {
    const auto load = [](const auto& v) { return static_cast<std::uint64_t>(std::max<std::int64_t>(0, static_cast<std::int64_t>(v.load(std::memory_order_relaxed)))); };
    StatsSnapshot s;
    s.connections = load(connections);
    s.connections_peak = connections_peak.load(std::memory_order_relaxed);
    s.accepts = accepts.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < close_reason_count; ++i) s.closes[i] = closes[i].load(std::memory_order_relaxed);
    s.outstanding_accepts = load(outstanding_accepts);
    s.accept_target = load(accept_target);
    s.posted_sends = load(posted_sends);
    s.posted_receives = load(posted_receives);
    s.send_waiters = load(send_waiters);
    s.send_queue_bytes = load(send_queue_bytes);
    s.bytes_in = bytes_in.load(std::memory_order_relaxed);
    s.bytes_out = bytes_out.load(std::memory_order_relaxed);
    for (const auto& shard : shards_) {
        s.bytes_in += shard.bytes_in.load(std::memory_order_relaxed);
        s.bytes_out += shard.bytes_out.load(std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < accept_pause_cause_count; ++i) s.accept_pauses[i] = accept_pauses[i].load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < timeout_kind_count; ++i) s.timeouts[i] = timeouts[i].load(std::memory_order_relaxed);
    s.accept_errors = accept_errors.load(std::memory_order_relaxed);
    s.accepting = accepting.load(std::memory_order_relaxed);
    return s;
}

}  // namespace hiconn::core
