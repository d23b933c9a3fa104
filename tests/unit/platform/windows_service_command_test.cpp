// run_service_command() on Windows (under Wine in CI): usage errors, the `service` entry
// started by hand, and the SCM commands against a service that does not exist.
#ifdef _WIN32

#include "platform/service.hpp"

#include <catch2/catch.hpp>

using hiconn::platform::is_service_command;
using hiconn::platform::run_service_command;
using hiconn::platform::ServiceApp;
using hiconn::platform::ServiceAppFactory;

namespace {

// Counts how often the service entry asked for the app.
struct FactoryProbe {
    int calls = 0;
    ServiceAppFactory factory() {
        return [this](const std::string&) -> std::unique_ptr<ServiceApp> {
            ++calls;
            return nullptr;
        };
    }
};

}  // namespace

TEST_CASE("the service words are recognised", "[service]") {
    for (const char* word : {"install", "uninstall", "start", "stop", "pause", "continue", "status",
                             "reload", "service"})
        CHECK(is_service_command(word));
    CHECK_FALSE(is_service_command("run"));
    CHECK_FALSE(is_service_command("check-config"));
    CHECK_FALSE(is_service_command(""));
}

TEST_CASE("a bad service command line is a usage error (2)", "[service]") {
    FactoryProbe probe;
    CHECK(run_service_command("install", {"--start", "sometimes"}, probe.factory()) == 2);
    CHECK(run_service_command("service", {}, probe.factory()) == 2);
    CHECK(run_service_command("stop", {"--bogus"}, probe.factory()) == 2);
    CHECK(probe.calls == 0);
}

TEST_CASE("the service entry started by hand says so and fails", "[service]") {
    // Our parent is a shell or ctest, not services.exe: the entry must refuse before it
    // asks the dispatcher (which under Wine needs 10 s to fail) and never build the app.
    FactoryProbe probe;
    CHECK(run_service_command("service", {"--config", "C:\\nowhere\\hiconn.json"}, probe.factory()) == 2);
    CHECK(probe.calls == 0);
}

TEST_CASE("commands on a service that is not installed fail (1)", "[service]") {
    FactoryProbe probe;
    const std::vector<std::string> name{"--name", "hiconn-unit-test-not-installed"};
    CHECK(run_service_command("status", name, probe.factory()) == 1);
    CHECK(run_service_command("stop", name, probe.factory()) == 1);
    CHECK(run_service_command("pause", name, probe.factory()) == 1);
    CHECK(run_service_command("uninstall", name, probe.factory()) == 1);
}

TEST_CASE("install refuses a config file that does not exist", "[service]") {
    FactoryProbe probe;
    CHECK(run_service_command("install",
                              {"--config", "no-such-dir\\missing.json", "--name", "hiconn-unit-test-x"},
                              probe.factory()) == 1);
    // Nothing was registered.
    CHECK(run_service_command("status", {"--name", "hiconn-unit-test-x"}, probe.factory()) == 1);
}

#endif  // _WIN32
