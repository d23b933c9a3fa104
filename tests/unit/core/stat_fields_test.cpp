#include "core/stat_fields.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace hiconn::core;

TEST_CASE("stat table: unique names, counters end in _total, every snapshot scalar read", "[stats]") {
    std::set<std::string> json, prometheus;
    for (const auto& f : stat_fields()) {
        INFO(f.json);
        CHECK(json.insert(f.json).second);
        CHECK(prometheus.insert(f.prometheus).second);
        CHECK((f.counter == nullptr) != (f.gauge == nullptr));
        const std::string name = f.prometheus;
        const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
        if (f.is_counter()) CHECK(total);
        if (!f.is_counter()) CHECK_FALSE(total);
        CHECK(std::string(f.help).back() == '.');
    }
    for (const auto& family : stat_families()) {
        CHECK(json.insert(family.json).second);
        CHECK(prometheus.insert(family.prometheus).second);
    }
}

TEST_CASE("stat table: snapshot reads each live value into its own member", "[stats]") {
    Stats stats(2);
    std::uint64_t n = 1;
    for (const auto& f : stat_fields()) {
        if (f.counter) const_cast<Stats::Counter&>(stats.*f.counter) = n;
        else const_cast<Stats::Gauge&>(stats.*f.gauge) = static_cast<std::int64_t>(n);
        ++n;
    }
    stats.shard(1).add_in(1000);
    Stats::add(stats.send_waiters, -100);  // a gauge below zero reads as 0
    const StatsSnapshot s = stats.snapshot();
    n = 1;
    for (const auto& f : stat_fields()) {
        INFO(f.json);
        std::uint64_t expected = n++;
        if (f.value == &StatsSnapshot::bytes_in) expected += 1000;
        if (f.value == &StatsSnapshot::send_waiters) expected = 0;
        CHECK(s.*f.value == expected);
    }
}
