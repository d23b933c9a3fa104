#include "tools/load/progress.hpp"

#include "tools/load/host.hpp"

#include <cstdio>
#include <sstream>

namespace hiconn::load {

Progress::Progress(bool enabled) : enabled_(enabled && host::stderr_is_terminal()) {
    last_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

void Progress::update(const Json& snapshot) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last_).count();
    if (dt < 1.0) return;
    std::ostringstream line;
    line << "\r\x1b[K[" << snapshot.value("phase", "") << "]";
    for (const auto& [key, value] : snapshot.items()) {
        if (!value.is_number()) continue;
        line << " " << key << " " << value.get<std::uint64_t>();
        if (previous_.contains(key) && value.get<std::uint64_t>() > previous_[key].get<std::uint64_t>())
            line << " (+" << static_cast<std::uint64_t>((value.get<double>() - previous_[key].get<double>()) / dt)
                 << "/s)";
    }
    std::fputs(line.str().c_str(), stderr);
    std::fflush(stderr);
    printed_ = true;
    previous_ = snapshot;
    last_ = now;
}

void Progress::finish() {
    if (printed_) std::fputs("\n", stderr);
    printed_ = false;
}

Json sum_progress(const std::vector<Json>& snapshots) {
    Json sum = Json::object();
    for (const auto& s : snapshots) {
        for (const auto& [key, value] : s.items()) {
            if (value.is_number())
                sum[key] = sum.value(key, std::uint64_t{0}) + value.get<std::uint64_t>();
            else if (!sum.contains(key))
                sum[key] = value;
        }
    }
    return sum;
}

}  // namespace hiconn::load
