// The status page's ten minutes (StatsHistory): rates from counters, the ring's wrap-around,
// counters that go back, the workload's own series, the JSON the page reads.
#include "app/stats_history.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

using hiconn::app::HistoryPoint;
using hiconn::app::MetricsSample;
using hiconn::app::StatsHistory;
using hiconn::app::WorkloadSeries;
using hiconn::core::AcceptPauseCause;
using hiconn::core::CloseReason;
using std::chrono::seconds;

namespace {

const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

std::size_t at(CloseReason r) { return static_cast<std::size_t>(r); }
std::size_t at(AcceptPauseCause c) { return static_cast<std::size_t>(c); }
std::size_t at(WorkloadSeries s) { return static_cast<std::size_t>(s); }

MetricsSample echo(std::uint64_t connections, std::uint64_t accepts, std::uint64_t bytes_in) {
    MetricsSample s;
    s.workload_name = "echo";
    s.stats.connections = connections;
    s.stats.accepts = accepts;
    s.stats.bytes_in = bytes_in;
    s.stats.bytes_out = bytes_in;
    s.stats.accepting = true;
    return s;
}

MetricsSample chat(double messages, double deliveries, double nodes) {
    MetricsSample s;
    s.workload_name = "chat";
    s.workload.push_back({"chat_clients", "", false, 5});
    s.workload.push_back({"chat_messages_total", "", true, messages});
    s.workload.push_back({"chat_deliveries_total", "", true, deliveries});
    if (nodes > 0) s.workload.push_back({"federation_nodes", "", false, nodes});
    return s;
}

}  // namespace

TEST_CASE("stats history: gauges as read, counters as rates over the measured interval", "[app][history]") {
    StatsHistory h(10);
    auto a = echo(3, 100, 1000);
    a.stats.closes[at(CloseReason::peer_closed)] = 40;
    a.stats.accept_pauses[at(AcceptPauseCause::limit)] = 1;
    a.stats.send_queue_bytes = 77;
    h.record(a, t0, 1000);
    auto b = echo(5, 110, 5000);
    b.stats.closes[at(CloseReason::peer_closed)] = 48;
    b.stats.accept_pauses[at(AcceptPauseCause::limit)] = 3;
    b.stats.accepting = false;
    h.record(b, t0 + seconds(2), 3000);  // a late tick: two seconds, not one

    const auto points = h.points();
    REQUIRE(points.size() == 2);
    // The first reading has no interval: rates are unknown, not 0.
    CHECK(points[0].connections == 3);
    CHECK(points[0].send_queue_bytes == 77);
    CHECK(std::isnan(points[0].accepts_per_s));
    CHECK(std::isnan(points[0].closes_per_s[at(CloseReason::peer_closed)]));
    const HistoryPoint& p = points[1];
    CHECK(p.unix_ms == 3000);
    CHECK(p.connections == 5);
    CHECK_FALSE(p.accepting);
    CHECK(p.accepts_per_s == Approx(5.0));
    CHECK(p.bytes_in_per_s == Approx(2000.0));
    CHECK(p.bytes_out_per_s == Approx(2000.0));
    CHECK(p.closes_per_s[at(CloseReason::peer_closed)] == Approx(4.0));
    CHECK(p.closes_per_s[at(CloseReason::idle_timeout)] == 0);
    CHECK(p.accept_pauses[at(AcceptPauseCause::limit)] == 2);  // a count in the interval
    CHECK(p.accept_pauses[at(AcceptPauseCause::resource)] == 0);
    // An echo server reports no deliveries and no federation.
    CHECK(std::isnan(p.workload[at(WorkloadSeries::deliveries)]));
    CHECK(std::isnan(p.workload[at(WorkloadSeries::federation_nodes)]));
}

TEST_CASE("stats history: the ring keeps the newest capacity points, oldest first", "[app][history]") {
    StatsHistory h(4);
    for (std::uint64_t i = 0; i < 11; ++i) h.record(echo(i, 10 * i, 0), t0 + seconds(i), std::int64_t(i));
    const auto points = h.points();
    REQUIRE(points.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(points[i].connections == 7 + i);
        CHECK(points[i].unix_ms == std::int64_t(7 + i));
        CHECK(points[i].accepts_per_s == Approx(10.0));  // the rate survives the wrap
    }
    CHECK(StatsHistory().capacity() == 600);
}

TEST_CASE("stats history: a counter that goes back is a reset, never a negative rate", "[app][history]") {
    StatsHistory h(8);
    h.record(echo(1, 500, 9000), t0, 0);
    h.record(echo(1, 30, 100), t0 + seconds(1), 1000);  // counted again from 0: 30 since
    h.record(echo(1, 40, 100), t0 + seconds(2), 2000);
    const auto points = h.points();
    REQUIRE(points.size() == 3);
    CHECK(points[1].accepts_per_s == Approx(30.0));
    CHECK(points[1].bytes_in_per_s == Approx(100.0));
    CHECK(points[2].accepts_per_s == Approx(10.0));
    CHECK(points[2].bytes_in_per_s == 0);

    // Two readings at the same instant have no interval: no rate rather than a division by 0.
    h.record(echo(1, 50, 100), t0 + seconds(2), 2000);
    CHECK(std::isnan(h.points().back().accepts_per_s));
}

TEST_CASE("stats history: chat deliveries and messages per second, federation nodes as read", "[app][history]") {
    StatsHistory h(8);
    h.record(chat(10, 40, 3), t0, 0);
    h.record(chat(16, 64, 2), t0 + seconds(1), 1000);
    const auto p = h.points().back();
    CHECK(p.workload[at(WorkloadSeries::messages)] == Approx(6.0));
    CHECK(p.workload[at(WorkloadSeries::deliveries)] == Approx(24.0));
    CHECK(p.workload[at(WorkloadSeries::federation_nodes)] == 2);
    // A workload metric that appears between two readings has no rate yet.
    const auto q = StatsHistory::make_point(chat(0, 0, 0), chat(5, 5, 2), 1.0, 0);
    CHECK(q.workload[at(WorkloadSeries::federation_nodes)] == 2);
}

TEST_CASE("stats history: the JSON has one column per series, null where unknown", "[app][history]") {
    StatsHistory h(8);
    CHECK(nlohmann::json::parse(h.render_json())["time_ms"].empty());
    auto a = echo(2, 10, 0);
    h.record(a, t0, 1000);
    a.stats.closes[at(CloseReason::idle_timeout)] = 3;
    a.stats.accepts = 13;
    h.record(a, t0 + seconds(1), 2000);
    const auto j = nlohmann::json::parse(h.render_json());
    CHECK(j["interval_s"] == 1);
    CHECK(j["capacity"] == 8);
    CHECK(j["workload"] == "echo");
    CHECK(j["time_ms"] == nlohmann::json::array({1000, 2000}));
    const auto& s = j["series"];
    CHECK(s["connections"] == nlohmann::json::array({2, 2}));
    CHECK(s["accepts_per_s"] == nlohmann::json::array({nullptr, 3.0}));
    CHECK(s["closes_per_s"]["idle_timeout"] == nlohmann::json::array({nullptr, 3.0}));
    CHECK(s["closes_per_s"].size() == hiconn::core::close_reason_count);
    CHECK(s["accept_pauses"].contains("operator"));
    CHECK(s["accepting"] == nlohmann::json::array({1, 1}));
    CHECK_FALSE(s.contains("deliveries_per_s"));  // echo has none
    CHECK_FALSE(s.contains("federation_nodes"));

    StatsHistory c(8);
    c.record(chat(1, 1, 0), t0, 0);
    const auto k = nlohmann::json::parse(c.render_json())["series"];
    CHECK(k.contains("deliveries_per_s"));
    CHECK(k.contains("messages_per_s"));
    CHECK_FALSE(k.contains("federation_nodes"));  // standalone
}
