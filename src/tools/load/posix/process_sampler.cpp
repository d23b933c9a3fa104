// sample_process() on Linux: /proc/PID/status (VmRSS) and /proc/PID/stat (utime + stime).
#include "tools/load/process_sampler.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace hiconn::load {

ProcessSample sample_process(int pid) {
    ProcessSample s;
    s.at_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    const std::string dir = "/proc/" + std::to_string(pid) + "/";

    std::ifstream status(dir + "status");
    std::string line;
    bool have_rss = false;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {  // "VmRSS:    1234 kB"
            s.rss_bytes = std::stoull(line.substr(6)) * 1024;
            have_rss = true;
            break;
        }
    }

    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    std::ifstream stat_file(dir + "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (!have_rss || close == std::string::npos) return s;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {  // field 3 is the state
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    s.ok = true;
    return s;
}

}  // namespace hiconn::load
