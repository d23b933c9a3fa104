// The Prometheus text rendering: every family has HELP and TYPE before its samples,
// counters end in _total, labels and values are escaped/printed as the format says.
#include "app/metrics_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using hiconn::app::MetricsSample;
using hiconn::app::render_json;
using hiconn::app::render_prometheus;
using hiconn::core::AcceptPauseCause;
using hiconn::core::CloseReason;
using hiconn::core::TimeoutKind;

namespace {

MetricsSample example_sample() {
    MetricsSample s;
    s.stats.connections = 100;
    s.stats.connections_peak = 250;
    s.stats.accepts = 1234;
    s.stats.closes[static_cast<std::size_t>(CloseReason::peer_closed)] = 1000;
    s.stats.closes[static_cast<std::size_t>(CloseReason::idle_timeout)] = 7;
    s.stats.outstanding_accepts = 8;
    s.stats.accept_target = 16;
    s.stats.posted_sends = 3;
    s.stats.posted_receives = 2;
    s.stats.send_waiters = 1;
    s.stats.send_queue_bytes = 4096;
    s.stats.bytes_in = 123456789012ull;
    s.stats.bytes_out = 42;
    s.stats.accept_pauses[static_cast<std::size_t>(AcceptPauseCause::resource)] = 5;
    s.stats.timeouts[static_cast<std::size_t>(TimeoutKind::first_data)] = 11;
    s.stats.accepting = true;
    s.workload = {{"chat_clients", "Registered IRC clients.", false, 12},
                  {"chat_messages", "Messages relayed.", true, 99},
                  {"chat_deliveries_total", "Message deliveries.", true, 400}};
    s.workload_name = "chat";
    s.version = "1.2.3";
    s.resident_bytes = 10485760;
    s.open_files = 120;
    return s;
}

struct Family {
    std::string help;
    std::string type;
    std::vector<std::string> samples;  // "name{labels} value"
};

// A strict reader of the subset we emit: HELP, then TYPE, then the samples of that family.
std::map<std::string, Family> parse(const std::string& text) {
    std::map<std::string, Family> families;
    std::istringstream in(text);
    std::string line, current;
    while (std::getline(in, line)) {
        REQUIRE_FALSE(line.empty());
        if (line.rfind("# HELP ", 0) == 0) {
            const auto rest = line.substr(7);
            current = rest.substr(0, rest.find(' '));
            REQUIRE(families.count(current) == 0);  // one family once
            families[current].help = rest.substr(current.size() + 1);
        } else if (line.rfind("# TYPE ", 0) == 0) {
            const auto rest = line.substr(7);
            const auto name = rest.substr(0, rest.find(' '));
            REQUIRE(name == current);  // TYPE right after its HELP
            REQUIRE(families[current].type.empty());
            families[current].type = rest.substr(name.size() + 1);
        } else {
            const auto name = line.substr(0, line.find_first_of("{ "));
            INFO(line);
            REQUIRE(name == current);  // samples follow their family's TYPE
            REQUIRE_FALSE(families[current].type.empty());
            families[current].samples.push_back(line);
        }
    }
    return families;
}

}  // namespace

TEST_CASE("prometheus text: HELP and TYPE on every family, hiconn_ prefix, counters end in _total", "[ops][metrics]") {
    const auto text = render_prometheus(example_sample());
    REQUIRE(text.back() == '\n');
    const auto families = parse(text);
    REQUIRE(families.size() >= 20);
    for (const auto& [name, family] : families) {
        INFO(name);
        CHECK(name.rfind("hiconn_", 0) == 0);
        CHECK_FALSE(family.help.empty());
        CHECK((family.type == "counter" || family.type == "gauge"));
        CHECK_FALSE(family.samples.empty());
        const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
        CHECK(total == (family.type == "counter"));
    }
}

TEST_CASE("prometheus text: the engine figures", "[ops][metrics]") {
    const auto families = parse(render_prometheus(example_sample()));
    const auto only = [&](const std::string& name) {
        REQUIRE(families.count(name) == 1);
        REQUIRE(families.at(name).samples.size() == 1);
        return families.at(name).samples[0];
    };
    CHECK(only("hiconn_connections") == "hiconn_connections 100");
    CHECK(families.at("hiconn_connections").type == "gauge");
    CHECK(only("hiconn_connections_peak") == "hiconn_connections_peak 250");
    CHECK(only("hiconn_accepts_total") == "hiconn_accepts_total 1234");
    CHECK(only("hiconn_outstanding_accepts") == "hiconn_outstanding_accepts 8");
    CHECK(only("hiconn_accept_target") == "hiconn_accept_target 16");
    CHECK(only("hiconn_posted_sends") == "hiconn_posted_sends 3");
    CHECK(only("hiconn_posted_receives") == "hiconn_posted_receives 2");
    CHECK(only("hiconn_send_waiters") == "hiconn_send_waiters 1");
    CHECK(only("hiconn_send_queue_bytes") == "hiconn_send_queue_bytes 4096");
    // Exact integers, no exponent, even past 2^32.
    CHECK(only("hiconn_received_bytes_total") == "hiconn_received_bytes_total 123456789012");
    CHECK(only("hiconn_sent_bytes_total") == "hiconn_sent_bytes_total 42");
    CHECK(only("hiconn_accepting") == "hiconn_accepting 1");
    CHECK(only("hiconn_process_resident_memory_bytes") == "hiconn_process_resident_memory_bytes 10485760");
    CHECK(only("hiconn_process_open_fds") == "hiconn_process_open_fds 120");
    CHECK(only("hiconn_build_info") == "hiconn_build_info{version=\"1.2.3\"} 1");
    CHECK(only("hiconn_workload_info") == "hiconn_workload_info{workload=\"chat\"} 1");
}

TEST_CASE("prometheus text: labelled families list every reason, cause and kind", "[ops][metrics]") {
    const auto families = parse(render_prometheus(example_sample()));
    const auto& closes = families.at("hiconn_closes_total").samples;
    REQUIRE(closes.size() == hiconn::core::close_reason_count);
    CHECK(std::find(closes.begin(), closes.end(), "hiconn_closes_total{reason=\"peer_closed\"} 1000") != closes.end());
    CHECK(std::find(closes.begin(), closes.end(), "hiconn_closes_total{reason=\"idle_timeout\"} 7") != closes.end());
    CHECK(std::find(closes.begin(), closes.end(), "hiconn_closes_total{reason=\"server_stop\"} 0") != closes.end());
    const auto& pauses = families.at("hiconn_accept_pauses_total").samples;
    REQUIRE(pauses.size() == hiconn::core::accept_pause_cause_count);
    CHECK(pauses[0] == "hiconn_accept_pauses_total{cause=\"resource\"} 5");
    CHECK(pauses[2] == "hiconn_accept_pauses_total{cause=\"operator\"} 0");
    const auto& timeouts = families.at("hiconn_timeouts_total").samples;
    REQUIRE(timeouts.size() == hiconn::core::timeout_kind_count);
    CHECK(timeouts[0] == "hiconn_timeouts_total{kind=\"first_data\"} 11");
}

TEST_CASE("prometheus text: workload metrics get the prefix, counters get _total once", "[ops][metrics]") {
    auto sample = example_sample();
    sample.workload.push_back({"chat_clients", "a duplicate is dropped", false, 1});
    sample.workload.push_back({"bad name-1", "odd characters", false, 2.5});
    const auto families = parse(render_prometheus(sample));
    CHECK(families.at("hiconn_chat_clients").samples == std::vector<std::string>{"hiconn_chat_clients 12"});
    CHECK(families.at("hiconn_chat_clients").type == "gauge");
    CHECK(families.at("hiconn_chat_messages_total").samples[0] == "hiconn_chat_messages_total 99");
    CHECK(families.count("hiconn_chat_deliveries_total") == 1);
    CHECK(families.count("hiconn_chat_deliveries_total_total") == 0);
    CHECK(families.at("hiconn_bad_name_1").samples[0] == "hiconn_bad_name_1 2.5");
}

TEST_CASE("prometheus text: escaping and special values", "[ops][metrics]") {
    using namespace hiconn::app;
    CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
    CHECK(sanitize_metric_name("9lives.x") == "_9lives_x");
    CHECK(sanitize_metric_name("ok_name:sub") == "ok_name:sub");
    CHECK(format_sample_value(0) == "0");
    CHECK(format_sample_value(-3) == "-3");
    CHECK(format_sample_value(0.25) == "0.25");
    CHECK(format_sample_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
    CHECK(format_sample_value(std::numeric_limits<double>::infinity()) == "+Inf");
    CHECK(format_sample_value(-std::numeric_limits<double>::infinity()) == "-Inf");

    auto sample = example_sample();
    sample.version = "1.0 \"beta\"";
    const auto text = render_prometheus(sample);
    CHECK(text.find("hiconn_build_info{version=\"1.0 \\\"beta\\\"\"} 1\n") != std::string::npos);
}

TEST_CASE("stats JSON carries the same figures", "[ops][metrics]") {
    const auto j = nlohmann::json::parse(render_json(example_sample()));
    CHECK(j.at("connections").at("current") == 100);
    CHECK(j.at("connections").at("peak") == 250);
    CHECK(j.at("accepts") == 1234);
    CHECK(j.at("closes").at("peer_closed") == 1000);
    CHECK(j.at("closes").size() == hiconn::core::close_reason_count);
    CHECK(j.at("accept_pauses").at("resource") == 5);
    CHECK(j.at("timeouts").at("first_data") == 11);
    CHECK(j.at("bytes_in") == 123456789012ull);
    CHECK(j.at("send_queue_bytes") == 4096);
    CHECK(j.at("workload_metrics").at("chat_clients") == 12);
    CHECK(j.at("workload_metrics").at("chat_clients").is_number_integer());
    CHECK(j.at("process").at("resident_bytes") == 10485760);
    CHECK(j.at("version") == "1.2.3");
    CHECK(j.at("workload") == "chat");
    CHECK(j.at("accepting") == true);
}
