// service.hpp on Windows: routes each service word to its command family.
#include "platform/service.hpp"
#include "platform/windows/service_commands.hpp"
#include "platform/windows/win_util.hpp"

#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace hiconn::platform {

bool is_service_command(const std::string& word) {
    // "reload" sends the user-defined control code 128; Windows only (POSIX has SIGHUP).
    static const char* const words[] = {"install", "uninstall", "start",  "stop",   "pause",
                                        "continue", "status",   "reload", "service"};
    for (const char* w : words)
        if (word == w) return true;
    return false;
}

int run_service_command(const std::string& command, const std::vector<std::string>& args,
                        const ServiceAppFactory& factory) {
    windows::ServiceOptions options;
    try {
        options = windows::parse_service_options(command, args);
    } catch (const std::invalid_argument& e) {
        std::cerr << "hiconn " << command << ": " << e.what() << "\n"
                  << windows::service_usage(command);
        return 2;
    }
    if (options.help) {
        std::cout << windows::service_usage(command);
        return 0;
    }
    if (command == "install") return windows::install_service(options);
    if (command == "uninstall") return windows::uninstall_service(options);
    if (command == "service") return windows::run_service_entry(options, factory);
    return windows::control_service(options);
}

std::string default_service_log_file(const std::string& config_path) {
    const std::filesystem::path config(windows::to_wide(config_path));
    return windows::to_narrow((config.parent_path() / L"hiconn.log").wstring());
}

}  // namespace hiconn::platform
