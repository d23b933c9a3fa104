// hiconn start|stop|pause|continue|status|reload: the program's own ControlService calls.
// They are the only way to pause and continue under Wine (its sc.exe has no pause or
// continue), and each waits, with a deadline, until the service is in the new state.
#include "platform/windows/service_commands.hpp"
#include "platform/windows/service_scm.hpp"
#include "platform/windows/service_state.hpp"

#include <iostream>
#include <vector>

namespace hiconn::platform::windows {
namespace {

int print_status(const ScHandle& service, const std::string& name) {
    SERVICE_STATUS_PROCESS status{};
    if (!query_status(service, status))
        return report_failure("status", "cannot query service '" + name + "'", GetLastError());
    std::cout << "service " << name << ": " << describe_status(status) << "\n";

    DWORD needed = 0;
    QueryServiceConfigW(service.get(), nullptr, 0, &needed);
    std::vector<BYTE> buffer(needed ? needed : sizeof(QUERY_SERVICE_CONFIGW));
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
    if (needed && QueryServiceConfigW(service.get(), config, needed, &needed)) {
        const char* start = config->dwStartType == SERVICE_AUTO_START   ? "auto"
                            : config->dwStartType == SERVICE_DEMAND_START ? "manual"
                            : config->dwStartType == SERVICE_DISABLED     ? "disabled"
                                                                          : "boot/system";
        std::cout << "  start: " << start << "\n  command: " << to_narrow(config->lpBinaryPathName) << "\n";
    }
    return 0;
}

int start(const ScHandle& service, const ServiceOptions& options) {
    const std::string& name = options.name;
    if (!StartServiceW(service.get(), 0, nullptr)) {
        const DWORD error = GetLastError();
        if (error != ERROR_SERVICE_ALREADY_RUNNING)
            return report_failure("start", "cannot start service '" + name + "'", error);
    }
    SERVICE_STATUS_PROCESS status{};
    if (wait_for_state(service, SERVICE_RUNNING, deadline_after(options.timeout_s), status)) {
        std::cout << "service " << name << ": " << describe_status(status) << "\n";
        return 0;
    }
    std::cerr << "hiconn start: service " << name << " did not start: " << describe_status(status) << "\n";
    return 1;
}

// PAUSE -> PAUSED, CONTINUE -> RUNNING.
int pause_or_continue(const ScHandle& service, const ServiceOptions& options, DWORD control,
                      DWORD target) {
    const std::string& name = options.name;
    SERVICE_STATUS sent{};
    if (!ControlService(service.get(), control, &sent)) {
        const DWORD error = GetLastError();
        if (error == ERROR_SERVICE_NOT_ACTIVE) {
            std::cerr << "hiconn " << options.command << ": service " << name << " is not running\n";
            return 1;
        }
        return report_failure(options.command, "cannot " + options.command + " service '" + name + "'", error);
    }
    SERVICE_STATUS_PROCESS status{};
    if (wait_for_state(service, target, deadline_after(options.timeout_s), status)) {
        std::cout << "service " << name << ": " << describe_status(status) << "\n";
        return 0;
    }
    std::cerr << "hiconn " << options.command << ": service " << name << " is "
              << describe_status(status) << ", not " << state_name(target) << "\n";
    return 1;
}

int reload(const ScHandle& service, const ServiceOptions& options) {
    SERVICE_STATUS sent{};
    if (!ControlService(service.get(), control_reload, &sent))
        return report_failure("reload", "cannot send the reload control to '" + options.name + "'",
                              GetLastError());
    std::cout << "service " << options.name << ": reload requested (the result is in its log)\n";
    return 0;
}

DWORD access_for(const std::string& command) {
    if (command == "start") return SERVICE_START | SERVICE_QUERY_STATUS;
    if (command == "stop") return SERVICE_STOP | SERVICE_QUERY_STATUS;
    if (command == "pause" || command == "continue") return SERVICE_PAUSE_CONTINUE | SERVICE_QUERY_STATUS;
    if (command == "reload") return SERVICE_USER_DEFINED_CONTROL | SERVICE_QUERY_STATUS;
    return SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG;  // status
}

}  // namespace

int control_service(const ServiceOptions& options) {
    const std::string& command = options.command;
    const std::string& name = options.name;
    const ScHandle manager = open_manager(SC_MANAGER_CONNECT);
    if (!manager) return report_failure(command, "cannot open the service control manager", GetLastError());
    const ScHandle service = open_service(manager, name, access_for(command));
    if (!service) {
        const DWORD error = GetLastError();
        if (error == ERROR_SERVICE_DOES_NOT_EXIST) {
            std::cerr << "hiconn " << command << ": no service named " << name
                      << " is installed (hiconn install --name " << name << ")\n";
            return 1;
        }
        return report_failure(command, "cannot open service '" + name + "'", error);
    }
    if (command == "status") return print_status(service, name);
    if (command == "start") return start(service, options);
    if (command == "stop") return stop_and_wait("stop", service, name, deadline_after(options.timeout_s));
    if (command == "pause") return pause_or_continue(service, options, SERVICE_CONTROL_PAUSE, SERVICE_PAUSED);
    if (command == "continue")
        return pause_or_continue(service, options, SERVICE_CONTROL_CONTINUE, SERVICE_RUNNING);
    return reload(service, options);
}

}  // namespace hiconn::platform::windows
