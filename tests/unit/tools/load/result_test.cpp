// hiconn-load's results: merging the raw results of worker processes, the final figures and
// the pass/fail verdict of each mode, and the sum of worker progress snapshots.
#include "tools/load/histogram.hpp"
#include "tools/load/progress.hpp"
#include "tools/load/result.hpp"

#include <catch2/catch.hpp>

using hiconn::load::Histogram;
using hiconn::load::Json;

namespace {
Json raw_echo(std::uint64_t messages, std::uint64_t latency_us, double measured_s) {
    Histogram h;
    for (std::uint64_t i = 0; i < messages; ++i) h.record(latency_us);
    return {{"mode", "echo"},
            {"counters", {{"connected", 10}, {"messages", messages}, {"bytes", messages * 64},
                          {"messages_completed", messages}, {"mismatched_bytes", 0},
                          {"excess_bytes", 0}, {"unanswered", 0}, {"closed_by_server", 0}}},
            {"errors", Json::object()},
            {"max", {{"measured_s", measured_s}}},
            {"latency", h.to_json()},
            {"per_server", {{{"server", "127.0.0.1:7000"}, {"assigned", 10}, {"connected", 10}}}},
            {"stop_reason", ""},
            {"timed_out", false}};
}
}  // namespace

TEST_CASE("result: merge_raw sums counters and errors, takes maxima, merges histograms", "[load][result]") {
    Json a = raw_echo(100, 50, 10.0);
    Json b = raw_echo(300, 5000, 10.5);
    a["errors"] = {{"ECONNRESET", 2}};
    b["errors"] = {{"ECONNRESET", 1}, {"EMFILE", 4}};
    b["stop_reason"] = "EMFILE";
    b["timed_out"] = true;
    const Json m = hiconn::load::merge_raw({a, b});
    CHECK(m.at("mode") == "echo");
    CHECK(m.at("counters").at("messages") == 400);
    CHECK(m.at("counters").at("connected") == 20);
    CHECK(m.at("errors").at("ECONNRESET") == 3);
    CHECK(m.at("errors").at("EMFILE") == 4);
    CHECK(m.at("max").at("measured_s") == 10.5);
    CHECK(m.at("stop_reason") == "EMFILE");
    CHECK(m.at("timed_out") == true);
    CHECK(m.at("per_server").size() == 1);
    CHECK(m.at("per_server")[0].at("server") == "127.0.0.1:7000");
    CHECK(m.at("per_server")[0].at("connected") == 20);
    CHECK(m.at("per_server")[0].at("assigned") == 20);
    const Histogram latency = Histogram::from_json(m.at("latency"));
    CHECK(latency.count() == 400);
    CHECK(latency.max() == 5000);
    CHECK(latency.percentile(0.2) == 50);  // the first 100 of 400 are 50 us
    CHECK(latency.percentile(0.5) == 5000);
    CHECK_FALSE(m.contains("latency_remote"));
}

TEST_CASE("result: the first stop reason wins; an empty list merges to nothing", "[load][result]") {
    Json a = raw_echo(1, 1, 1), b = raw_echo(1, 1, 1);
    a["stop_reason"] = "EADDRNOTAVAIL";
    b["stop_reason"] = "EMFILE";
    CHECK(hiconn::load::merge_raw({a, b}).at("stop_reason") == "EADDRNOTAVAIL");
    const Json none = hiconn::load::merge_raw({});
    CHECK(none.at("counters").empty());
    CHECK(none.at("timed_out") == false);
}

TEST_CASE("result: add_errors adds to what is there", "[load][result]") {
    Json errors = {{"ECONNREFUSED", 1}};
    hiconn::load::add_errors(errors, {{"ECONNREFUSED", 2}, {"ETIMEDOUT", 5}});
    CHECK(errors.at("ECONNREFUSED") == 3);
    CHECK(errors.at("ETIMEDOUT") == 5);
}

TEST_CASE("result: echo figures and verdict", "[load][result]") {
    const Json raw = hiconn::load::merge_raw({raw_echo(1000, 80, 10.0)});
    Json r = hiconn::load::finalize(raw, nullptr, 1, 2);
    CHECK(r.at("ok") == true);
    CHECK(r.at("procs") == 1);
    CHECK(r.at("threads") == 2);
    CHECK(r.at("msgs_per_s") == 100.0);
    CHECK(r.at("bytes_per_s") == 6400.0);
    CHECK(r.at("latency_us").at("count") == 1000);
    CHECK(r.at("latency_us").at("p50") == 80);
    CHECK(r.at("latency_us").at("max") == 80);
    CHECK_FALSE(r.contains("server_rss_start"));  // no --server-pid
    for (const char* bad : {"mismatched_bytes", "excess_bytes", "unanswered", "closed_by_server"}) {
        Json broken = raw;
        broken["counters"][bad] = 1;
        INFO(bad);
        CHECK(hiconn::load::finalize(broken, nullptr, 1, 1).at("ok") == false);
    }
    Json nobody = raw;
    nobody["counters"]["connected"] = 0;
    CHECK(hiconn::load::finalize(nobody, nullptr, 1, 1).at("ok") == false);
    Json late = raw;
    late["timed_out"] = true;
    CHECK(hiconn::load::finalize(late, nullptr, 1, 1).at("ok") == false);
}

TEST_CASE("result: server samples become RSS and CPU figures", "[load][result]") {
    const Json raw = hiconn::load::merge_raw({raw_echo(1000, 80, 10.0)});
    auto sample = [](double rss, double cpu) { return Json{{"ok", true}, {"rss_bytes", rss}, {"cpu_s", cpu}}; };
    const Json server = {{"start", sample(1e6, 1.0)}, {"ready", sample(2e6, 1.5)}, {"end", sample(3e6, 3.5)}};
    const Json r = hiconn::load::finalize(raw, server, 1, 1);
    CHECK(r.at("server_rss_start") == 1e6);
    CHECK(r.at("server_rss_end") == 3e6);
    CHECK(r.at("server_cpu_setup_s") == 0.5);
    CHECK(r.at("server_cpu_s") == 2.0);
    CHECK(r.at("server_cpu_us_per_msg") == 2000.0);   // 2 s over 1000 messages
    CHECK(r.at("server_rss_per_conn") == 100000.0);   // (2e6 - 1e6) over 10 connections
    Json gone = server;
    gone["end"]["ok"] = false;
    CHECK(hiconn::load::finalize(raw, gone, 1, 1).at("server_error") == "server process not sampled (gone?)");
}

TEST_CASE("result: connect mode names why it stopped", "[load][result]") {
    Json raw = {{"mode", "connect"}, {"counters", {{"connected", 500}}}, {"errors", {{"ECONNREFUSED", 3}, {"ETIMEDOUT", 7}}},
                {"max", {{"connect_s", 2.0}}}, {"stop_reason", ""}, {"timed_out", false}};
    Json r = hiconn::load::finalize(raw, nullptr, 1, 1);
    CHECK(r.at("connects_per_s") == 250.0);
    CHECK(r.at("stop_reason") == "ETIMEDOUT");  // the most frequent error
    raw["stop_reason"] = "EMFILE";
    CHECK(hiconn::load::finalize(raw, nullptr, 1, 1).at("stop_reason") == "EMFILE");
    raw["stop_reason"] = "";
    raw["errors"] = Json::object();
    CHECK(hiconn::load::finalize(raw, nullptr, 1, 1).at("stop_reason") == "done");
}

TEST_CASE("result: handshake mode: handshakes/s, CPU per handshake, no RSS per connection", "[load][result]") {
    auto raw_handshake = [](std::uint64_t in_window, std::uint64_t all, std::uint64_t failed) {
        return Json{{"mode", "handshake"},
                    {"counters", {{"handshakes", in_window}, {"handshakes_completed", all}, {"failed", failed},
                                  {"close_errors", 0}, {"clients", 10}, {"attempts", all + failed}}},
                    {"errors", Json::object()},
                    {"max", {{"measured_s", 4.0}}},
                    {"latency", hiconn::load::Histogram().to_json()},
                    {"stop_reason", ""},
                    {"timed_out", false}};
    };
    const Json raw = hiconn::load::merge_raw({raw_handshake(1500, 1600, 0), raw_handshake(500, 500, 0)});
    auto sample = [](double rss, double cpu) { return Json{{"ok", true}, {"rss_bytes", rss}, {"cpu_s", cpu}}; };
    const Json server = {{"start", sample(1e6, 1.0)}, {"ready", sample(1e6, 1.0)}, {"end", sample(2e6, 3.1)}};
    const Json r = hiconn::load::finalize(raw, server, 2, 1);
    CHECK(r.at("ok") == true);
    CHECK(r.at("handshakes") == 2000);
    CHECK(r.at("handshakes_per_s") == 500.0);                // 2000 in the 4 s phase
    CHECK(r.at("server_cpu_us_per_handshake") == Approx(1000.0));  // 2.1 s over 2100 completed
    CHECK(r.at("server_rss_end") == 2e6);
    CHECK_FALSE(r.contains("server_rss_per_conn"));          // nothing held
    CHECK(hiconn::load::finalize(hiconn::load::merge_raw({raw_handshake(10, 10, 1)}), nullptr, 1, 1).at("ok") == false);
    CHECK(hiconn::load::finalize(hiconn::load::merge_raw({raw_handshake(0, 0, 0)}), nullptr, 1, 1).at("ok") == false);
}

TEST_CASE("result: chat mode counts losses, per server too", "[load][result]") {
    Json raw = {{"mode", "chat"},
                {"counters", {{"registered", 60}, {"sent", 100}, {"expected", 900}, {"received", 890},
                              {"corrupt", 0}, {"duplicates", 0}, {"expected_remote", 400}, {"received_remote", 395}}},
                {"errors", Json::object()},
                {"max", {{"measured_s", 10.0}, {"drain_s", 0.0}}},
                {"per_server", {{{"server", "a:1"}, {"expected", 500}, {"received", 495}},
                                {{"server", "b:2"}, {"expected", 400}, {"received", 395}}}},
                {"stop_reason", ""},
                {"timed_out", false}};
    Json r = hiconn::load::finalize(raw, nullptr, 1, 1);
    CHECK(r.at("lost") == 10);
    CHECK(r.at("lost_remote") == 5);
    CHECK(r.at("loss_ratio") == Approx(10.0 / 900));
    CHECK(r.at("msgs_per_s") == 10.0);
    CHECK(r.at("deliveries_per_s") == 89.0);
    CHECK(r.at("per_server")[0].at("lost") == 5);
    CHECK(r.at("per_server")[1].at("lost") == 5);
    CHECK(r.at("ok") == false);  // a loss fails the run
    raw["counters"]["received"] = 900;
    CHECK(hiconn::load::finalize(raw, nullptr, 1, 1).at("ok") == true);
    raw["counters"]["duplicates"] = 1;
    CHECK(hiconn::load::finalize(raw, nullptr, 1, 1).at("ok") == false);
}

TEST_CASE("progress: worker snapshots are summed, text fields kept from the first", "[load][result]") {
    const Json sum = hiconn::load::sum_progress({{{"phase", "measure"}, {"connected", 5}, {"messages", 10}},
                                                 {{"phase", "drain"}, {"connected", 7}, {"failed", 1}}});
    CHECK(sum.at("phase") == "measure");
    CHECK(sum.at("connected") == 12);
    CHECK(sum.at("messages") == 10);
    CHECK(sum.at("failed") == 1);
}
