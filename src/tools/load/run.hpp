// Running one process's share of the work: the phase driver (see mode.hpp) and the two
// ways a process coordinates its phases -- alone (it samples the server itself and draws the
// progress line) or as a worker of a --procs parent (it reports READY / MEASURED / PROGRESS
// on stdout and waits for the parent's "GO" on stdin).
#pragma once

#include "tools/load/options.hpp"

namespace hiconn::load {

/// Runs `options.mode` in this process; prints the RESULT line; returns the exit status.
int run_process(const Options& options);

/// The parent of --procs workers (fanout.cpp).
int run_parent(const Options& options);

}  // namespace hiconn::load
