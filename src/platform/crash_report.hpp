// Crash reports: a crash leaves one log line that names its cause, then a backtrace where
// the platform gives one, and the process still dies the way it would have (so systemd's
// Restart= or the service recovery actions restart it).
//
//   POSIX:   SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL -> "fatal signal SIGSEGV (...)", then
//            the frames from glibc's backtrace_symbols_fd(); written with write(2) only (no
//            malloc in the handler); the signal is re-raised with the default disposition.
//   Windows: an unhandled SEH exception -> "fatal exception 0xC0000005 (access violation)
//            at ...", then the frames unwound from the exception's context;
//            EXCEPTION_CONTINUE_SEARCH, so Windows ends the process as usual.
//   Both:    an uncaught C++ exception (std::terminate) -> "fatal uncaught exception TYPE:
//            what()", the frames, then std::abort() (no second report for that abort).
//
// The line goes to stderr and, when one is set, to the log file; it has the log's format:
//   "2026-12-02T10:04:05.123Z error fatal signal SIGSEGV (invalid memory reference) ..."
#pragma once

#include <string>

namespace hiconn::platform {

/// Installs the handlers; idempotent. Call it early, before the I/O threads start.
void install_crash_reporter();

/// Crash reports also go to `path` (appended, opened only when a crash happens); empty =
/// stderr only. Call before the I/O threads start (the handler reads it without a lock).
void set_crash_log_file(const std::string& path);

}  // namespace hiconn::platform
