#include "core/log_rate_limiter.hpp"

namespace hiconn::log {

RateLimiter::RateLimiter(std::chrono::seconds window, std::size_t max_keys)
    : window_(window), max_keys_(max_keys) {}

RateLimiter::Decision RateLimiter::on_event(const std::string& key, const std::string& message,
                                            Clock::time_point now, int tag) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        // A caller that puts variable text in the key would grow the map without bound:
        // past the cap such keys are written unthrottled rather than remembered.
        if (entries_.size() < max_keys_) entries_.emplace(key, Entry{now, 0, message, tag});
        return {true, 1, std::chrono::seconds(0)};
    }
    Entry& entry = it->second;
    const auto elapsed = now - entry.window_start;
    if (elapsed < window_) {
        ++entry.suppressed;
        entry.last_message = message;
        entry.tag = tag;
        return {false, 0, {}};
    }
    Decision decision{true, entry.suppressed + 1,
                      std::chrono::duration_cast<std::chrono::seconds>(elapsed)};
    entry = Entry{now, 0, message, tag};
    return decision;
}

std::vector<RateLimiter::Pending> RateLimiter::take_expired(Clock::time_point now) {
    std::vector<Pending> owed;
    for (auto it = entries_.begin(); it != entries_.end();) {
        const auto elapsed = now - it->second.window_start;
        if (elapsed < window_) {
            ++it;
            continue;
        }
        if (it->second.suppressed > 0)
            owed.push_back({it->first, std::move(it->second.last_message), it->second.suppressed,
                            std::chrono::duration_cast<std::chrono::seconds>(elapsed), it->second.tag});
        // Forgotten either way: the next occurrence starts a fresh window and is written.
        it = entries_.erase(it);
    }
    return owed;
}

std::string with_repeat_suffix(const std::string& message, std::uint64_t repeats,
                               std::chrono::seconds span) {
    if (repeats <= 1) return message;
    return message + " (x" + std::to_string(repeats) + " in the last " +
           std::to_string(span.count()) + " s)";
}

}  // namespace hiconn::log
