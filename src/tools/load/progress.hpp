// The live progress line: once a second, one line on stderr rewritten in place ("\r"),
// only when stderr is a terminal. Shows each counter and how much it grew per second.
#pragma once

#include "tools/load/result.hpp"

#include <chrono>

namespace hiconn::load {

class Progress {
public:
    /// enabled: the user did not pass --no-progress (the terminal check is done here).
    explicit Progress(bool enabled);
    ~Progress();

    /// Call often; prints at most once a second. `snapshot`: Mode::progress().
    void update(const Json& snapshot);
    /// Ends the line so that what follows starts on a fresh one.
    void finish();

private:
    bool enabled_;
    bool printed_ = false;
    std::chrono::steady_clock::time_point last_;
    Json previous_;
};

/// Sums the numeric fields of several progress snapshots (worker processes).
Json sum_progress(const std::vector<Json>& snapshots);

}  // namespace hiconn::load
