// The narrow platform interface: console control, resource limits, error classification.
// Implementations: src/platform/posix/*.cpp and src/platform/windows/*.cpp (same names).
// The engine and the workloads include only this header, never an OS header.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace hiconn::platform {

/// What an operator can ask of a running daemon. Each callback is thread-safe.
struct ControlCallbacks {
    std::function<void()> stop;     ///< graceful stop
    std::function<void()> pause;    ///< stop accepting, keep serving
    std::function<void()> resume;   ///< accept again
    std::function<void()> reload;   ///< re-read the config (limits, timeouts, log level)
};

/// Console control for as long as the object lives.
/// POSIX: SIGINT/SIGTERM = stop, SIGHUP = reload, SIGUSR1 = pause, SIGUSR2 = continue.
/// Windows: Ctrl-C, Ctrl-Break and closing the console = stop.
class ConsoleControl {
public:
    ConsoleControl(boost::asio::io_context& io, ControlCallbacks callbacks);
    ~ConsoleControl();
    ConsoleControl(const ConsoleControl&) = delete;
    ConsoleControl& operator=(const ConsoleControl&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct OpenFileLimit {
    std::uint64_t soft = 0;      ///< effective limit after raising (0 = unknown / unlimited)
    std::uint64_t hard = 0;
    bool raised = false;         ///< the soft limit was raised to the hard one
};

/// Raises the soft open-file limit to the hard limit where the OS has one (POSIX).
/// Windows has no such limit: returns {0, 0, false}.
OpenFileLimit raise_open_file_limit();

/// One line describing the process's resource limits, logged at start-up
/// (POSIX: RLIMIT_NOFILE; Windows: handle count, memory, page size).
std::string describe_resource_limits();

/// Socket options for a listening socket, before bind(). POSIX: SO_REUSEADDR, so a paused
/// listener can bind again while old connections sit in TIME_WAIT. Windows: SO_EXCLUSIVEADDRUSE
/// (there SO_REUSEADDR would let another process bind the same port).
void prepare_listen_socket(boost::asio::ip::tcp::acceptor& acceptor);

/// Memory page size (posted receive buffers are a multiple of it).
std::size_t page_size();

/// The calendar time of `t` in UTC / in the local time zone, thread safe (gmtime_r and
/// localtime_r on POSIX, gmtime_s and localtime_s on Windows).
std::tm utc_time(std::time_t t);
std::tm local_time(std::time_t t);

/// Accept errors that mean "the machine is out of a resource" (EMFILE, ENFILE, ENOBUFS,
/// ENOMEM; WSAENOBUFS, ERROR_NO_SYSTEM_RESOURCES): pause accepting, do not spin.
bool is_accept_resource_error(const std::error_code& ec);

/// Resident set size of this process in bytes (0 when unknown).
std::uint64_t resident_bytes();

/// Number of open file descriptors / handles of this process (0 when unknown).
std::uint64_t open_files();

}  // namespace hiconn::platform
