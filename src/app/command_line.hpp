// The hiconn command line: `hiconn [run|check-config] [options]`. Parsing is apart from
// main() so it can be unit tested; flags become config overrides ("path=value").
#pragma once

#include <string>
#include <vector>

namespace hiconn::app {

struct CommandLine {
    std::string command = "run";            ///< "run" | "check-config" | "help" | "version"
    std::string config_file;                ///< empty = built-in defaults
    std::vector<std::string> overrides;     ///< --set and the shortcut flags, in order
    std::string help_text;
};

/// Throws std::invalid_argument with a message for the user on bad usage.
CommandLine parse_command_line(const std::vector<std::string>& args);

}  // namespace hiconn::app
