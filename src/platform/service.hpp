// The Windows service commands behind one function, so main.cpp has no #ifdef.
//   hiconn install|uninstall|start|stop|pause|continue|status|service [options]
// On POSIX every one of them prints that it exists on Windows only and returns 2.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hiconn::platform {

/// What the service entry needs from the application, without depending on it.
class ServiceApp {
public:
    virtual ~ServiceApp() = default;
    /// Load the config, open the listeners, start the I/O threads. Throws std::exception
    /// with an operator-facing message (logged, reported as a service-specific exit code).
    virtual void start() = 0;
    /// Blocks until stopped; returns the exit status.
    virtual int wait() = 0;
    virtual void stop() = 0;       ///< thread safe (SERVICE_CONTROL_STOP / SHUTDOWN)
    virtual void pause() = 0;      ///< thread safe
    virtual void resume() = 0;     ///< thread safe
    virtual bool reload() = 0;     ///< thread safe (user-defined control code)
    /// The file this app logs to (absolute), so the service entry can append a start-up
    /// failure next to the app's own lines. "" = default_service_log_file(config path).
    virtual std::string log_file() const { return {}; }
};

/// Where a service logs when its config sets no log.file (a service has no console):
/// "<folder of CONFIG_PATH>/hiconn.log". The factory configures the log with it,
/// and the service entry writes start-up failures there when the config cannot be read.
std::string default_service_log_file(const std::string& config_path);

/// Builds the app for `hiconn service --config ABS_PATH --name NAME`: reads the config
/// (ConfigError propagates), sets up file logging.
using ServiceAppFactory =
    std::function<std::unique_ptr<ServiceApp>(const std::string& config_path)>;

/// True for the words handled by run_service_command().
bool is_service_command(const std::string& word);

/// `args` are the words after the command word. Returns the process exit status.
int run_service_command(const std::string& command, const std::vector<std::string>& args,
                        const ServiceAppFactory& factory);

}  // namespace hiconn::platform
