#include "tools/load/process_sampler.hpp"

namespace hiconn::load {

nlohmann::json to_json(const ProcessSample& s) {
    return {{"ok", s.ok}, {"rss_bytes", s.rss_bytes}, {"cpu_s", s.cpu_s}, {"at_s", s.at_s}};
}

nlohmann::json sample_processes(const std::vector<int>& pids) {
    ProcessSample sum;
    sum.ok = !pids.empty();
    auto each = nlohmann::json::array();
    for (const int pid : pids) {
        const ProcessSample s = sample_process(pid);
        sum.ok = sum.ok && s.ok;
        sum.rss_bytes += s.rss_bytes;
        sum.cpu_s += s.cpu_s;
        sum.at_s = s.at_s;
        auto j = to_json(s);
        j["pid"] = pid;
        each.push_back(std::move(j));
    }
    auto j = to_json(sum);
    j["processes"] = std::move(each);
    return j;
}

}  // namespace hiconn::load
