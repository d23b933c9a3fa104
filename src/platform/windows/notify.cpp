// notify.hpp on Windows: there is no sd_notify. The SCM status (START_PENDING, RUNNING,
// STOP_PENDING, ...) is reported by the service entry (service_main.cpp) instead, so every
// call here is the documented no-op.
#include "platform/notify.hpp"

namespace hiconn::platform {

void notify_ready() {}
void notify_reloading() {}
void notify_stopping() {}
void notify_watchdog() {}
bool watchdog_enabled() { return false; }
std::uint64_t watchdog_usec() { return 0; }
void notify_status(const std::string&) {}

}  // namespace hiconn::platform
