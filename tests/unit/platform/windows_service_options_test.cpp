// The service commands' words and the quoting of the binary path the SCM runs.
#ifdef _WIN32

#include "platform/service.hpp"
#include "platform/windows/service_options.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using hiconn::platform::windows::parse_service_options;
using hiconn::platform::windows::quote_argument;

TEST_CASE("service options have the ServiceConfig defaults", "[service]") {
    const auto o = parse_service_options("install", {});
    CHECK(o.command == "install");
    CHECK(o.name == "hiconn");
    CHECK(o.display_name == "hiconn high-connection server");
    CHECK_FALSE(o.description.empty());
    CHECK(o.start == "auto");
    CHECK(o.config.empty());
    CHECK(o.timeout_s == 30);
}

TEST_CASE("service options take --key value and --key=value", "[service]") {
    const auto o = parse_service_options(
        "install", {"--config", "conf\\echo.json", "--name=echo1", "--display-name", "Echo one",
                    "--start", "delayed", "--description=plain echo"});
    CHECK(o.config == "conf\\echo.json");
    CHECK(o.name == "echo1");
    CHECK(o.display_name == "Echo one");
    CHECK(o.start == "delayed");
    CHECK(o.description == "plain echo");

    CHECK(parse_service_options("stop", {"--timeout", "5"}).timeout_s == 5);
    CHECK(parse_service_options("status", {"-h"}).help);
}

TEST_CASE("service options reject what the command does not take", "[service]") {
    using Args = std::vector<std::string>;
    CHECK_THROWS_AS(parse_service_options("frobnicate", Args{}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("install", Args{"--start", "sometimes"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("install", Args{"--config"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("install", Args{"--config="}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("start", Args{"--config", "x.json"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("stop", Args{"--timeout", "0"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("stop", Args{"--timeout", "5s"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("status", Args{"extra"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_service_options("status", Args{"--name", "a\\b"}), std::invalid_argument);
    // The SCM entry needs the installed absolute config path.
    CHECK_THROWS_AS(parse_service_options("service", Args{"--name", "x"}), std::invalid_argument);
    CHECK(parse_service_options("service", Args{"--config", "C:\\x.json"}).config == "C:\\x.json");
}

TEST_CASE("arguments are quoted for the service command line", "[service]") {
    CHECK(quote_argument(L"plain") == L"plain");
    CHECK(quote_argument(L"") == L"\"\"");
    CHECK(quote_argument(L"C:\\Program Files\\hiconn\\hiconn.exe") ==
          L"\"C:\\Program Files\\hiconn\\hiconn.exe\"");
    // A trailing backslash would escape the closing quote unless doubled.
    CHECK(quote_argument(L"C:\\my dir\\") == L"\"C:\\my dir\\\\\"");
    CHECK(quote_argument(L"say \"hi\"") == L"\"say \\\"hi\\\"\"");
    CHECK(quote_argument(L"a\\\\\"b") == L"\"a\\\\\\\\\\\"b\"");
}

TEST_CASE("the default service log sits beside the config", "[service]") {
    CHECK(hiconn::platform::default_service_log_file("C:\\hiconn\\conf\\echo.json") ==
          "C:\\hiconn\\conf\\hiconn.log");
}

#endif  // _WIN32
