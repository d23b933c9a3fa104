// Rate limiting of repeated identical log lines ("accept failed: EMFILE" a thousand times a
// second must not fill the disk). Pure logic with the clock passed in, so it is unit-tested
// without sleeping; log::write_limited() drives one process-wide instance.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace hiconn::log {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    /// At most one line per key and `window`; at most `max_keys` keys are remembered (the
    /// call sites pass constant keys, so the cap only guards against a caller's mistake).
    explicit RateLimiter(std::chrono::seconds window = std::chrono::seconds(10),
                         std::size_t max_keys = 1024);

    struct Decision {
        bool emit = false;            ///< write this occurrence
        std::uint64_t repeats = 0;    ///< occurrences it stands for (1 = just this one)
        std::chrono::seconds span{};  ///< how long those occurrences took
    };

    /// One occurrence of `key` (text `message`) at `now`. The first occurrence of a window
    /// is emitted at once; the following ones in the same window are counted and folded
    /// into the next emitted line ("(x1234 in the last 10 s)"). Not thread safe (log.cpp
    /// locks).
    /// `tag` is kept with the key for the caller (log.cpp stores the level there).
    Decision on_event(const std::string& key, const std::string& message, Clock::time_point now,
                      int tag = 0);

    /// A summary line still owed for a key whose window has ended with suppressed
    /// occurrences and no new one since.
    struct Pending {
        std::string key;
        std::string last_message;
        std::uint64_t suppressed = 0;
        std::chrono::seconds span{};
        int tag = 0;
    };
    /// Takes the owed summaries of windows that ended before `now` (called once a second
    /// from the daemon's tick via log::flush_limited()); forgets idle keys.
    std::vector<Pending> take_expired(Clock::time_point now);
    std::size_t tracked_keys() const { return entries_.size(); }

    std::chrono::seconds window() const { return window_; }

private:
    struct Entry {
        Clock::time_point window_start;
        std::uint64_t suppressed = 0;
        std::string last_message;
        int tag = 0;
    };
    std::chrono::seconds window_;
    std::size_t max_keys_;
    std::unordered_map<std::string, Entry> entries_;
};

/// "message (x1234 in the last 10 s)", or the message alone for a single occurrence.
std::string with_repeat_suffix(const std::string& message, std::uint64_t repeats,
                               std::chrono::seconds span);

}  // namespace hiconn::log
