// The one owner of connection slots: limits.max_connections, limits.max_connections_per_ip
// and accept.on_limit. Thread safe: accepts happen on the listeners' threads, releases on
// any I/O thread.
//
// One counter, `slots`, holds the admitted connections plus the accepts posted in pause
// mode, and both modes read it:
//   pause:  an accept is only posted while a slot is free, and that slot is reserved for
//           it (so the outstanding accepts can never overshoot the limit);
//   reject: every accept is posted; at admission a free slot is taken, or the connection
//           gets the workload's rejection message.
// A rejected connection holds no slot. The stats' connection gauge is written only here.
#pragma once

#include "core/close_reason.hpp"
#include "core/engine_settings.hpp"
#include "core/per_ip_limiter.hpp"

#include <boost/asio/ip/address.hpp>

#include <atomic>
#include <cstdint>
#include <optional>

namespace hiconn::core {

class Stats;

/// Whether an accepted connection is served, and what it holds until it closes.
struct Admission {
    enum class Verdict : std::uint8_t { admitted, rejected_limit, rejected_per_ip };
    Verdict verdict = Verdict::admitted;
    bool counted_per_ip = false;  ///< holds one of its address's per-IP places

    bool admitted() const noexcept { return verdict == Verdict::admitted; }
    /// The close reason of a rejected connection.
    CloseReason rejection() const noexcept {
        return verdict == Verdict::rejected_limit ? CloseReason::rejected_limit : CloseReason::rejected_per_ip;
    }
};

/// What a posted accept holds.
enum class Reservation : std::uint8_t { none, slot };

class ConnectionBudget {
public:
    explicit ConnectionBudget(Stats& stats);

    /// New limits (start-up and reload). Connections over a lowered limit stay.
    void set_limits(const EngineSettings::Limits& limits, LimitAction on_limit);

    /// Before posting an accept: nullopt when it must not be posted (pause mode, every
    /// slot taken); otherwise what the accept holds until admit() or cancel().
    std::optional<Reservation> reserve_accept();
    /// The accept failed: gives back what it held.
    void cancel(Reservation reservation);
    /// The accept succeeded: decides. The reservation is consumed either way. Without
    /// `count_per_ip` (a proxy listener, whose peer is the balancer) the per-IP limit is
    /// left to admit_client().
    Admission admit(const boost::asio::ip::address& remote, Reservation reservation, bool count_per_ip = true);
    /// A connection admitted without its per-IP count learnt its client's address (the
    /// PROXY header): counts it there. False when that address is at
    /// limits.max_connections_per_ip: the slot is given back and `admission` becomes a
    /// per-IP rejection (release() then has nothing to give back).
    bool admit_client(Admission& admission, const boost::asio::ip::address& client);
    /// The connection is gone: gives back what admit() gave it.
    void release(const Admission& admission, const boost::asio::ip::address& remote);

    std::int64_t slots_in_use() const noexcept { return slots_.load(std::memory_order_relaxed); }
    std::uint64_t max_connections() const noexcept { return max_connections_.load(std::memory_order_relaxed); }
    LimitAction on_limit() const noexcept { return on_limit_.load(std::memory_order_relaxed); }
    std::uint32_t per_ip_count(const boost::asio::ip::address& remote) const { return per_ip_.count(remote); }

private:
    bool take_slot();

    Stats& stats_;
    std::atomic<std::int64_t> slots_{0};
    std::atomic<std::uint64_t> max_connections_{0};
    std::atomic<std::uint32_t> max_per_ip_{0};
    std::atomic<LimitAction> on_limit_{LimitAction::pause};
    PerIpLimiter per_ip_;
};

}  // namespace hiconn::core
