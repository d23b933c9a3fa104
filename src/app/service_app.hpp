// The Windows service entry's view of the daemon (platform::ServiceApp over app::Daemon).
#pragma once

#include "platform/service.hpp"

namespace hiconn::app {

/// Loads `config_path` (config::ConfigError propagates). A service has no console: when
/// the config names no log file, the log goes to "hiconn.log" beside the config file.
std::unique_ptr<platform::ServiceApp> make_service_app(const std::string& config_path);

}  // namespace hiconn::app
