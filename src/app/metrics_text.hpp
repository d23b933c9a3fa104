// The figures the metrics endpoint serves, and their two renderings: the Prometheus text
// exposition format 0.0.4 (GET /metrics) and JSON (GET /stats). Pure functions of a
// sample, so the format is unit-tested without a server (tests/unit/ops).
#pragma once

#include "core/stats.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hiconn::app {

/// One reading of everything the endpoint reports.
struct MetricsSample {
    core::StatsSnapshot stats;
    std::vector<core::Metric> workload;  ///< Workload::collect_metrics()
    std::string workload_name;           ///< "echo" | "chat"
    std::string version;                 ///< HICONN_VERSION
    std::uint64_t resident_bytes = 0;    ///< platform::resident_bytes()
    std::uint64_t open_files = 0;        ///< platform::open_files()
};

/// The content type of render_prometheus()'s output.
inline constexpr const char* prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Every metric with "# HELP" and "# TYPE", names prefixed "hiconn_", counters ending in
/// "_total"; labelled families list every label value (zeros included) so that rate()
/// sees a series from its first scrape.
std::string render_prometheus(const MetricsSample& sample);

/// The same figures as one JSON object (pretty-printed, newline-terminated).
std::string render_json(const MetricsSample& sample);

/// Helpers of the text format, exposed for the tests.
/// A metric name reduced to [a-zA-Z0-9_:] (other characters become '_', a leading digit
/// gets a '_' in front).
std::string sanitize_metric_name(const std::string& name);
/// Label values escape backslash, double quote and newline.
std::string escape_label_value(const std::string& value);
/// Sample values: integers without exponent, NaN, +Inf, -Inf.
std::string format_sample_value(double value);

}  // namespace hiconn::app
