#include "core/connection_budget.hpp"

#include "core/stats.hpp"

namespace hiconn::core {

ConnectionBudget::ConnectionBudget(Stats& stats) : stats_(stats) {}

void ConnectionBudget::set_limits(const EngineSettings::Limits& limits, LimitAction on_limit) {
    max_connections_ = limits.max_connections;
    max_per_ip_ = limits.max_connections_per_ip;
    on_limit_ = on_limit;
}

bool ConnectionBudget::take_slot() {
    const auto max = static_cast<std::int64_t>(max_connections_.load(std::memory_order_relaxed));
    auto used = slots_.load(std::memory_order_relaxed);
    while (used < max)
        if (slots_.compare_exchange_weak(used, used + 1, std::memory_order_relaxed)) return true;
    return false;
}

std::optional<Reservation> ConnectionBudget::reserve_accept() {
    if (on_limit() == LimitAction::reject) return Reservation::none;
    if (!take_slot()) return std::nullopt;
    return Reservation::slot;
}

void ConnectionBudget::cancel(Reservation reservation) {
    if (reservation == Reservation::slot) slots_.fetch_sub(1, std::memory_order_relaxed);
}

Admission ConnectionBudget::admit(const boost::asio::ip::address& remote, Reservation reservation,
                                  bool count_per_ip) {
    Admission a;
    if (reservation == Reservation::none && !take_slot()) {
        a.verdict = Admission::Verdict::rejected_limit;
        return a;
    }
    const std::uint32_t per_ip = max_per_ip_.load(std::memory_order_relaxed);
    if (per_ip > 0 && count_per_ip) {
        if (!per_ip_.try_add(remote, per_ip)) {
            slots_.fetch_sub(1, std::memory_order_relaxed);
            a.verdict = Admission::Verdict::rejected_per_ip;
            return a;
        }
        a.counted_per_ip = true;
    }
    stats_.connection_opened();
    return a;
}

bool ConnectionBudget::admit_client(Admission& admission, const boost::asio::ip::address& client) {
    if (!admission.admitted() || admission.counted_per_ip) return admission.admitted();
    const std::uint32_t per_ip = max_per_ip_.load(std::memory_order_relaxed);
    if (per_ip == 0) return true;
    if (per_ip_.try_add(client, per_ip)) {
        admission.counted_per_ip = true;
        return true;
    }
    stats_.connection_released();
    slots_.fetch_sub(1, std::memory_order_relaxed);
    admission.verdict = Admission::Verdict::rejected_per_ip;
    return false;
}

void ConnectionBudget::release(const Admission& admission, const boost::asio::ip::address& remote) {
    if (!admission.admitted()) return;
    if (admission.counted_per_ip) per_ip_.remove(remote);
    stats_.connection_released();
    slots_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace hiconn::core
