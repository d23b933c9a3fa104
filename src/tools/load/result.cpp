#include "tools/load/result.hpp"

#include "tools/load/histogram.hpp"

#include <cstring>
#include <iostream>

namespace hiconn::load {
namespace {

double per(double amount, double count) { return count > 0 ? amount / count : 0; }

std::uint64_t counter(const Json& raw, const char* name) {
    const auto& c = raw.at("counters");
    return c.contains(name) ? c.at(name).get<std::uint64_t>() : 0;
}

double max_of(const Json& raw, const char* name) {
    const auto& m = raw.at("max");
    return m.contains(name) ? m.at(name).get<double>() : 0;
}

// Server figures: RSS before any connection, once connected (registered), at the end of
// the measured phase, and CPU time spent in the measured phase (ready -> end). `holder`
// null: no RSS per held connection (handshake mode holds none).
void add_server(Json& out, const Json& server, const char* unit, double units,
                const char* holder, double holders) {
    if (server.is_null()) return;
    const auto& start = server.at("start");
    const auto& ready = server.at("ready");
    const auto& end = server.at("end");
    if (!start.at("ok").get<bool>() || !end.at("ok").get<bool>()) {
        out["server_error"] = "server process not sampled (gone?)";
        return;
    }
    const auto rss0 = start.at("rss_bytes").get<double>();
    const auto rss1 = ready.at("rss_bytes").get<double>();
    const auto rss2 = end.at("rss_bytes").get<double>();
    const double cpu = end.at("cpu_s").get<double>() - ready.at("cpu_s").get<double>();
    out["server_rss_start"] = rss0;
    out["server_rss_ready"] = rss1;
    out["server_rss_end"] = rss2;
    out["server_cpu_setup_s"] = ready.at("cpu_s").get<double>() - start.at("cpu_s").get<double>();
    out["server_cpu_s"] = cpu;
    out[std::string("server_cpu_us_per_") + unit] = per(cpu * 1e6, units);
    // Connected/registered and idle: growth per connection at "ready" (chat, echo) or at the
    // end of the hold (connect mode, where "ready" comes before the connections).
    const double rss_held = std::string(unit) == "connect" ? rss2 : rss1;
    if (holder) out[std::string("server_rss_per_") + holder] = per(rss_held - rss0, holders);
    // Each --server-pid on its own (same order), when the samples list them.
    if (!start.contains("processes") || !ready.contains("processes") || !end.contains("processes")) return;
    auto each = Json::array();
    const auto& p0 = start.at("processes");
    const auto& p1 = ready.at("processes");
    const auto& p2 = end.at("processes");
    for (std::size_t i = 0; i < p0.size() && i < p1.size() && i < p2.size(); ++i) {
        Json e = {{"pid", p0[i].at("pid")}, {"ok", p0[i].at("ok").get<bool>() && p2[i].at("ok").get<bool>()},
                  {"rss_start", p0[i].at("rss_bytes")}, {"rss_ready", p1[i].at("rss_bytes")},
                  {"rss_end", p2[i].at("rss_bytes")},
                  {"cpu_setup_s", p1[i].at("cpu_s").get<double>() - p0[i].at("cpu_s").get<double>()},
                  {"cpu_s", p2[i].at("cpu_s").get<double>() - p1[i].at("cpu_s").get<double>()}};
        each.push_back(std::move(e));
    }
    out["server_processes"] = std::move(each);
}

// Sums two raw "per_server" lists element by element (numbers; "server" kept).
void merge_per_server(Json& into, const Json& from) {
    if (!into.is_array()) {
        into = from;
        return;
    }
    for (std::size_t i = 0; i < into.size() && i < from.size(); ++i)
        for (const auto& [k, v] : from[i].items())
            if (v.is_number_unsigned() || v.is_number_integer())
                into[i][k] = into[i].value(k, std::uint64_t{0}) + v.get<std::uint64_t>();
}

}  // namespace

void add_errors(Json& errors, const std::map<std::string, std::uint64_t>& counts) {
    for (const auto& [name, n] : counts) errors[name] = errors.value(name, std::uint64_t{0}) + n;
}

Json merge_raw(const std::vector<Json>& raws) {
    Json out = {{"counters", Json::object()}, {"errors", Json::object()}, {"max", Json::object()},
                {"stop_reason", ""}, {"timed_out", false}};
    Histogram latency, latency_remote;
    bool has_remote = false;
    for (const auto& raw : raws) {
        out["mode"] = raw.at("mode");
        if (raw.contains("per_server")) merge_per_server(out["per_server"], raw.at("per_server"));
        if (raw.contains("latency_remote")) {
            latency_remote.merge(Histogram::from_json(raw.at("latency_remote")));
            has_remote = true;
        }
        for (const auto& [k, v] : raw.at("counters").items())
            out["counters"][k] = out["counters"].value(k, std::uint64_t{0}) + v.get<std::uint64_t>();
        for (const auto& [k, v] : raw.at("errors").items())
            out["errors"][k] = out["errors"].value(k, std::uint64_t{0}) + v.get<std::uint64_t>();
        for (const auto& [k, v] : raw.at("max").items())
            out["max"][k] = std::max(out["max"].value(k, 0.0), v.get<double>());
        if (raw.contains("latency")) latency.merge(Histogram::from_json(raw.at("latency")));
        if (out["stop_reason"] == "" && raw.value("stop_reason", "") != "")
            out["stop_reason"] = raw.at("stop_reason");
        out["timed_out"] = out["timed_out"].get<bool>() || raw.value("timed_out", false);
    }
    out["latency"] = latency.to_json();
    if (has_remote) out["latency_remote"] = latency_remote.to_json();
    return out;
}

Json finalize(const Json& raw, const Json& server, std::size_t procs, std::size_t threads) {
    const std::string mode = raw.at("mode");
    Json out = {{"mode", mode}, {"procs", procs}, {"threads", threads}};
    for (const auto& [k, v] : raw.at("counters").items()) out[k] = v;
    for (const auto& [k, v] : raw.at("max").items()) out[k] = v;
    out["errors"] = raw.at("errors");
    out["timed_out"] = raw.at("timed_out");
    const double measured = max_of(raw, "measured_s");
    auto summary = [&](const char* name) -> Json {
        const Histogram h = raw.contains(name) ? Histogram::from_json(raw.at(name)) : Histogram();
        return {{"count", h.count()}, {"p50", h.percentile(0.50)}, {"p90", h.percentile(0.90)},
                {"p99", h.percentile(0.99)}, {"max", h.max()}};
    };
    const Json latency_us = summary("latency");
    // Per server (--servers order); chat adds each server's undelivered share.
    Json per_server = raw.value("per_server", Json::array());
    for (auto& entry : per_server)
        if (entry.contains("expected") && entry.contains("received")) {
            const auto e = entry.at("expected").get<std::uint64_t>(), r = entry.at("received").get<std::uint64_t>();
            entry["lost"] = e > r ? e - r : 0;
        }
    out["per_server"] = per_server;
    bool ok = !raw.at("timed_out").get<bool>();

    if (mode == "connect") {
        const double connected = counter(raw, "connected");
        out["connects_per_s"] = per(connected, max_of(raw, "connect_s"));
        // Why it stopped: a local resource error that ended the opening, else the most
        // frequent failure, else "done".
        std::string reason = raw.at("stop_reason");
        if (reason.empty()) {
            std::uint64_t most = 0;
            for (const auto& [k, v] : raw.at("errors").items())
                if (v.get<std::uint64_t>() > most) most = v.get<std::uint64_t>(), reason = k;
        }
        out["stop_reason"] = reason.empty() ? "done" : reason;
        add_server(out, server, "connect", connected, "conn", connected);
    } else if (mode == "echo") {
        const double messages = counter(raw, "messages");
        out["msgs_per_s"] = per(messages, measured);
        out["bytes_per_s"] = per(static_cast<double>(counter(raw, "bytes")), measured);
        out["latency_us"] = latency_us;
        // The server's CPU is sampled up to the end of the drain: divide by every message
        // it echoed in that time, not only those of the measured window.
        add_server(out, server, "msg", static_cast<double>(counter(raw, "messages_completed")), "conn",
                   counter(raw, "connected"));
        ok = ok && counter(raw, "connected") > 0 && counter(raw, "mismatched_bytes") == 0 &&
             counter(raw, "excess_bytes") == 0 && counter(raw, "unanswered") == 0 &&
             counter(raw, "closed_by_server") == 0;
    } else if (mode == "handshake") {
        out["handshakes_per_s"] = per(static_cast<double>(counter(raw, "handshakes")), measured);
        out["latency_us"] = latency_us;
        // As in echo: the CPU sampled to the end of the drain, over every handshake in it.
        add_server(out, server, "handshake", static_cast<double>(counter(raw, "handshakes_completed")), nullptr, 0);
        ok = ok && counter(raw, "handshakes") > 0 && counter(raw, "failed") == 0;
    } else if (mode == "chat") {
        const std::uint64_t received = counter(raw, "received");
        const std::uint64_t expected = counter(raw, "expected");
        const std::uint64_t lost = expected > received ? expected - received : 0;
        out["msgs_per_s"] = per(static_cast<double>(counter(raw, "sent")), measured);
        out["deliveries_per_s"] = per(static_cast<double>(received), measured + max_of(raw, "drain_s"));
        out["lost"] = lost;
        out["loss_ratio"] = per(static_cast<double>(lost), static_cast<double>(expected));
        out["latency_us"] = latency_us;
        // Deliveries whose sender is on another server than the receiver (--servers).
        const std::uint64_t expected_remote = counter(raw, "expected_remote");
        const std::uint64_t received_remote = counter(raw, "received_remote");
        out["lost_remote"] = expected_remote > received_remote ? expected_remote - received_remote : 0;
        out["latency_remote_us"] = summary("latency_remote");
        add_server(out, server, "delivery", static_cast<double>(received), "client",
                   static_cast<double>(counter(raw, "registered")));
        ok = ok && counter(raw, "registered") > 0 && counter(raw, "corrupt") == 0 &&
             counter(raw, "duplicates") == 0 && lost == 0;
    }
    out["ok"] = ok;
    return out;
}

void print_result(const Json& result) {
    std::cout << "RESULT " << result.dump() << std::endl;
}

}  // namespace hiconn::load
