// What hiconn-load needs from the operating system beyond sockets (Asio) and the open-file
// limit (src/platform). Implementations: posix/*.cpp and windows/*.cpp, chosen by CMake.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>

namespace hiconn::load::host {

/// A write to a connection the peer closed must fail with an error, not end the process
/// (POSIX: SIGPIPE ignored; Windows has no such signal).
void ignore_broken_pipes();

/// Before bind() to a --sources address: where the OS can, the port is chosen at connect(),
/// so it only has to be unique per (source, destination) pair (Linux:
/// IP_BIND_ADDRESS_NO_PORT); elsewhere nothing changes. Errors are ignored.
void defer_port_choice(boost::asio::ip::tcp::socket& socket);

/// Whether stderr is a terminal (the progress line is drawn only there).
bool stderr_is_terminal();

/// Short name of a socket error code, the same on every OS: "ECONNREFUSED", "ECONNRESET",
/// "EMFILE", ... ("ok" for 0). Counted by name in the RESULT line.
std::string error_name(int value);

/// Whether --procs can start worker processes (POSIX: fork/exec; not on Windows).
bool supports_worker_processes();

enum class StdinRead { byte, nothing_yet, closed };

/// One byte of stdin (a --procs worker reads its parent's "GO" lines), waiting at most `wait`.
StdinRead read_stdin_byte(char& c, std::chrono::milliseconds wait);

}  // namespace hiconn::load::host
