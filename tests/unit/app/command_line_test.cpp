#include "app/command_line.hpp"
#include "app/stats_reporter.hpp"

#include <catch2/catch.hpp>

using hiconn::app::parse_command_line;

TEST_CASE("command line: run is the default command", "[cli]") {
    const auto cl = parse_command_line({"--config", "x.json"});
    CHECK(cl.command == "run");
    CHECK(cl.config_file == "x.json");
    CHECK(cl.overrides.empty());
}

TEST_CASE("command line: flags become config overrides in order", "[cli]") {
    const auto cl = parse_command_line({"run", "--listen", "127.0.0.1:1", "--listen", "[::1]:2", "--threads",
                                        "3", "--max-connections", "50", "--log-level", "debug", "--workload",
                                        "chat", "--set", "timeouts.idle_s=5"});
    CHECK(cl.overrides == std::vector<std::string>{"workload=chat", "listen=[\"127.0.0.1:1\",\"[::1]:2\"]",
                                                   "threads=3", "limits.max_connections=50",
                                                   "log.level=debug", "timeouts.idle_s=5"});
}

TEST_CASE("command line: bad usage is reported", "[cli]") {
    CHECK_THROWS_AS(parse_command_line({"frobnicate"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_command_line({"--no-such-flag"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_command_line({"check-config"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_command_line({"--set", "novalue"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_command_line({"--threads", "many"}), std::invalid_argument);
}

TEST_CASE("command line: help and version", "[cli]") {
    const auto help = parse_command_line({"--help"});
    CHECK(help.command == "help");
    CHECK(help.help_text.find("--set") != std::string::npos);
    CHECK(help.help_text.find("SIGUSR1") != std::string::npos);
    CHECK(parse_command_line({"--version"}).command == "version");
}

TEST_CASE("stats line shows rates and close reasons", "[stats]") {
    hiconn::core::StatsSnapshot a, b;
    b.connections = 7;
    b.connections_peak = 9;
    b.accepts = 20;
    b.bytes_in = 2000;
    b.bytes_out = 1000;
    b.closes[static_cast<std::size_t>(hiconn::core::CloseReason::idle_timeout)] = 4;
    b.accepting = true;
    const auto line = hiconn::app::StatsReporter::format(a, b, 2.0);
    CHECK(line.find("connections 7 (peak 9)") != std::string::npos);
    CHECK(line.find("accepts 10.0/s") != std::string::npos);
    CHECK(line.find("in 1000 B/s") != std::string::npos);
    CHECK(line.find("out 500 B/s") != std::string::npos);
    CHECK(line.find("idle_timeout 2.0/s") != std::string::npos);
    CHECK(line.find("not accepting") == std::string::npos);
}
