// SCM helpers shared by the install and control commands: opening handles with readable
// errors, waiting for a state with a deadline, describing a status.
#pragma once

#include "platform/windows/win_util.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace hiconn::platform::windows {

using Deadline = std::chrono::steady_clock::time_point;
Deadline deadline_after(std::uint32_t seconds);

/// Prints "hiconn COMMAND: WHAT: <error text>" to stderr; for ERROR_ACCESS_DENIED adds
/// that the command needs an administrator. Returns 1 (the failure exit status).
int report_failure(const std::string& command, const std::string& what, DWORD error);

/// OpenSCManagerW / OpenServiceW; empty on failure with GetLastError() kept.
ScHandle open_manager(DWORD access);
ScHandle open_service(const ScHandle& manager, const std::string& name, DWORD access);

bool query_status(const ScHandle& service, SERVICE_STATUS_PROCESS& status);

/// Polls (every 50 ms) until the service is in `target`. Gives up early when it is
/// STOPPED and `target` is not. Returns whether `target` was reached; `last` is the last
/// status seen.
bool wait_for_state(const ScHandle& service, DWORD target, Deadline deadline,
                    SERVICE_STATUS_PROCESS& last);

/// Sends STOP unless stopped, waits for STOPPED and then for the service process to exit
/// (so its ports are closed when this returns). `service` needs SERVICE_STOP and
/// SERVICE_QUERY_STATUS. Prints progress; returns 0 or 1.
int stop_and_wait(const std::string& command, const ScHandle& service, const std::string& name,
                  Deadline deadline);

/// "RUNNING (pid 1234)", "STOPPED (last exit: service-specific error 2: start failed)".
std::string describe_status(const SERVICE_STATUS_PROCESS& status);

}  // namespace hiconn::platform::windows
