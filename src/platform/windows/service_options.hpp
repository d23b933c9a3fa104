// Command-line words of the service commands, parsed without the SCM so tests can reach
// them: `hiconn <command> [--config FILE] [--name NAME] ...`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hiconn::platform::windows {

struct ServiceOptions {
    std::string command;        ///< install, uninstall, start, stop, pause, continue, status, reload, service
    std::string config;         ///< --config (install: resolved to an absolute path later)
    std::string name;           ///< --name; default config::ServiceConfig().name
    std::string display_name;   ///< --display-name (install)
    std::string description;    ///< --description (install)
    std::string start = "auto"; ///< --start auto|delayed|manual (install)
    std::uint32_t timeout_s = 30;  ///< --timeout: how long commands wait for the target state
    bool help = false;          ///< --help / -h
};

/// Parses the words after the command word; "--key value" and "--key=value" both work.
/// Throws std::invalid_argument with an operator-facing message (an unknown option, an
/// option the command does not take, a missing value, a bad --start).
ServiceOptions parse_service_options(const std::string& command,
                                     const std::vector<std::string>& args);

/// The usage text of one command.
std::string service_usage(const std::string& command);

/// Quotes one argument so CommandLineToArgvW / the C runtime give it back unchanged
/// (backslashes before a quote are doubled). Used to build the service's binary path.
std::wstring quote_argument(const std::wstring& arg);

}  // namespace hiconn::platform::windows
