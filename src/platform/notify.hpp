// Service manager notifications: the sd_notify protocol on Linux (READY=1, RELOADING=1,
// STOPPING=1, WATCHDOG=1 to $NOTIFY_SOCKET), nothing on Windows (the SCM status is set by
// the service code). Every call is a no-op when the process was not started by a service
// manager that asked for notifications, so the program runs unchanged without systemd.
// Thread safe.
#pragma once

#include <cstdint>
#include <string>

namespace hiconn::platform {

/// The listeners are open and the daemon serves (Type=notify start-up is complete).
void notify_ready();
/// A reload starts (follow with notify_ready() when it ended, either way).
void notify_reloading();
/// A graceful stop started.
void notify_stopping();
/// Keep-alive for WatchdogSec=. Call it regularly (the daemon's 1 s tick); sent only when
/// watchdog_enabled().
void notify_watchdog();
/// True when the manager expects keep-alives ($WATCHDOG_USEC set for this process).
bool watchdog_enabled();
/// The watchdog interval in microseconds (0 = no watchdog).
std::uint64_t watchdog_usec();
/// "STATUS=..." line shown by `systemctl status`.
void notify_status(const std::string& status);

}  // namespace hiconn::platform
