// On POSIX the Windows service words are recognised and answered with exit status 2.
#ifndef _WIN32

#include "platform/service.hpp"

#include <catch2/catch.hpp>

using hiconn::platform::is_service_command;
using hiconn::platform::run_service_command;

TEST_CASE("POSIX recognises the Windows service words and refuses them", "[service]") {
    int built = 0;
    const hiconn::platform::ServiceAppFactory factory = [&built](const std::string&) {
        ++built;
        return std::unique_ptr<hiconn::platform::ServiceApp>();
    };
    for (const char* word : {"install", "uninstall", "start", "stop", "pause", "continue", "status",
                             "service"}) {
        CHECK(is_service_command(word));
        CHECK(run_service_command(word, {"--name", "x"}, factory) == 2);
    }
    CHECK(built == 0);
    CHECK_FALSE(is_service_command("run"));
    CHECK_FALSE(is_service_command("check-config"));
}

TEST_CASE("the default service log sits beside the config (POSIX paths)", "[service]") {
    CHECK(hiconn::platform::default_service_log_file("/etc/hiconn/echo.json") == "/etc/hiconn/hiconn.log");
}

#endif  // _WIN32
