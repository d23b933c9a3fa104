#include "core/stats.hpp"

#include "core/stat_fields.hpp"

#include <algorithm>

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
    while (now > peak &&
           !connections_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}

void Stats::connection_released() { connections.fetch_sub(1, std::memory_order_relaxed); }

StatsSnapshot Stats::snapshot() const {
    StatsSnapshot s;
    for (const auto& f : stat_fields()) {
        if (f.counter) {
            s.*f.value = (this->*f.counter).load(std::memory_order_relaxed);
        } else {
            const std::int64_t v = (this->*f.gauge).load(std::memory_order_relaxed);
            s.*f.value = static_cast<std::uint64_t>(std::max<std::int64_t>(0, v));
        }
    }
    for (const auto& shard : shards_) {
        s.bytes_in += shard.bytes_in.load(std::memory_order_relaxed);
        s.bytes_out += shard.bytes_out.load(std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < close_reason_count; ++i) s.closes[i] = closes[i].load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < accept_pause_cause_count; ++i) s.accept_pauses[i] = accept_pauses[i].load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < timeout_kind_count; ++i) s.timeouts[i] = timeouts[i].load(std::memory_order_relaxed);
    s.accepting = accepting.load(std::memory_order_relaxed);
    return s;
}

}  // namespace hiconn::core
