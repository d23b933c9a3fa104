// The SCM-facing state machine of the service, with no SCM in it: which state is reported
// with which accepted controls, checkpoints and wait hints, and which ServiceApp call each
// control becomes. service_main.cpp feeds its reports to SetServiceStatus; the unit tests
// feed them to a recorder and call on_control() directly (SHUTDOWN included, which neither
// Wine nor `sc` can send).
//
//   START_PENDING --running()--> RUNNING <--CONTINUE-- PAUSED
//        |                          |  \---PAUSE------->  |
//   start_failed()              STOP/SHUTDOWN          STOP/SHUTDOWN
//        v                          v                     v
//     STOPPED <----stopped()---- STOP_PENDING <-----------+
#pragma once

#include "platform/service.hpp"

#include <windows.h>
#include <winsvc.h>

#include <functional>
#include <mutex>
#include <string>

namespace hiconn::platform::windows {

/// dwServiceSpecificExitCode values, reported with ERROR_SERVICE_SPECIFIC_ERROR (1066)
/// so `sc query` / `hiconn status` show why the service stopped instead of a bare 1067.
enum class ServiceExit : DWORD {
    config_error = 1,  ///< the app could not be built: config unreadable or invalid
    start_failed = 2,  ///< ServiceApp::start() threw (e.g. the port is in use)
    run_failed = 3,    ///< ServiceApp::wait() threw or returned a non-zero status
};

/// "config error", "start failed", ... ("" for an unknown code).
const char* describe_service_exit(DWORD specific_code);

/// The user-defined control code that reloads the config (like SIGHUP):
/// `hiconn reload` or, on Windows, `sc control NAME 128`.
constexpr DWORD control_reload = 128;

/// "RUNNING", "PAUSE_PENDING", ...
const char* state_name(DWORD state);

class ServiceStateMachine {
public:
    using Report = std::function<void(const SERVICE_STATUS&)>;
    using Note = std::function<void(const std::string&)>;

    /// `report` gets every status (SetServiceStatus); `note` one line per control (log).
    /// Both are called with the machine's lock held: they must not call back into it.
    explicit ServiceStateMachine(Report report, Note note = {});

    /// START_PENDING with the next checkpoint.
    void start_pending(DWORD wait_hint_ms);
    /// RUNNING: the app gets controls from now on. A STOP/SHUTDOWN that arrived while
    /// starting is carried out now (STOP_PENDING, app.stop()).
    void running(ServiceApp& app);
    /// The app is no longer called (call before destroying it).
    void detach();
    /// STOPPED with `win32_exit`, or with ERROR_SERVICE_SPECIFIC_ERROR and `specific`.
    void stopped(DWORD win32_exit = NO_ERROR);
    void stopped(ServiceExit specific);
    /// Re-reports a pending state with the next checkpoint so the SCM sees progress;
    /// does nothing in a settled state. Called about once a second.
    void tick();

    /// The HandlerEx body. Returns NO_ERROR, ERROR_CALL_NOT_IMPLEMENTED (unknown control)
    /// or ERROR_SERVICE_CANNOT_ACCEPT_CTRL (not in this state).
    DWORD on_control(DWORD control);

    SERVICE_STATUS status() const;

private:
    void set_locked(DWORD state, DWORD wait_hint_ms);
    void stop_locked(const char* why);

    Report report_;
    Note note_;
    mutable std::mutex mutex_;
    SERVICE_STATUS status_{};
    ServiceApp* app_ = nullptr;
    bool stop_requested_ = false;  // STOP/SHUTDOWN while START_PENDING
};

}  // namespace hiconn::platform::windows
