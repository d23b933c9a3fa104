// How many accepts to keep posted on a listener: between accept.low_watermark and
// accept.high_watermark. Grows (doubles) under a connect burst -- every posted accept was
// consumed, or a tick saw at least `target` accepts -- and shrinks (halves) back toward
// the low watermark after a quiet second. Pure logic, driven by the Listener.
#pragma once

#include <cstdint>

namespace hiconn::core {

class AcceptWatermark {
public:
    /// Ticks per second (the Listener ticks every 100 ms).
    static constexpr std::uint32_t ticks_per_second = 10;

    AcceptWatermark(std::uint32_t low, std::uint32_t high);
    void set_bounds(std::uint32_t low, std::uint32_t high);

    std::uint32_t target() const noexcept { return target_; }
    std::uint32_t low() const noexcept { return low_; }
    std::uint32_t high() const noexcept { return high_; }

    /// An accept completed and `still_outstanding` remain posted. None left = a burst.
    void on_accepted(std::uint32_t still_outstanding);
    /// Called every 1/ticks_per_second s with the accepts completed since the last tick.
    void on_tick(std::uint64_t accepts);

private:
    void grow();
    std::uint32_t low_;
    std::uint32_t high_;
    std::uint32_t target_;
    std::uint32_t quiet_ticks_ = 0;
};

}  // namespace hiconn::core
