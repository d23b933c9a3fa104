// One coarse timer mechanism for every connection timeout: a hashed timing wheel per I/O
// thread, ticking once a second. Scheduling and cancelling are O(1) pointer swaps; no kernel
// or heap timer per operation. Deadlines may be lazy: an owner may keep a node at an earlier
// deadline than its real one and simply re-schedule when it fires.
//
//   slot = deadline % slots      tick k visits slot k % slots, fires nodes with deadline <= k
//   [0] -> a -> b   [1]   [2] -> c   ...   [slots-1]
//
// Not thread safe: owned by one I/O thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hiconn::core {

/// Embedded in whatever is timed (a Connection derives from it).
struct WheelNode {
    WheelNode* wheel_prev = nullptr;
    WheelNode* wheel_next = nullptr;
    std::uint32_t wheel_deadline = 0;  ///< 0 = not scheduled
    bool scheduled() const noexcept { return wheel_deadline != 0; }
};

class TimerWheel {
public:
    explicit TimerWheel(std::size_t slots = 64);
    TimerWheel(const TimerWheel&) = delete;
    TimerWheel& operator=(const TimerWheel&) = delete;

    /// Current tick (starts at 1, so 0 can mean "none").
    std::uint32_t now() const noexcept { return now_; }
    /// (Re)schedules `node` to fire at tick `deadline` (clamped to now + 1 at the earliest).
    void schedule(WheelNode& node, std::uint32_t deadline);
    void cancel(WheelNode& node);
    std::size_t size() const noexcept { return size_; }

    /// Advances one tick and calls `fire(node)` for each node due; the node is unscheduled
    /// before the call, so the callback may schedule it again or destroy its owner.
    template <class Fire>
    void advance(Fire&& fire);

    /// Calls `visit(node)` for every scheduled node; the callback must not (un)schedule.
    template <class Visit>
    void for_each(Visit&& visit) {
        for (auto& head : heads_)
            for (WheelNode* n = head.wheel_next; n != &head; n = n->wheel_next) visit(*n);
    }

private:
    void link(WheelNode& node);
    void unlink(WheelNode& node);

    std::vector<WheelNode> heads_;  // sentinel per slot (circular lists)
    std::uint32_t now_ = 1;
    std::size_t size_ = 0;
};

template <class Fire>
void TimerWheel::advance(Fire&& fire) {
    ++now_;
    WheelNode& head = heads_[now_ % heads_.size()];
    // Detach the due nodes first: callbacks may reschedule into this very slot.
    std::vector<WheelNode*> due;
    for (WheelNode* n = head.wheel_next; n != &head; n = n->wheel_next)
        if (n->wheel_deadline <= now_) due.push_back(n);
    for (WheelNode* n : due) cancel(*n);
    for (WheelNode* n : due) fire(*n);
}

}  // namespace hiconn::core
