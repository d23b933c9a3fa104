#include "platform/windows/service_log.hpp"
#include "platform/windows/win_util.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace hiconn::platform::windows {

void append_service_log(const std::string& path, const char* level, const std::string& message) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_s(&tm, &t);
    char stamp[40];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "%s %-5s ", stamp, level);
    const std::string line = prefix + message + "\n";

    try {
        const std::filesystem::path file(to_wide(path));
        std::error_code ec;
        if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
        if (std::FILE* out = _wfopen(file.c_str(), L"a")) {
            std::fputs(line.c_str(), out);
            std::fclose(out);
            return;
        }
    } catch (const std::exception&) {
        // fall through to the debugger output
    }
    OutputDebugStringA(line.c_str());
}

}  // namespace hiconn::platform::windows
