#include "platform/password_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace hiconn::platform {

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

std::optional<std::string> read_password(const std::string& prompt) {
    const bool terminal = stdin_is_terminal();
    termios saved{};
    const bool echo_off = terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) std::cerr << prompt << std::flush;
    if (echo_off) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (echo_off) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << "\n";  // the Enter the user typed was not echoed
    }
    if (!got) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace hiconn::platform
