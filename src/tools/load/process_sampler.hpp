// Samples another process's resident set size and CPU time: how the load tool measures the
// server under test without touching it. Linux: /proc (posix/process_sampler.cpp); Windows:
// the working set and process times (windows/process_sampler.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace hiconn::load {

struct ProcessSample {
    bool ok = false;
    std::uint64_t rss_bytes = 0;   ///< VmRSS (Linux), working set (Windows)
    double cpu_s = 0;              ///< user + system (kernel) CPU time
    double at_s = 0;               ///< monotonic clock when taken
};

/// ok = false when the process is gone (or cannot be read).
ProcessSample sample_process(int pid);

nlohmann::json to_json(const ProcessSample& s);

/// Samples every process of `pids`: {"ok", "rss_bytes", "cpu_s", "at_s"} of their sum (ok
/// when each one was read) plus "processes": [{"pid", "ok", "rss_bytes", "cpu_s"}, ...].
nlohmann::json sample_processes(const std::vector<int>& pids);

}  // namespace hiconn::load
