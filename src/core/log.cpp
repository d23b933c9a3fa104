#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace hiconn::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;
std::FILE* g_file = nullptr;  // nullptr = stderr
std::string g_path;

void open_locked() {
    if (g_file) std::fclose(g_file);
    g_file = nullptr;
    if (g_path.empty()) return;
    const auto parent = std::filesystem::path(g_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    g_file = std::fopen(g_path.c_str(), "a");
    if (!g_file) throw std::runtime_error("cannot open log file " + g_path);
}

}  // namespace

Level parse_level(std::string_view name) {
    if (name == "trace") return Level::trace;
    if (name == "debug") return Level::debug;
    if (name == "info") return Level::info;
    if (name == "warn") return Level::warn;
    if (name == "error") return Level::error;
    if (name == "off") return Level::off;
    throw std::invalid_argument("unknown log level '" + std::string(name) + "'");
}

const char* to_string(Level level) {
    static const char* names[] = {"trace", "debug", "info", "warn", "error", "off"};
    return names[static_cast<int>(level)];
}

void configure(Level level, const std::string& file, unsigned, unsigned) {
    std::lock_guard lock(g_mutex);
    g_level = level;
    g_path = file;
    open_locked();
}

void set_level(Level level) { g_level = level; }

void reopen() {
    std::lock_guard lock(g_mutex);
    open_locked();
}

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed) && level != Level::off; }

void write(Level level, std::string_view message) {
    if (!enabled(level)) return;
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::lock_guard lock(g_mutex);  // also guards std::gmtime's static result
    const std::tm tm = *std::gmtime(&t);
    char stamp[40];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    std::FILE* out = g_file ? g_file : stderr;
    std::fprintf(out, "%s %-5s %.*s\n", stamp, to_string(level), static_cast<int>(message.size()),
                 message.data());
    std::fflush(out);
}

}  // namespace hiconn::log
