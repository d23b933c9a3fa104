// Samples another process's resident set size and CPU time from /proc (Linux): how the
// load tool measures the server under test without touching it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>

namespace hiconn::load {

struct ProcessSample {
    bool ok = false;
    std::uint64_t rss_bytes = 0;   ///< VmRSS of /proc/PID/status
    double cpu_s = 0;              ///< utime + stime of /proc/PID/stat (user + system)
    double at_s = 0;               ///< monotonic clock when taken
};

/// Reads /proc/PID/status and /proc/PID/stat; ok = false when the process is gone.
ProcessSample sample_process(int pid);

nlohmann::json to_json(const ProcessSample& s);

}  // namespace hiconn::load
