// Where the admin endpoint's figures come from in the running daemon: the engine's
// counters, the workload's own metrics and the process's resources.
#pragma once

#include "app/metrics_text.hpp"

#include <string>

namespace hiconn::core { class Server; }

namespace hiconn::app {

/// One reading. Thread safe (atomics, Workload::collect_metrics(), /proc or the OS).
MetricsSample collect_sample(core::Server& server, const std::string& workload_name);

}  // namespace hiconn::app
