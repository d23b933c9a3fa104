#include "platform/windows/service_scm.hpp"
#include "platform/windows/service_state.hpp"

#include <iostream>
#include <thread>

namespace hiconn::platform::windows {

Deadline deadline_after(std::uint32_t seconds) {
    return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

int report_failure(const std::string& command, const std::string& what, DWORD error) {
    std::cerr << "hiconn " << command << ": " << what << ": " << error_text(error) << "\n";
    if (error == ERROR_ACCESS_DENIED)
        std::cerr << "hiconn " << command << ": this needs an administrator: run it from an "
                  << "elevated prompt (\"Run as administrator\")\n";
    return 1;
}

ScHandle open_manager(DWORD access) {
    return ScHandle(OpenSCManagerW(nullptr, nullptr, access));
}

ScHandle open_service(const ScHandle& manager, const std::string& name, DWORD access) {
    return ScHandle(OpenServiceW(manager.get(), to_wide(name).c_str(), access));
}

bool query_status(const ScHandle& service, SERVICE_STATUS_PROCESS& status) {
    DWORD needed = 0;
    return QueryServiceStatusEx(service.get(), SC_STATUS_PROCESS_INFO,
                                reinterpret_cast<BYTE*>(&status), sizeof status, &needed) != 0;
}

bool wait_for_state(const ScHandle& service, DWORD target, Deadline deadline,
                    SERVICE_STATUS_PROCESS& last) {
    for (;;) {
        if (!query_status(service, last)) return false;
        if (last.dwCurrentState == target) return true;
        if (last.dwCurrentState == SERVICE_STOPPED) return false;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

int stop_and_wait(const std::string& command, const ScHandle& service, const std::string& name,
                  Deadline deadline) {
    SERVICE_STATUS_PROCESS status{};
    if (!query_status(service, status))
        return report_failure(command, "cannot query service '" + name + "'", GetLastError());
    if (status.dwCurrentState == SERVICE_STOPPED) {
        std::cout << "service " << name << ": already stopped\n";
        return 0;
    }
    // Opened before the stop so the pid cannot be reused in between.
    HANDLE process = status.dwProcessId ? OpenProcess(SYNCHRONIZE, FALSE, status.dwProcessId) : nullptr;
    SERVICE_STATUS sent{};
    if (status.dwCurrentState != SERVICE_STOP_PENDING &&
        !ControlService(service.get(), SERVICE_CONTROL_STOP, &sent) &&
        GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
        const DWORD error = GetLastError();
        if (process) CloseHandle(process);
        return report_failure(command, "cannot stop service '" + name + "'", error);
    }
    const bool stopped = wait_for_state(service, SERVICE_STOPPED, deadline, status);
    bool exited = true;
    if (stopped && process) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        exited = WaitForSingleObject(process, left.count() > 0 ? static_cast<DWORD>(left.count()) : 0) ==
                 WAIT_OBJECT_0;
    }
    if (process) CloseHandle(process);
    if (!stopped) {
        std::cerr << "hiconn " << command << ": service " << name << " did not stop in time; it is "
                  << describe_status(status) << "\n";
        return 1;
    }
    if (!exited) {
        std::cerr << "hiconn " << command << ": service " << name
                  << " reported STOPPED but its process did not exit in time\n";
        return 1;
    }
    std::cout << "service " << name << ": " << describe_status(status) << "\n";
    return 0;
}

std::string describe_status(const SERVICE_STATUS_PROCESS& status) {
    std::string text = state_name(status.dwCurrentState);
    if (status.dwCurrentState != SERVICE_STOPPED) {
        if (status.dwProcessId) text += " (pid " + std::to_string(status.dwProcessId) + ")";
        return text;
    }
    const DWORD exit = status.dwWin32ExitCode;
    if (exit == NO_ERROR) return text;
    if (exit == ERROR_SERVICE_NEVER_STARTED) return text + " (never started)";
    if (exit == ERROR_SERVICE_SPECIFIC_ERROR) {
        const DWORD code = status.dwServiceSpecificExitCode;
        const std::string why = describe_service_exit(code);
        return text + " (last exit: service-specific error " + std::to_string(code) +
               (why.empty() ? "" : ": " + why) + "; the reason is in the service log)";
    }
    return text + " (last exit: " + error_text(exit) + ")";
}

}  // namespace hiconn::platform::windows
