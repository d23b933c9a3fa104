#include "core/stat_fields.hpp"

namespace hiconn::core {
namespace {

StatField counter(const Stats::Counter Stats::*live, std::uint64_t StatsSnapshot::*value,
                  const char* json, const char* prometheus, const char* help) {
    return {live, nullptr, value, json, prometheus, help};
}

StatField gauge(const Stats::Gauge Stats::*live, std::uint64_t StatsSnapshot::*value,
                const char* json, const char* prometheus, const char* help) {
    return {nullptr, live, value, json, prometheus, help};
}

template <typename Enum, std::size_t N>
std::vector<std::pair<const char*, std::uint64_t>> per_entry(const std::array<std::uint64_t, N>& values) {
    std::vector<std::pair<const char*, std::uint64_t>> out;
    for (std::size_t i = 0; i < N; ++i) out.emplace_back(to_string(static_cast<Enum>(i)), values[i]);
    return out;
}

}  // namespace

const std::vector<StatField>& stat_fields() {
    using S = Stats;
    using P = StatsSnapshot;
    static const std::vector<StatField> table = {
        gauge(&S::connections, &P::connections, "connections.current", "connections",
              "Open client connections."),
        gauge(&S::connections_peak, &P::connections_peak, "connections.peak", "connections_peak",
              "Highest number of open connections since start."),
        counter(&S::accepts, &P::accepts, "accepts", "accepts_total", "Connections accepted."),
        counter(&S::accept_errors, &P::accept_errors, "accept_errors", "accept_errors_total",
                "Failed accept operations."),
        gauge(&S::outstanding_accepts, &P::outstanding_accepts, "outstanding_accepts",
              "outstanding_accepts", "Accept operations posted right now."),
        gauge(&S::accept_target, &P::accept_target, "accept_target", "accept_target",
              "Outstanding accepts the watermark controller aims for (accept.low_watermark..high_watermark)."),
        gauge(&S::posted_sends, &P::posted_sends, "posted_sends", "posted_sends",
              "Send operations posted right now (limits.max_outstanding_sends)."),
        gauge(&S::posted_receives, &P::posted_receives, "posted_receives", "posted_receives",
              "Buffered receives posted right now (posted strategy, limits.max_outstanding_receives)."),
        gauge(&S::send_waiters, &P::send_waiters, "send_waiters", "send_waiters",
              "Connections waiting for a send slot."),
        gauge(&S::send_queue_bytes, &P::send_queue_bytes, "send_queue_bytes", "send_queue_bytes",
              "Bytes queued for sending over all connections."),
        // Plus the I/O threads' shards (Stats::snapshot adds them).
        counter(&S::bytes_in, &P::bytes_in, "bytes_in", "received_bytes_total", "Bytes received from clients."),
        counter(&S::bytes_out, &P::bytes_out, "bytes_out", "sent_bytes_total", "Bytes sent to clients."),
    };
    return table;
}

const std::vector<StatFamily>& stat_families() {
    static const std::vector<StatFamily> table = {
        {"closes", "closes_total", "reason", "Connections closed, by reason.",
         [](const StatsSnapshot& s) { return per_entry<CloseReason>(s.closes); }},
        {"accept_pauses", "accept_pauses_total", "cause", "Times accepting was paused, by cause.",
         [](const StatsSnapshot& s) { return per_entry<AcceptPauseCause>(s.accept_pauses); }},
        {"timeouts", "timeouts_total", "kind", "Timeouts that fired, by kind.",
         [](const StatsSnapshot& s) { return per_entry<TimeoutKind>(s.timeouts); }},
    };
    return table;
}

}  // namespace hiconn::core
