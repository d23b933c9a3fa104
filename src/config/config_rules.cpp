// The rules between keys (orders, exclusions, "only with") and the defaults that differ by
// workload; the keys themselves are in config_fields.cpp.
#include "config/config_fields.hpp"

namespace hiconn::config::detail {

const std::vector<OrderRule>& order_rules()
{
    static const std::vector<OrderRule> rules = {
        {"accept.low_watermark", "<=", "accept.high_watermark"},
        {"receive.initial_buffer", "<=", "receive.max_buffer"},
        {"receive.max_read_per_wakeup", ">=", "receive.initial_buffer"},
        // Equal would declare a node gone at the moment its next heartbeat is due.
        {"federation.node_timeout_s", ">", "federation.heartbeat_s"},
    };
    return rules;
}

const std::vector<WorkloadDefault>& workload_defaults()
{
    static const std::vector<WorkloadDefault> table = {
        // Most of a busy chat server's CPU is the kernel's cost per write: a few milliseconds
        // let one write carry every line queued to a client meanwhile (docs/benchmarks.md).
        {"chat", "send.coalesce_ms", 10},
        // An IRC client told "ERROR :Server full" stops; one left in the backlog retries.
        {"chat", "accept.on_limit", "reject"},
    };
    return table;
}

Config defaults_for(const std::string& workload)
{
    Config config;
    for (const auto& d : workload_defaults())
        if (d.workload == workload) find_field(d.path)->set(config, d.value);
    return config;
}

const std::vector<ExclusiveRule>& exclusive_rules()
{
    static const std::vector<ExclusiveRule> rules = {{"chat.motd", "chat.motd_file"}};
    return rules;
}

const std::vector<OnlyWithRule>& only_with_rules()
{
    // Federation carries IRC state between nodes; echo has none to share.
    static const std::vector<OnlyWithRule> rules = {
        {"federation", "workload", "chat", "only the chat workload federates"}};
    return rules;
}

}  // namespace hiconn::config::detail
