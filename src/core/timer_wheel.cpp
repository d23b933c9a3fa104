#include "core/timer_wheel.hpp"

namespace hiconn::core {

TimerWheel::TimerWheel(std::size_t slots) : heads_(slots == 0 ? 1 : slots) {
    for (auto& head : heads_) head.wheel_prev = head.wheel_next = &head;
}

void TimerWheel::schedule(WheelNode& node, std::uint32_t deadline) {
    if (node.scheduled()) unlink(node);
    node.wheel_deadline = deadline <= now_ ? now_ + 1 : deadline;
    link(node);
}

void TimerWheel::cancel(WheelNode& node) {
    if (!node.scheduled()) return;
    unlink(node);
    node.wheel_deadline = 0;
}

void TimerWheel::link(WheelNode& node) {
    WheelNode& head = heads_[node.wheel_deadline % heads_.size()];
    node.wheel_next = &head;
    node.wheel_prev = head.wheel_prev;
    head.wheel_prev->wheel_next = &node;
    head.wheel_prev = &node;
    ++size_;
}

void TimerWheel::unlink(WheelNode& node) {
    node.wheel_prev->wheel_next = node.wheel_next;
    node.wheel_next->wheel_prev = node.wheel_prev;
    node.wheel_prev = node.wheel_next = nullptr;
    --size_;
}

}  // namespace hiconn::core
