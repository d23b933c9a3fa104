// The service control state machine without an SCM: every report it makes and every
// ServiceApp call each control becomes, including SHUTDOWN, which neither Wine nor `sc`
// can send (only the system does on Windows).
#ifdef _WIN32

#include "platform/windows/service_state.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using hiconn::platform::windows::control_reload;
using hiconn::platform::windows::ServiceExit;
using hiconn::platform::windows::ServiceStateMachine;

namespace {

struct RecordingApp : hiconn::platform::ServiceApp {
    std::vector<std::string> calls;
    bool reload_result = true;
    bool pause_throws = false;
    void start() override { calls.push_back("start"); }
    int wait() override { return 0; }
    void stop() override { calls.push_back("stop"); }
    void pause() override {
        if (pause_throws) throw std::runtime_error("cannot pause");
        calls.push_back("pause");
    }
    void resume() override { calls.push_back("resume"); }
    bool reload() override {
        calls.push_back("reload");
        return reload_result;
    }
};

struct Harness {
    std::vector<SERVICE_STATUS> reports;
    std::vector<std::string> notes;
    ServiceStateMachine machine{[this](const SERVICE_STATUS& s) { reports.push_back(s); },
                                [this](const std::string& n) { notes.push_back(n); }};
    RecordingApp app;

    DWORD state() const { return machine.status().dwCurrentState; }
    DWORD last_reported() const { return reports.empty() ? 0 : reports.back().dwCurrentState; }
    void start() {
        machine.start_pending(0);
        machine.running(app);
    }
};

constexpr DWORD all_controls = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PAUSE_CONTINUE;

}  // namespace

TEST_CASE("start-up reports START_PENDING with rising checkpoints, then RUNNING", "[service]") {
    Harness h;
    h.machine.start_pending(0);
    h.machine.start_pending(0);
    h.machine.tick();
    REQUIRE(h.reports.size() == 3);
    for (const auto& r : h.reports) {
        CHECK(r.dwCurrentState == SERVICE_START_PENDING);
        CHECK(r.dwControlsAccepted == 0);
        CHECK(r.dwWaitHint > 0);
        CHECK(r.dwServiceType == SERVICE_WIN32_OWN_PROCESS);
    }
    CHECK(h.reports[0].dwCheckPoint == 1);
    CHECK(h.reports[1].dwCheckPoint == 2);
    CHECK(h.reports[2].dwCheckPoint == 3);

    h.machine.running(h.app);
    const SERVICE_STATUS running = h.reports.back();
    CHECK(running.dwCurrentState == SERVICE_RUNNING);
    CHECK(running.dwControlsAccepted == all_controls);
    CHECK(running.dwCheckPoint == 0);
    CHECK(running.dwWaitHint == 0);
    CHECK(running.dwWin32ExitCode == NO_ERROR);

    // A settled state is not re-reported by the ticker.
    h.machine.tick();
    CHECK(h.reports.size() == 4);
}

TEST_CASE("PAUSE and CONTINUE go through their pending states and reach the app", "[service]") {
    Harness h;
    h.start();
    h.reports.clear();

    CHECK(h.machine.on_control(SERVICE_CONTROL_PAUSE) == NO_ERROR);
    REQUIRE(h.reports.size() == 2);
    CHECK(h.reports[0].dwCurrentState == SERVICE_PAUSE_PENDING);
    CHECK(h.reports[0].dwControlsAccepted == 0);
    CHECK(h.reports[1].dwCurrentState == SERVICE_PAUSED);
    CHECK(h.reports[1].dwControlsAccepted == all_controls);
    CHECK(h.app.calls == std::vector<std::string>{"pause"});

    // A second PAUSE changes nothing and calls nobody.
    CHECK(h.machine.on_control(SERVICE_CONTROL_PAUSE) == NO_ERROR);
    CHECK(h.app.calls.size() == 1);

    h.reports.clear();
    CHECK(h.machine.on_control(SERVICE_CONTROL_CONTINUE) == NO_ERROR);
    REQUIRE(h.reports.size() == 2);
    CHECK(h.reports[0].dwCurrentState == SERVICE_CONTINUE_PENDING);
    CHECK(h.reports[1].dwCurrentState == SERVICE_RUNNING);
    CHECK(h.app.calls == std::vector<std::string>{"pause", "resume"});
}

TEST_CASE("a paused service stays PAUSED until told otherwise", "[service]") {
    Harness h;
    h.start();
    REQUIRE(h.machine.on_control(SERVICE_CONTROL_PAUSE) == NO_ERROR);
    h.machine.tick();
    CHECK(h.machine.on_control(SERVICE_CONTROL_INTERROGATE) == NO_ERROR);
    CHECK(h.state() == SERVICE_PAUSED);
    CHECK(h.last_reported() == SERVICE_PAUSED);
    CHECK(h.app.calls == std::vector<std::string>{"pause"});
}

TEST_CASE("SHUTDOWN stops gracefully like STOP", "[service]") {
    Harness h;
    h.start();
    CHECK(h.machine.on_control(SERVICE_CONTROL_SHUTDOWN) == NO_ERROR);
    CHECK(h.state() == SERVICE_STOP_PENDING);
    CHECK(h.reports.back().dwControlsAccepted == 0);
    CHECK(h.reports.back().dwWaitHint > 0);
    CHECK(h.app.calls == std::vector<std::string>{"stop"});

    // A STOP on top of it is accepted and does not stop twice.
    CHECK(h.machine.on_control(SERVICE_CONTROL_STOP) == NO_ERROR);
    CHECK(h.app.calls.size() == 1);

    // The stop takes a while: the ticker shows progress.
    const DWORD checkpoint = h.machine.status().dwCheckPoint;
    h.machine.tick();
    CHECK(h.machine.status().dwCheckPoint == checkpoint + 1);

    h.machine.detach();
    h.machine.stopped();
    CHECK(h.state() == SERVICE_STOPPED);
    CHECK(h.reports.back().dwWin32ExitCode == NO_ERROR);
}

TEST_CASE("STOP from PAUSED stops the app", "[service]") {
    Harness h;
    h.start();
    REQUIRE(h.machine.on_control(SERVICE_CONTROL_PAUSE) == NO_ERROR);
    CHECK(h.machine.on_control(SERVICE_CONTROL_STOP) == NO_ERROR);
    CHECK(h.state() == SERVICE_STOP_PENDING);
    CHECK(h.app.calls == std::vector<std::string>{"pause", "stop"});
}

TEST_CASE("a STOP during start-up is carried out once the app runs", "[service]") {
    Harness h;
    h.machine.start_pending(0);
    CHECK(h.machine.on_control(SERVICE_CONTROL_STOP) == NO_ERROR);
    CHECK(h.state() == SERVICE_START_PENDING);
    CHECK(h.app.calls.empty());
    h.machine.running(h.app);
    CHECK(h.state() == SERVICE_STOP_PENDING);
    CHECK(h.app.calls == std::vector<std::string>{"stop"});
}

TEST_CASE("INTERROGATE re-reports the current status", "[service]") {
    Harness h;
    h.start();
    const auto before = h.reports.size();
    CHECK(h.machine.on_control(SERVICE_CONTROL_INTERROGATE) == NO_ERROR);
    REQUIRE(h.reports.size() == before + 1);
    CHECK(h.reports.back().dwCurrentState == SERVICE_RUNNING);
    CHECK(h.app.calls.empty());
}

TEST_CASE("the user-defined control 128 reloads the config", "[service]") {
    Harness h;
    h.machine.start_pending(0);
    CHECK(h.machine.on_control(control_reload) == ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    h.machine.running(h.app);
    CHECK(h.machine.on_control(control_reload) == NO_ERROR);
    CHECK(h.app.calls == std::vector<std::string>{"reload"});
    CHECK(h.notes.back() == "reload: config re-read");

    h.app.reload_result = false;  // an invalid file: old config kept, still running
    CHECK(h.machine.on_control(control_reload) == NO_ERROR);
    CHECK(h.notes.back() == "reload failed: old config kept");
    CHECK(h.state() == SERVICE_RUNNING);

    REQUIRE(h.machine.on_control(SERVICE_CONTROL_PAUSE) == NO_ERROR);
    CHECK(h.machine.on_control(control_reload) == NO_ERROR);  // paused services reload too
    CHECK(h.state() == SERVICE_PAUSED);
}

TEST_CASE("controls that do not fit the state are refused", "[service]") {
    Harness h;
    h.start();
    CHECK(h.machine.on_control(SERVICE_CONTROL_PARAMCHANGE) == ERROR_CALL_NOT_IMPLEMENTED);
    CHECK(h.machine.on_control(SERVICE_CONTROL_CONTINUE) == NO_ERROR);  // already running
    REQUIRE(h.machine.on_control(SERVICE_CONTROL_STOP) == NO_ERROR);
    CHECK(h.machine.on_control(SERVICE_CONTROL_PAUSE) == ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    CHECK(h.machine.on_control(SERVICE_CONTROL_CONTINUE) == ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    h.machine.stopped();
    CHECK(h.machine.on_control(SERVICE_CONTROL_STOP) == ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    CHECK(h.app.calls == std::vector<std::string>{"stop"});
}

TEST_CASE("a failed start is reported with a service-specific exit code", "[service]") {
    Harness h;
    h.machine.start_pending(0);
    h.machine.stopped(ServiceExit::start_failed);
    const SERVICE_STATUS s = h.reports.back();
    CHECK(s.dwCurrentState == SERVICE_STOPPED);
    CHECK(s.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR);
    CHECK(s.dwServiceSpecificExitCode == static_cast<DWORD>(ServiceExit::start_failed));
    CHECK(s.dwControlsAccepted == 0);
    CHECK(std::string(hiconn::platform::windows::describe_service_exit(s.dwServiceSpecificExitCode)) ==
          "start failed");
}

TEST_CASE("after detach no control reaches the app", "[service]") {
    Harness h;
    h.start();
    h.machine.detach();
    CHECK(h.machine.on_control(SERVICE_CONTROL_PAUSE) == NO_ERROR);
    CHECK(h.machine.on_control(SERVICE_CONTROL_STOP) == NO_ERROR);
    CHECK(h.machine.on_control(control_reload) == ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    CHECK(h.app.calls.empty());
}

TEST_CASE("a pause that throws leaves the service RUNNING", "[service]") {
    Harness h;
    h.start();
    h.app.pause_throws = true;
    CHECK(h.machine.on_control(SERVICE_CONTROL_PAUSE) == ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    CHECK(h.state() == SERVICE_RUNNING);
    CHECK(h.last_reported() == SERVICE_RUNNING);
}

#endif  // _WIN32
