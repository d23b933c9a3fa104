// `hiconn service --config ABS --name NAME`: the process the SCM starts. It reports
// START_PENDING (with checkpoints) while the app is built and started, RUNNING, then turns
// controls into ServiceApp calls through ServiceStateMachine until the app stops.
// A failed start is reported as ERROR_SERVICE_SPECIFIC_ERROR with a ServiceExit code, and
// the reason is written to the service log, since a service has no console.
#include "platform/windows/service_commands.hpp"
#include "platform/windows/service_log.hpp"
#include "platform/windows/service_state.hpp"
#include "platform/windows/win_util.hpp"

#include <tlhelp32.h>

#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

namespace hiconn::platform::windows {
namespace {

struct EntryContext {
    ServiceOptions options;
    const ServiceAppFactory* factory = nullptr;
    std::string log_path;  // the app's log file once known, else default_service_log_file()
    int exit_status = 0;
};

EntryContext* g_entry = nullptr;  // ServiceMain gets no user pointer; one service per process

void log_line(const char* level, const std::string& message) {
    append_service_log(g_entry->log_path, level, "service " + g_entry->options.name + ": " + message);
}

// Is the parent process services.exe? The SCM is the parent of every service it starts.
// Asking first matters under Wine: there the dispatcher needs 10 s to fail with 1063 when
// nobody started us as a service (Windows fails at once). When the snapshot is not
// available, the dispatcher decides.
bool started_by_scm() {
    const HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE) return true;
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    const DWORD self = GetCurrentProcessId();
    DWORD parent = 0;
    bool found_self = false;
    for (BOOL ok = Process32FirstW(snapshot, &entry); ok; ok = Process32NextW(snapshot, &entry)) {
        if (entry.th32ProcessID == self) {
            parent = entry.th32ParentProcessID;
            found_self = true;
            break;
        }
    }
    bool is_scm = !found_self;
    if (found_self) {
        entry.dwSize = sizeof entry;
        for (BOOL ok = Process32FirstW(snapshot, &entry); ok; ok = Process32NextW(snapshot, &entry)) {
            if (entry.th32ProcessID == parent) {
                is_scm = _wcsicmp(entry.szExeFile, L"services.exe") == 0;
                break;
            }
        }
    }
    CloseHandle(snapshot);
    return is_scm;
}

// Bumps the pending state's checkpoint once a second while the service thread is busy
// building, starting or stopping the app, so the SCM sees progress.
class Ticker {
public:
    explicit Ticker(ServiceStateMachine& machine)
        : thread_([this, &machine] {
              std::unique_lock lock(mutex_);
              while (!done_) {
                  if (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) {
                      lock.unlock();
                      machine.tick();
                      lock.lock();
                  }
              }
          }) {}
    ~Ticker() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;  // last: starts after the members it uses
};

DWORD WINAPI on_control(DWORD control, DWORD, LPVOID, LPVOID context) {
    return static_cast<ServiceStateMachine*>(context)->on_control(control);
}

void run_app(EntryContext& entry, ServiceStateMachine& machine) {
    std::unique_ptr<ServiceApp> app;
    try {
        app = (*entry.factory)(entry.options.config);
        if (!app) throw std::runtime_error("no application was built");
    } catch (const std::exception& e) {
        log_line("error", std::string("config error, not started: ") + e.what());
        entry.exit_status = 1;
        machine.stopped(ServiceExit::config_error);
        return;
    }
    if (!app->log_file().empty()) entry.log_path = app->log_file();
    machine.start_pending(0);
    try {
        app->start();
    } catch (const std::exception& e) {
        log_line("error", std::string("start failed: ") + e.what());
        app.reset();
        entry.exit_status = 1;
        machine.stopped(ServiceExit::start_failed);
        return;
    }
    machine.running(*app);
    log_line("info", "RUNNING");

    int status = 0;
    try {
        status = app->wait();
    } catch (const std::exception& e) {
        log_line("error", std::string("stopped by an error: ") + e.what());
        status = 1;
    }
    machine.detach();  // no control reaches the app from here on
    app.reset();
    entry.exit_status = status == 0 ? 0 : 1;
    log_line(status == 0 ? "info" : "error", "STOPPED (status " + std::to_string(status) + ")");
    // After STOPPED the SCM may end the process at any time: nothing may follow but return.
    if (status == 0)
        machine.stopped(NO_ERROR);
    else
        machine.stopped(ServiceExit::run_failed);
}

void WINAPI service_main(DWORD, LPWSTR*) {
    EntryContext& entry = *g_entry;
    SERVICE_STATUS_HANDLE handle = nullptr;
    ServiceStateMachine machine(
        [&handle](const SERVICE_STATUS& status) {
            SERVICE_STATUS copy = status;
            if (handle) SetServiceStatus(handle, &copy);
        },
        [](const std::string& message) { log_line("info", message); });

    const std::wstring name = to_wide(entry.options.name);
    handle = RegisterServiceCtrlHandlerExW(name.c_str(), on_control, &machine);
    if (!handle) {
        log_line("error", "RegisterServiceCtrlHandlerExW failed: " + error_text(GetLastError()));
        entry.exit_status = 1;
        return;
    }
    machine.start_pending(0);
    log_line("info", "START_PENDING, config " + entry.options.config);
    Ticker ticker(machine);
    run_app(entry, machine);
}

void print_not_by_hand() {
    std::cerr << "hiconn service: this entry is started by the Windows Service Control Manager, "
                 "not by hand.\n"
                 "  As a service: hiconn install --config FILE, then hiconn start\n"
                 "  In a console: hiconn run --config FILE\n";
}

}  // namespace

int run_service_entry(const ServiceOptions& options, const ServiceAppFactory& factory) {
    if (!started_by_scm()) {
        print_not_by_hand();
        return 2;
    }
    EntryContext entry;
    entry.options = options;
    entry.factory = &factory;
    entry.log_path = default_service_log_file(options.config);
    g_entry = &entry;

    std::wstring name = to_wide(options.name);
    SERVICE_TABLE_ENTRYW table[] = {{name.data(), service_main}, {nullptr, nullptr}};
    if (!StartServiceCtrlDispatcherW(table)) {
        const DWORD error = GetLastError();
        g_entry = nullptr;
        if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            print_not_by_hand();
            return 2;
        }
        std::cerr << "hiconn service: StartServiceCtrlDispatcherW failed: " << error_text(error) << "\n";
        return 1;
    }
    g_entry = nullptr;
    return entry.exit_status;
}

}  // namespace hiconn::platform::windows
