#include "app/metrics_text.hpp"

#include "core/stat_fields.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <set>

namespace hiconn::app {
namespace {

constexpr const char* prefix = "hiconn_";

// "# HELP" text escapes backslash and newline (the format's rule for HELP lines).
std::string escape_help(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

class Writer {
public:
    /// Starts a family: HELP and TYPE once, before its samples.
    void family(const std::string& name, const char* type, const std::string& help) {
        out_ += "# HELP " + name + ' ' + escape_help(help) + '\n';
        out_ += "# TYPE " + name + ' ' + type + '\n';
    }
    void sample(const std::string& name, double value) {
        out_ += name + ' ' + format_sample_value(value) + '\n';
    }
    void sample(const std::string& name, const std::string& label, const std::string& label_value,
                double value) {
        out_ += name + '{' + label + "=\"" + escape_label_value(label_value) + "\"} " +
                format_sample_value(value) + '\n';
    }
    void gauge(const std::string& name, const std::string& help, double value) {
        family(prefix + name, "gauge", help);
        sample(prefix + name, value);
    }
    void counter(const std::string& name, const std::string& help, double value) {
        family(prefix + name, "counter", help);
        sample(prefix + name, value);
    }
    /// A counter family with one label, one sample per entry.
    void counters(const core::StatFamily& f, const core::StatsSnapshot& s) {
        const std::string name = prefix + std::string(f.prometheus);
        family(name, "counter", f.help);
        for (const auto& [entry, value] : f.values(s)) sample(name, f.label, entry, static_cast<double>(value));
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

double d(std::uint64_t v) { return static_cast<double>(v); }

}  // namespace

std::string sanitize_metric_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == ':';
        out += ok ? c : '_';
    }
    if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
    return out;
}

std::string escape_label_value(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string format_sample_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[32];
    // Counters and gauges are mostly integers: print them exactly (up to 2^53), not as
    // 1.2345e+06.
    if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0)
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    else
        std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

std::string render_prometheus(const MetricsSample& sample) {
    using namespace core;
    const StatsSnapshot& s = sample.stats;
    Writer w;
    for (const auto& f : stat_fields()) {
        if (f.is_counter()) w.counter(f.prometheus, f.help, d(s.*f.value));
        else w.gauge(f.prometheus, f.help, d(s.*f.value));
    }
    w.gauge("accepting", "1 while the listeners accept, 0 while paused.", s.accepting ? 1 : 0);
    for (const auto& family : stat_families()) w.counters(family, s);

    std::set<std::string> seen;  // a workload must not emit a family twice
    for (const Metric& m : sample.workload) {
        std::string name = sanitize_metric_name(m.name);
        if (m.counter && (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0))
            name += "_total";
        if (!seen.insert(name).second) continue;
        if (m.counter) w.counter(name, m.help, m.value);
        else w.gauge(name, m.help, m.value);
    }

    w.gauge("process_resident_memory_bytes", "Resident set size of the process.",
            d(sample.resident_bytes));
    w.gauge("process_open_fds", "Open file descriptors (handles) of the process.",
            d(sample.open_files));
    w.family(std::string(prefix) + "build_info", "gauge",
             "Build information; the value is always 1.");
    w.sample(std::string(prefix) + "build_info", "version", sample.version, 1);
    // The workload is a property of the running config, hence its own info metric.
    w.family(std::string(prefix) + "workload_info", "gauge",
             "The workload this process runs; the value is always 1.");
    w.sample(std::string(prefix) + "workload_info", "workload", sample.workload_name, 1);
    return w.take();
}

std::string render_json(const MetricsSample& sample) {
    using namespace core;
    const StatsSnapshot& s = sample.stats;
    nlohmann::ordered_json j;
    j["version"] = sample.version;
    j["workload"] = sample.workload_name;
    for (const auto& f : stat_fields()) {
        const std::string key = f.json;
        const auto dot = key.find('.');
        if (dot == std::string::npos) j[key] = s.*f.value;
        else j[key.substr(0, dot)][key.substr(dot + 1)] = s.*f.value;
    }
    j["accepting"] = s.accepting;
    for (const auto& family : stat_families()) {
        auto& values = j[family.json] = nlohmann::ordered_json::object();
        for (const auto& [name, value] : family.values(s)) values[name] = value;
    }
    auto& workload = j["workload_metrics"] = nlohmann::ordered_json::object();
    for (const Metric& m : sample.workload) {
        if (!std::isfinite(m.value)) workload[m.name] = nullptr;  // JSON has no NaN/Inf
        else if (m.value == std::floor(m.value) && std::fabs(m.value) < 9007199254740992.0)
            workload[m.name] = static_cast<std::int64_t>(m.value);  // 12, not 12.0
        else workload[m.name] = m.value;
    }
    j["process"] = {{"resident_bytes", sample.resident_bytes}, {"open_files", sample.open_files}};
    return j.dump(2) + '\n';
}

}  // namespace hiconn::app
