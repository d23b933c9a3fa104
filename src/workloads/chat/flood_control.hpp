// Per-client flood control (chat.flood): a token bucket refilled at messages_per_second up
// to `burst`. A line that finds the bucket empty is delayed, not dropped; the delayed
// lines are released as tokens come back. More than max_queued delayed lines is an
// "Excess Flood", and so is more than max_queued * 512 bytes of them: lines with IRCv3
// message tags may be 4096 + 512 bytes, and a count alone would let a flooding client hold
// ~450 KB rather than ~51 KB at the default max_queued of 100. Reading is not paused
// meanwhile: the queue is bounded, and a client far over the limit is closed rather than
// throttled.
// In loop.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace hiconn::chat {

class FloodControl {
public:
    /// An RFC 1459 line with its CRLF: the byte budget of one delayed line.
    static constexpr std::size_t max_plain_line = 512;
    struct Limits {
        std::uint32_t messages_per_second;
        std::uint32_t burst;
        std::uint32_t max_queued;
    };

    /// Takes a token at `now_ms` (monotonic). False: none left, delay the line.
    bool try_take(std::int64_t now_ms, const Limits& limits);

    bool has_delayed() const noexcept { return delayed_ && !delayed_->lines.empty(); }
    std::size_t delayed_count() const noexcept { return delayed_ ? delayed_->lines.size() : 0; }
    /// Queues a line; false when that makes more than limits.max_queued lines, or more than
    /// max_queued * max_plain_line bytes (Excess Flood).
    bool delay(std::string_view line, const Limits& limits);
    /// The oldest delayed line (has_delayed() must be true).
    std::string pop_delayed();

private:
    void refill(std::int64_t now_ms, const Limits& limits);

    double tokens_ = -1;                 // < 0: not started (a full bucket)
    std::int64_t last_ms_ = 0;
    struct Delayed {
        std::deque<std::string> lines;
        std::size_t bytes = 0;
    };
    // Allocated only while lines are delayed: an std::deque costs ~600 bytes even empty,
    // more than the rest of an idle client.
    std::unique_ptr<Delayed> delayed_;
};

}  // namespace hiconn::chat
