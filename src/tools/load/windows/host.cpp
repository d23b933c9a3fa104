#include "tools/load/host.hpp"

#include <io.h>
#include <windows.h>

#include <cstdio>
#include <string>

namespace hiconn::load::host {

// Windows picks the port at bind(): each --sources address has its own ephemeral range.
void defer_port_choice(boost::asio::ip::tcp::socket&) {}

// Winsock reports a write to a reset connection as an error; there is no signal to ignore.
void ignore_broken_pipes() {}

std::string error_name(int value) {
    switch (value) {
    case 0: return "ok";
    case WSAECONNREFUSED:
    case ERROR_CONNECTION_REFUSED: return "ECONNREFUSED";
    case WSAECONNRESET:
    case ERROR_NETNAME_DELETED: return "ECONNRESET";
    case WSAECONNABORTED:
    case ERROR_CONNECTION_ABORTED: return "ECONNABORTED";
    case WSAETIMEDOUT:
    case ERROR_SEM_TIMEOUT: return "ETIMEDOUT";
    case WSAEADDRINUSE: return "EADDRINUSE";
    case WSAEADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case WSAENETUNREACH:
    case ERROR_NETWORK_UNREACHABLE: return "ENETUNREACH";
    case WSAEHOSTUNREACH:
    case ERROR_HOST_UNREACHABLE: return "EHOSTUNREACH";
    case WSAENOBUFS: return "ENOBUFS";
    case WSAEMFILE: return "EMFILE";
    default: return "win" + std::to_string(value);  // a Winsock or Win32 error code
    }
}

// The --procs parent forks and execs itself (posix/fanout.cpp); on Windows one process
// holds every connection (there is no per-process open-file limit to get past).
bool supports_worker_processes() { return false; }

bool stderr_is_terminal() { return _isatty(_fileno(stderr)) != 0; }

// Only a --procs parent starts workers, and none runs on Windows; this keeps the --worker
// protocol whole all the same. A pipe is polled so that `wait` holds.
StdinRead read_stdin_byte(char& c, std::chrono::milliseconds wait) {
    const HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    if (GetFileType(in) == FILE_TYPE_PIPE) {
        const auto until = std::chrono::steady_clock::now() + wait;
        for (;;) {
            DWORD available = 0;
            if (!PeekNamedPipe(in, nullptr, 0, nullptr, &available, nullptr)) return StdinRead::closed;
            if (available > 0) break;
            if (std::chrono::steady_clock::now() >= until) return StdinRead::nothing_yet;
            Sleep(20);
        }
    }
    DWORD n = 0;
    return ReadFile(in, &c, 1, &n, nullptr) && n == 1 ? StdinRead::byte : StdinRead::closed;
}

}  // namespace hiconn::load::host
