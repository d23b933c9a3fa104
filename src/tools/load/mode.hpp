// The interface every hiconn-load mode implements. The driver (run.cpp) calls these from the
// main thread, in this order, each wait bounded by the run's deadline:
//   start_establish()   until established()        connect and (chat) register everybody
//   -- barrier "ready": server sampled --
//   start_measure()     until measure_settled(), then measure_hold_s() more (or until
//                       measure_over(): the mode has nothing left to do)
//   stop_measure(), then until drained() (at most --drain seconds)
//   -- barrier "measured": server sampled --
//   close_all() until closed()
//   raw_result()        after the I/O pool has stopped
// Sessions run on the I/O pool's threads; the methods read their counters through atomics.
#pragma once

#include "tools/load/result.hpp"

namespace hiconn::load {

class Mode {
public:
    virtual ~Mode() = default;
    virtual void start_establish() {}
    virtual bool established() const { return true; }
    virtual void start_measure() = 0;
    virtual bool measure_settled() const { return true; }
    virtual double measure_hold_s() const = 0;
    /// The measured phase may end before measure_hold_s() is over (handshake: every client
    /// reached --max-handshakes).
    virtual bool measure_over() const { return false; }
    virtual void stop_measure() = 0;
    virtual bool drained() const { return true; }
    /// Closes every connection (posted to their threads). Thread safe.
    virtual void close_all() = 0;
    virtual bool closed() const = 0;
    /// Live counters for the progress line: {"phase": "...", "name": number, ...}.
    virtual Json progress() const = 0;
    /// See result.hpp. Only after the I/O pool has stopped.
    virtual Json raw_result() const = 0;
};

}  // namespace hiconn::load
