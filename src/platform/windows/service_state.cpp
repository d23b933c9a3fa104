#include "platform/windows/service_state.hpp"

#include <exception>

namespace hiconn::platform::windows {
namespace {

// The SCM waits this long for the next checkpoint before it declares the service hung.
// tick() bumps the checkpoint every second, so these only need to cover one step.
constexpr DWORD start_hint_ms = 10000;
constexpr DWORD stop_hint_ms = 15000;
constexpr DWORD pause_hint_ms = 5000;

bool is_pending(DWORD state) {
    return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING ||
           state == SERVICE_PAUSE_PENDING || state == SERVICE_CONTINUE_PENDING;
}

DWORD accepted_in(DWORD state) {
    // Settled states take every control; pending ones none (the SCM then refuses them
    // with ERROR_SERVICE_CANNOT_ACCEPT_CTRL itself).
    if (state == SERVICE_RUNNING || state == SERVICE_PAUSED)
        return SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PAUSE_CONTINUE;
    return 0;
}

}  // namespace

const char* describe_service_exit(DWORD specific_code) {
    switch (static_cast<ServiceExit>(specific_code)) {
    case ServiceExit::config_error: return "config error";
    case ServiceExit::start_failed: return "start failed";
    case ServiceExit::run_failed: return "stopped with an error";
    }
    return "";
}

const char* state_name(DWORD state) {
    switch (state) {
    case SERVICE_STOPPED: return "STOPPED";
    case SERVICE_START_PENDING: return "START_PENDING";
    case SERVICE_STOP_PENDING: return "STOP_PENDING";
    case SERVICE_RUNNING: return "RUNNING";
    case SERVICE_CONTINUE_PENDING: return "CONTINUE_PENDING";
    case SERVICE_PAUSE_PENDING: return "PAUSE_PENDING";
    case SERVICE_PAUSED: return "PAUSED";
    }
    return "UNKNOWN";
}

ServiceStateMachine::ServiceStateMachine(Report report, Note note)
    : report_(std::move(report)), note_(std::move(note)) {
    status_.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status_.dwCurrentState = SERVICE_START_PENDING;  // what the SCM assumes until told
}

void ServiceStateMachine::set_locked(DWORD state, DWORD wait_hint_ms) {
    const bool same = status_.dwCurrentState == state;
    status_.dwCurrentState = state;
    status_.dwControlsAccepted = accepted_in(state);
    if (is_pending(state)) {
        status_.dwCheckPoint = same ? status_.dwCheckPoint + 1 : 1;
        status_.dwWaitHint = wait_hint_ms;
    } else {
        status_.dwCheckPoint = 0;
        status_.dwWaitHint = 0;
    }
    if (report_) report_(status_);
}

void ServiceStateMachine::start_pending(DWORD wait_hint_ms) {
    std::lock_guard lock(mutex_);
    set_locked(SERVICE_START_PENDING, wait_hint_ms ? wait_hint_ms : start_hint_ms);
}

void ServiceStateMachine::running(ServiceApp& app) {
    std::lock_guard lock(mutex_);
    app_ = &app;
    set_locked(SERVICE_RUNNING, 0);
    if (stop_requested_) stop_locked("stop requested while starting");
}

void ServiceStateMachine::detach() {
    std::lock_guard lock(mutex_);
    app_ = nullptr;
}

void ServiceStateMachine::stopped(DWORD win32_exit) {
    std::lock_guard lock(mutex_);
    app_ = nullptr;
    status_.dwWin32ExitCode = win32_exit;
    status_.dwServiceSpecificExitCode = 0;
    set_locked(SERVICE_STOPPED, 0);
}

void ServiceStateMachine::stopped(ServiceExit specific) {
    std::lock_guard lock(mutex_);
    app_ = nullptr;
    status_.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    status_.dwServiceSpecificExitCode = static_cast<DWORD>(specific);
    set_locked(SERVICE_STOPPED, 0);
}

void ServiceStateMachine::tick() {
    std::lock_guard lock(mutex_);
    if (!is_pending(status_.dwCurrentState)) return;
    ++status_.dwCheckPoint;
    if (report_) report_(status_);
}

void ServiceStateMachine::stop_locked(const char* why) {
    if (note_) note_(why);
    set_locked(SERVICE_STOP_PENDING, stop_hint_ms);
    // stop() only starts the graceful stop; wait() in service_main sees it finish.
    if (app_) app_->stop();
}

DWORD ServiceStateMachine::on_control(DWORD control) {
    std::lock_guard lock(mutex_);
    const DWORD state = status_.dwCurrentState;
    // The app's calls are made under the lock so that detach() cannot pass one in flight.
    try {
        switch (control) {
        case SERVICE_CONTROL_INTERROGATE:
            if (report_) report_(status_);
            return NO_ERROR;

        case SERVICE_CONTROL_STOP:
        case SERVICE_CONTROL_SHUTDOWN: {
            const char* what = control == SERVICE_CONTROL_STOP ? "STOP" : "SHUTDOWN";
            if (state == SERVICE_STOPPED) return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
            if (state == SERVICE_STOP_PENDING) return NO_ERROR;
            if (state == SERVICE_START_PENDING) {
                stop_requested_ = true;
                if (note_) note_(std::string(what) + " while starting: stopping once started");
                return NO_ERROR;
            }
            stop_locked(control == SERVICE_CONTROL_STOP ? "STOP: stopping gracefully"
                                                        : "SHUTDOWN: stopping gracefully");
            return NO_ERROR;
        }

        case SERVICE_CONTROL_PAUSE:
            if (state == SERVICE_PAUSED) return NO_ERROR;
            if (state != SERVICE_RUNNING) return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
            if (note_) note_("PAUSE: no new connections, existing ones are served");
            set_locked(SERVICE_PAUSE_PENDING, pause_hint_ms);
            if (app_) app_->pause();
            set_locked(SERVICE_PAUSED, 0);
            return NO_ERROR;

        case SERVICE_CONTROL_CONTINUE:
            if (state == SERVICE_RUNNING) return NO_ERROR;
            if (state != SERVICE_PAUSED) return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
            if (note_) note_("CONTINUE: accepting again");
            set_locked(SERVICE_CONTINUE_PENDING, pause_hint_ms);
            if (app_) app_->resume();
            set_locked(SERVICE_RUNNING, 0);
            return NO_ERROR;

        case control_reload:
            if (state != SERVICE_RUNNING && state != SERVICE_PAUSED)
                return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
            if (app_) {
                const bool ok = app_->reload();
                if (note_) note_(ok ? "reload: config re-read" : "reload failed: old config kept");
            }
            return NO_ERROR;
        }
    } catch (const std::exception& e) {
        if (note_) note_(std::string("control ") + std::to_string(control) + " failed: " + e.what());
        // A pause or continue that threw leaves the service where it was.
        const DWORD now = status_.dwCurrentState;
        if (now == SERVICE_PAUSE_PENDING || now == SERVICE_CONTINUE_PENDING) set_locked(state, 0);
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    }
    return ERROR_CALL_NOT_IMPLEMENTED;
}

SERVICE_STATUS ServiceStateMachine::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

}  // namespace hiconn::platform::windows
