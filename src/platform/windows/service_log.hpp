// The service entry's own log lines (start-up failures, controls received). A service has
// no console, so they are appended to a file in the same format as hiconn's log.
#pragma once

#include <string>

namespace hiconn::platform::windows {

/// Appends "TIMESTAMP LEVEL message" to `path`, creating its folder. Never throws: when
/// the file cannot be written, the line goes to OutputDebugString (seen by DebugView).
void append_service_log(const std::string& path, const char* level, const std::string& message);

}  // namespace hiconn::platform::windows
