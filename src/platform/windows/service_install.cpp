// hiconn install / uninstall: register the service with an absolute config path, a
// description, restart-on-failure recovery and the asked start type; remove it again.
#include "platform/windows/service_commands.hpp"
#include "platform/windows/service_scm.hpp"

#include <filesystem>
#include <iostream>
#include <vector>

namespace hiconn::platform::windows {
namespace {

// A relative --config is resolved now, against the folder the administrator is in: the
// service runs in C:\Windows\System32, where a relative path would point elsewhere.
std::wstring absolute_config_path(const std::string& given) {
    std::wstring path;
    if (given.empty()) {
        path = (std::filesystem::path(module_path()).parent_path() / L"hiconn.json").wstring();
    } else {
        path = to_wide(given);
    }
    const DWORD n = GetFullPathNameW(path.c_str(), 0, nullptr, nullptr);
    if (n == 0) return path;
    std::vector<wchar_t> full(n);
    const DWORD m = GetFullPathNameW(path.c_str(), n, full.data(), nullptr);
    return m && m < n ? std::wstring(full.data(), m) : path;
}

// Restart after 5 s, again after 30 s, then leave it stopped; the count resets after a day
// without failures. Together with the non-crash flag this also covers a start that fails
// with our service-specific exit code (e.g. the port was still taken).
void set_recovery(const ScHandle& service, const std::string& name) {
    SC_ACTION actions[3] = {{SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000}, {SC_ACTION_NONE, 0}};
    SERVICE_FAILURE_ACTIONSW failure{};
    failure.dwResetPeriod = 24 * 60 * 60;
    failure.cActions = 3;
    failure.lpsaActions = actions;
    if (!ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_FAILURE_ACTIONS, &failure)) {
        std::cerr << "hiconn install: warning: recovery actions not set for " << name << ": "
                  << error_text(GetLastError()) << "\n";
        return;
    }
    SERVICE_FAILURE_ACTIONS_FLAG non_crash{TRUE};
    if (!ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &non_crash))
        std::cerr << "hiconn install: warning: the failure-actions flag was refused ("
                  << error_text(GetLastError()) << "): recovery covers crashes only, not a start "
                  << "that fails with an exit code\n";
}

}  // namespace

int install_service(const ServiceOptions& options) {
    const std::string& name = options.name;
    const std::wstring config = absolute_config_path(options.config);
    const DWORD attributes = GetFileAttributesW(config.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
        std::cerr << "hiconn install: config file " << to_narrow(config) << " not found"
                  << (options.config.empty() ? " (give one with --config FILE)" : "") << "\n";
        return 1;
    }
    const std::wstring command_line = quote_argument(module_path()) + L" service --config " +
                                      quote_argument(config) + L" --name " +
                                      quote_argument(to_wide(name));

    const ScHandle manager = open_manager(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
    if (!manager) return report_failure("install", "cannot open the service control manager", GetLastError());

    const DWORD start_type = options.start == "manual" ? SERVICE_DEMAND_START : SERVICE_AUTO_START;
    // LocalSystem (no account given): it can write the log wherever the config points.
    const ScHandle service(CreateServiceW(
        manager.get(), to_wide(name).c_str(), to_wide(options.display_name).c_str(),
        SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS,
        SERVICE_WIN32_OWN_PROCESS, start_type, SERVICE_ERROR_NORMAL, command_line.c_str(), nullptr,
        nullptr, nullptr, nullptr, nullptr));
    if (!service) {
        const DWORD error = GetLastError();
        if (error == ERROR_SERVICE_EXISTS) {
            std::cerr << "hiconn install: a service named " << name << " is already installed "
                      << "(hiconn uninstall --name " << name << " removes it)\n";
            return 1;
        }
        if (error == ERROR_DUPLICATE_SERVICE_NAME) {
            std::cerr << "hiconn install: another service already uses the display name \""
                      << options.display_name << "\" (choose one with --display-name)\n";
            return 1;
        }
        return report_failure("install", "cannot create service '" + name + "'", error);
    }

    std::wstring description = to_wide(options.description);
    SERVICE_DESCRIPTIONW text{description.data()};
    if (!ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_DESCRIPTION, &text))
        std::cerr << "hiconn install: warning: description not set: " << error_text(GetLastError()) << "\n";
    set_recovery(service, name);

    std::string start = options.start;
    if (options.start == "delayed") {
        SERVICE_DELAYED_AUTO_START_INFO delayed{TRUE};
        if (!ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed)) {
            const DWORD error = GetLastError();
            // Wine 8 answers ERROR_INVALID_LEVEL: the service stays a plain auto-start one.
            std::cerr << "hiconn install: warning: delayed auto-start not supported here ("
                      << error_text(error) << "); the service starts as plain auto-start\n";
            start = "auto";
        }
    }

    std::cout << "installed service " << name << " (\"" << options.display_name << "\"), start: "
              << start << "\n"
              << "  command: " << to_narrow(command_line) << "\n"
              << "  start it with: hiconn start --name " << name << "\n";
    return 0;
}

int uninstall_service(const ServiceOptions& options) {
    const std::string& name = options.name;
    const ScHandle manager = open_manager(SC_MANAGER_CONNECT);
    if (!manager) return report_failure("uninstall", "cannot open the service control manager", GetLastError());
    const ScHandle service = open_service(manager, name, DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS);
    if (!service) {
        const DWORD error = GetLastError();
        if (error == ERROR_SERVICE_DOES_NOT_EXIST) {
            std::cerr << "hiconn uninstall: no service named " << name << " is installed\n";
            return 1;
        }
        return report_failure("uninstall", "cannot open service '" + name + "'", error);
    }
    // Stop first: deleting a running service only marks it, and it keeps running.
    if (stop_and_wait("uninstall", service, name, deadline_after(options.timeout_s)) != 0) return 1;
    if (!DeleteService(service.get())) {
        const DWORD error = GetLastError();
        if (error == ERROR_SERVICE_MARKED_FOR_DELETE) {
            std::cout << "service " << name << " is already marked for deletion\n";
            return 0;
        }
        return report_failure("uninstall", "cannot delete service '" + name + "'", error);
    }
    std::cout << "uninstalled service " << name << "\n";
    return 0;
}

}  // namespace hiconn::platform::windows
