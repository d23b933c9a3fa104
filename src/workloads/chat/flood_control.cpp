#include "workloads/chat/flood_control.hpp"

#include <algorithm>

namespace hiconn::chat {

void FloodControl::refill(std::int64_t now_ms, const Limits& limits) {
    double burst = limits.burst;
    if (tokens_ < 0) {
        tokens_ = burst;
    } else if (now_ms > last_ms_) {
        tokens_ = std::min(burst, tokens_ + (now_ms - last_ms_) * limits.messages_per_second / 1000.0);
    }
    last_ms_ = std::max(last_ms_, now_ms);
}

bool FloodControl::try_take(std::int64_t now_ms, const Limits& limits) {
    refill(now_ms, limits);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

bool FloodControl::delay(std::string_view line, const Limits& limits) {
    if (!delayed_) delayed_ = std::make_unique<Delayed>();
    delayed_->lines.emplace_back(line);
    delayed_->bytes += line.size();
    return delayed_->lines.size() <= limits.max_queued &&
           delayed_->bytes <= std::size_t(limits.max_queued) * max_plain_line;
}

std::string FloodControl::pop_delayed() {
    std::string line = std::move(delayed_->lines.front());
    delayed_->lines.pop_front();
    delayed_->bytes -= line.size();
    if (delayed_->lines.empty()) delayed_.reset();
    return line;
}

}  // namespace hiconn::chat
