// The console control handler behind ConsoleControl, reachable by tests: Windows calls it
// on a thread of its own, and tests call it directly with an event type.
#pragma once

namespace hiconn::platform::windows {

/// What the handler does with CTRL_C_EVENT, CTRL_BREAK_EVENT, CTRL_CLOSE_EVENT,
/// CTRL_LOGOFF_EVENT and CTRL_SHUTDOWN_EVENT: posts ControlCallbacks::stop to the
/// io_context of the live ConsoleControl and returns true. Close, log-off and shut-down
/// then wait (at most close_wait_ms) for that ConsoleControl to be destroyed, because
/// Windows ends the process as soon as the handler returns. Without a live ConsoleControl,
/// or for another event, returns false. Takes no lock.
bool handle_console_event(unsigned long type);

/// Windows gives a close handler 5 s before it ends the process; leave some margin.
constexpr unsigned long close_wait_ms = 4500;

}  // namespace hiconn::platform::windows
