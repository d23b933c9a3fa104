#include "tools/load/host.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace hiconn::load::host {

void ignore_broken_pipes() { ::signal(SIGPIPE, SIG_IGN); }

void defer_port_choice(boost::asio::ip::tcp::socket& socket) {
#ifdef IP_BIND_ADDRESS_NO_PORT
    boost::system::error_code ignored;
    socket.set_option(
        boost::asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>(true), ignored);
#else
    (void)socket;
#endif
}

std::string error_name(int value) {
    if (value == 0) return "ok";
    if (const char* name = strerrorname_np(value)) return name;
    return "errno" + std::to_string(value);
}

bool supports_worker_processes() { return true; }

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

StdinRead read_stdin_byte(char& c, std::chrono::milliseconds wait) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return StdinRead::nothing_yet;
    return ::read(STDIN_FILENO, &c, 1) == 1 ? StdinRead::byte : StdinRead::closed;
}

}  // namespace hiconn::load::host
