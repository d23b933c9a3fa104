// How a process passes the phase barriers of a run (see mode.hpp and run.hpp).
#pragma once

#include "tools/load/options.hpp"
#include "tools/load/progress.hpp"
#include "tools/load/result.hpp"

#include <chrono>
#include <memory>

namespace hiconn::load {

using Clock = std::chrono::steady_clock;

class Coordinator {
public:
    virtual ~Coordinator() = default;
    /// Before any connection.
    virtual void at_start() = 0;
    /// Everybody connected (registered): the measured phase may begin. Blocks at most
    /// until `deadline`.
    virtual void at_ready(Clock::time_point deadline) = 0;
    /// The measured phase ended (connections still open).
    virtual void at_measured(Clock::time_point deadline) = 0;
    virtual void on_progress(const Json& snapshot) = 0;
    /// Prints the RESULT line; returns the exit status.
    virtual int finish(const Json& raw) = 0;
};

/// A process on its own: samples --server-pid, draws progress, prints the final figures.
std::unique_ptr<Coordinator> make_local_coordinator(const Options& options);
/// A worker of a --procs parent: talks to it over stdin/stdout, prints its raw result.
std::unique_ptr<Coordinator> make_worker_coordinator(const Options& options);

}  // namespace hiconn::load
