// The sd_notify protocol (man sd_notify): newline-separated KEY=VALUE assignments in one
// datagram to the AF_UNIX socket named by $NOTIFY_SOCKET. libsystemd's sd_notify() when the
// build found it (HICONN_HAVE_LIBSYSTEMD), else the same datagram sent here -- the protocol
// is stable and small, and the daemon must not need libsystemd to run.
#include "platform/notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HICONN_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace hiconn::platform {
namespace {

#ifdef HICONN_HAVE_LIBSYSTEMD

void send_state(const std::string& state) { sd_notify(0, state.c_str()); }

std::uint64_t read_watchdog_usec() {
    std::uint64_t usec = 0;
    return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

#else

void send_state(const std::string& state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (!path || !*path) return;  // not started by a service manager that listens
    const std::size_t length = std::strlen(path);
    sockaddr_un address{};
    if ((path[0] != '/' && path[0] != '@') || length >= sizeof address.sun_path) return;
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path, length);
    if (path[0] == '@') address.sun_path[0] = '\0';  // Linux abstract namespace
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    const auto address_length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
    // Best effort, as sd_notify(): a manager that went away must not stop the daemon.
    (void)::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                   reinterpret_cast<const sockaddr*>(&address), address_length);
    ::close(fd);
}

std::uint64_t read_watchdog_usec() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (!usec || !*usec) return 0;
    // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited
    // the environment must not send keep-alives on its parent's behalf.
    if (const char* pid = std::getenv("WATCHDOG_PID"); pid && *pid) {
        if (std::strtoll(pid, nullptr, 10) != static_cast<long long>(::getpid())) return 0;
    }
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(usec, &end, 10);
    if (errno != 0 || end == usec || *end != '\0') return 0;
    return value;
}

#endif

std::uint64_t monotonic_usec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
           static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace

void notify_ready() { send_state("READY=1"); }

// MONOTONIC_USEC lets a systemd that supports Type=notify-reload (253+) match the reload
// to its request; older ones ignore it.
void notify_reloading() {
    send_state("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void notify_stopping() { send_state("STOPPING=1"); }

void notify_watchdog() {
    if (watchdog_enabled()) send_state("WATCHDOG=1");
}

bool watchdog_enabled() { return watchdog_usec() != 0; }

std::uint64_t watchdog_usec() { return read_watchdog_usec(); }

void notify_status(const std::string& status) { send_state("STATUS=" + status); }

}  // namespace hiconn::platform
