// spdlog does the sinks, the rotation and the formatting of the time stamp; this file keeps
// hiconn's small API and its level names ("warn", not spdlog's "warning").
#include "core/log.hpp"

#include "core/log_rate_limiter.hpp"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace hiconn::log {
namespace {

struct State {
    std::mutex mutex;  // guards everything below; the sinks are _st (single-threaded) ones
    std::shared_ptr<spdlog::logger> logger;
    std::string path;  // "" = stderr
    unsigned max_size_mb = 100;
    unsigned max_files = 5;
    RateLimiter limiter;
};

std::atomic<Level> g_level{Level::info};

State& state() {
    static State s;
    return s;
}

spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: break;
    }
    return spdlog::level::off;
}

// "2026-11-23T19:04:05.123Z info  message": UTC, milliseconds; the level is written by
// write() so that the names stay ours.
std::shared_ptr<spdlog::logger> make_logger(const std::string& path, unsigned max_size_mb,
                                            unsigned max_files) {
    spdlog::sink_ptr sink;
    if (path.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    } else {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty()) std::filesystem::create_directories(parent, ec);
        try {
            sink = std::make_shared<spdlog::sinks::rotating_file_sink_st>(
                path, std::size_t(max_size_mb) * 1024 * 1024, max_files);
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot open log file " + path + ": " + e.what());
        }
    }
    auto logger = std::make_shared<spdlog::logger>("hiconn", std::move(sink));
    // "\n" on every OS (spdlog's default is "\r\n" on Windows): one format for tools and tests.
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %v", spdlog::pattern_time_type::utc, "\n"));
    logger->set_level(spdlog::level::trace);  // filtering happens in enabled()
    // Every line reaches the file at once: a crash or a kill -9 loses nothing, and
    // `tail -f` shows events as they happen.
    logger->flush_on(spdlog::level::trace);
    return logger;
}

void write_locked(State& s, Level level, const std::string& message) {
    if (!s.logger) s.logger = make_logger("", 0, 0);
    std::string line = to_string(level);
    line.resize(6, ' ');
    line += message;
    s.logger->log(to_spdlog(level), spdlog::string_view_t(line.data(), line.size()));
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

void configure(Level level, const std::string& file, unsigned max_size_mb, unsigned max_files) {
    auto logger = make_logger(file, max_size_mb, max_files);  // may throw: keep the old one
    State& s = state();
    std::lock_guard lock(s.mutex);
    g_level = level;
    s.logger = std::move(logger);
    s.path = file;
    s.max_size_mb = max_size_mb;
    s.max_files = max_files;
}

void set_level(Level level) { g_level = level; }

void reopen() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (s.path.empty()) return;
    // A new sink opens the file by name again: after logrotate moved it away, writing goes
    // to a fresh file; spdlog's size count restarts from the file's actual size.
    try {
        s.logger = make_logger(s.path, s.max_size_mb, s.max_files);
    } catch (const std::exception& e) {
        write_locked(s, Level::error, std::string(e.what()) + " (still writing to the old file)");
    }
}

bool enabled(Level level) {
    return level >= g_level.load(std::memory_order_relaxed) && level != Level::off;
}

void write(Level level, std::string_view message) {
    if (!enabled(level)) return;
    State& s = state();
    std::lock_guard lock(s.mutex);
    write_locked(s, level, std::string(message));
}

void write_limited(Level level, std::string_view key, std::string_view message) {
    if (!enabled(level)) return;
    State& s = state();
    std::lock_guard lock(s.mutex);
    const std::string text(message);
    const auto decision = s.limiter.on_event(std::string(key), text, RateLimiter::Clock::now(),
                                                static_cast<int>(level));
    if (decision.emit)
        write_locked(s, level, with_repeat_suffix(text, decision.repeats, decision.span));
}

void flush_limited() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    for (const auto& owed : s.limiter.take_expired(RateLimiter::Clock::now())) {
        const auto level = static_cast<Level>(owed.tag);
        if (enabled(level))
            write_locked(s, level,
                         with_repeat_suffix(owed.last_message, owed.suppressed, owed.span));
    }
}

}  // namespace hiconn::log
