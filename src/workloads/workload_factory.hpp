// Picks the workload named by config.workload.
#pragma once

#include "config/config.hpp"
#include "core/workload.hpp"

#include <memory>

namespace hiconn::workloads {

/// Throws std::invalid_argument for an unknown name (the config loader rejects those first).
std::unique_ptr<core::Workload> make_workload(const config::Config& config);

}  // namespace hiconn::workloads
