#include "core/accept_watermark.hpp"

#include <algorithm>

namespace hiconn::core {

AcceptWatermark::AcceptWatermark(std::uint32_t low, std::uint32_t high)
    : low_(std::max(1u, low)), high_(std::max(low_, high)), target_(low_) {}

void AcceptWatermark::set_bounds(std::uint32_t low, std::uint32_t high) {
    low_ = std::max(1u, low);
    high_ = std::max(low_, high);
    target_ = std::clamp(target_, low_, high_);
}

void AcceptWatermark::grow() {
    target_ = std::min(high_, target_ * 2);
    quiet_ticks_ = 0;
}

void AcceptWatermark::on_accepted(std::uint32_t still_outstanding) {
    if (still_outstanding == 0) grow();
}

void AcceptWatermark::on_tick(std::uint64_t accepts) {
    if (accepts >= target_) {
        grow();
        return;
    }
    // Quiet: fewer than a quarter of the target in a tick, for a whole second.
    if (accepts * 4 < target_) {
        if (++quiet_ticks_ >= ticks_per_second) {
            target_ = std::max(low_, target_ / 2);
            quiet_ticks_ = 0;
        }
    } else {
        quiet_ticks_ = 0;
    }
}

}  // namespace hiconn::core
