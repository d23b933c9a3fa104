// operator== for Config, written out member by member (C++17 has no defaulted comparisons).
#include "config/config.hpp"

#include <tuple>

namespace hiconn::config {
namespace {

auto tie(const AcceptConfig& c)
{
    return std::tie(c.low_watermark, c.high_watermark, c.backlog, c.on_limit, c.retry_backoff_ms);
}
auto tie(const ReceiveConfig& c)
{
    return std::tie(c.strategy, c.initial_buffer, c.max_buffer, c.max_read_per_wakeup);
}
auto tie(const SendConfig& c) { return std::tie(c.coalesce_ms); }
auto tie(const LimitsConfig& c)
{
    return std::tie(c.max_connections, c.max_connections_per_ip, c.max_outstanding_sends,
                    c.max_outstanding_receives, c.max_send_queue_bytes);
}
auto tie(const TimeoutsConfig& c) { return std::tie(c.first_data_s, c.idle_s, c.send_stall_s, c.linger_s); }
auto tie(const LogConfig& c) { return std::tie(c.level, c.file, c.max_size_mb, c.max_files); }
auto tie(const HttpStatsConfig& c) { return std::tie(c.enabled, c.address, c.port, c.allow, c.token); }
auto tie(const ServiceConfig& c) { return std::tie(c.name, c.display_name, c.description); }
auto tie(const FloodConfig& c) { return std::tie(c.messages_per_second, c.burst, c.max_queued); }
auto tie(const ChatConfig& c)
{
    return std::tuple_cat(std::tie(c.server_name, c.network_name, c.motd, c.motd_file, c.password,
                                   c.max_channels_per_client, c.max_nick_length, c.max_channel_length,
                                   c.max_line_bytes, c.ping_timeout_s),
                          tie(c.flood));
}
auto tie(const FederationConfig& c)
{
    return std::tie(c.enabled, c.redis, c.password, c.heartbeat_s, c.node_timeout_s, c.key_prefix);
}

}  // namespace

bool operator==(const Config& a, const Config& b)
{
    return std::tie(a.source_file, a.workload, a.listen, a.threads) ==
               std::tie(b.source_file, b.workload, b.listen, b.threads) &&
           tie(a.accept) == tie(b.accept) && tie(a.receive) == tie(b.receive) &&
           tie(a.send) == tie(b.send) && tie(a.limits) == tie(b.limits) &&
           tie(a.timeouts) == tie(b.timeouts) &&
           tie(a.log) == tie(b.log) && a.stats.interval_s == b.stats.interval_s &&
           tie(a.stats.http) == tie(b.stats.http) && tie(a.service) == tie(b.service) &&
           tie(a.chat) == tie(b.chat) && tie(a.federation) == tie(b.federation);
}

}  // namespace hiconn::config
