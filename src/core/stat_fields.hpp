// The one table of the engine's figures: each scalar names its live counter, its snapshot
// member, its /stats JSON key, its Prometheus name and its help text once. Stats::snapshot(),
// the Prometheus text and the /stats JSON are derived from it (app/metrics_text.cpp); the
// stats log line picks its figures from the snapshot.
#pragma once

#include "core/stats.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hiconn::core {

struct StatField {
    const Stats::Counter Stats::*counter;  ///< the live value: a counter ...
    const Stats::Gauge Stats::*gauge;      ///< ... or a gauge (read as 0 when negative)
    std::uint64_t StatsSnapshot::*value;
    const char* json;        ///< key in /stats; "a.b" nests b inside a
    const char* prometheus;  ///< without the "hiconn_" prefix; counters end in _total
    const char* help;
    bool is_counter() const noexcept { return counter != nullptr; }
};

/// A labelled family: one value per enum entry (closes by reason, ...).
struct StatFamily {
    const char* json;
    const char* prometheus;
    const char* label;
    const char* help;
    std::vector<std::pair<const char*, std::uint64_t>> (*values)(const StatsSnapshot&);
};

/// In output order.
const std::vector<StatField>& stat_fields();
const std::vector<StatFamily>& stat_families();

}  // namespace hiconn::core
