// POSIX side of service.hpp: the Windows service words are recognised so that main.cpp
// gives one clear answer instead of "unknown command"; systemd runs hiconn in the console
// mode on Linux (see service/), so every word here only says where it belongs.
#include "platform/service.hpp"

#include <array>
#include <filesystem>
#include <iostream>

namespace hiconn::platform {

bool is_service_command(const std::string& word) {
    static const std::array<const char*, 8> words = {
        "install", "uninstall", "start", "stop", "pause", "continue", "status", "service"};
    for (const char* w : words)
        if (word == w) return true;
    return false;
}

int run_service_command(const std::string& command, const std::vector<std::string>&,
                        const ServiceAppFactory&) {
    std::cerr << "hiconn " << command << ": Windows service commands exist only on Windows\n";
    return 2;
}

std::string default_service_log_file(const std::string& config_path) {
    return (std::filesystem::path(config_path).parent_path() / "hiconn.log").string();
}

}  // namespace hiconn::platform
