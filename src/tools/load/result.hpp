// What a run reports. A process produces a "raw" result (counters, error counts, maxima,
// a latency histogram); the parent of worker processes merges the raw results; finalize()
// turns raw counters plus server samples into the figures of the RESULT line.
//
// raw = {"mode": "...", "counters": {name: n, ...}   summed across processes
//        "errors": {"ECONNREFUSED": n, ...}          summed
//        "max": {"measured_s": x, ...}               maximum across processes
//        "latency": Histogram::to_json()             merged (chat: also "latency_remote")
//        "per_server": [{"server": "h:p", name: n}]  summed element by element (per_server.hpp)
//        "stop_reason": "EMFILE" | ""                first non-empty
//        "timed_out": bool}                          any
#pragma once

#include "tools/load/host.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hiconn::load {

using Json = nlohmann::json;

Json merge_raw(const std::vector<Json>& raws);

/// Adds one shard's error counts into a raw result's "errors" object.
void add_errors(Json& errors, const std::map<std::string, std::uint64_t>& counts);

/// `server`: {"start": sample, "ready": sample, "end": sample} or null, each sample from
/// sample_processes() (the sum over --server-pid, with "processes" listing each).
/// The result has "ok": false when the run failed (see exit status).
Json finalize(const Json& raw, const Json& server, std::size_t procs, std::size_t threads);

/// Prints "RESULT {json}" on stdout (one line, flushed).
void print_result(const Json& result);

/// Short name of an error code ("ECONNREFUSED", "EMFILE", ...), the same on every OS.
using host::error_name;

}  // namespace hiconn::load
