// Logging: one line per event with a timestamp and a level, to stderr or a file with
// size-based rotation (spdlog underneath; no spdlog type leaks out of this header).
// Thread safe. The call sites only build a string when the level is enabled:
//   if (log::enabled(log::Level::debug)) log::debug("...");
#pragma once

#include <string>
#include <string_view>

namespace hiconn::log {

enum class Level { trace = 0, debug, info, warn, error, off };

/// "trace" | "debug" | "info" | "warn" | "error" | "off". Throws std::invalid_argument.
Level parse_level(std::string_view name);
const char* to_string(Level level);

/// Sends the log to `file` (appending; its folder is created) or, when empty, to stderr.
/// max_size_mb / max_files: size-based rotation of the file. Throws std::runtime_error.
void configure(Level level, const std::string& file, unsigned max_size_mb = 100,
               unsigned max_files = 5);
void set_level(Level level);
/// Re-opens the log file (after an external rotation or on reload).
void reopen();
bool enabled(Level level);

void write(Level level, std::string_view message);
inline void trace(std::string_view m) { write(Level::trace, m); }
inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warn(std::string_view m) { write(Level::warn, m); }
inline void error(std::string_view m) { write(Level::error, m); }

/// For errors that can repeat thousands of times a second (accept failures, ...): the first
/// occurrence of `key` in a 10 s window is written at once, the following ones are counted
/// and reported with the next line for that key or by flush_limited(), as
/// "accept failed: EMFILE (x1234 in the last 10 s)". `key` should be a constant.
void write_limited(Level level, std::string_view key, std::string_view message);
/// Writes the summaries owed for windows that have ended. Called once a second (daemon tick).
void flush_limited();

}  // namespace hiconn::log
