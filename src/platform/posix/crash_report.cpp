// crash_report.hpp on POSIX: sigaction handlers for the fatal signals and a terminate
// handler. The signal handler only calls async-signal-safe functions (write, open, close,
// clock_gettime, sigaction, raise, nanosleep) plus glibc's backtrace() and
// backtrace_symbols_fd(), which do not allocate once libgcc's unwinder is loaded -- the
// install loads it by taking one backtrace.
#include "platform/crash_report.hpp"

#include "platform/crash_line.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <execinfo.h>
#define HICONN_HAVE_BACKTRACE 1
#endif

namespace hiconn::platform {
namespace {

// The first crash reports; a second one (another thread, or the abort after a terminate
// report) waits for that report, then dies without writing.
std::atomic<int> g_reporting{0};
std::atomic<int> g_reported{0};
std::atomic<bool> g_installed{false};
char g_log_path[4096];
std::atomic<bool> g_have_log_path{false};

// The sanitizers report SIGSEGV, SIGBUS and SIGFPE themselves, with symbolized stacks, then
// abort: leave those to them (the abort is still reported here).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int fatal_signals[] = {SIGABRT, SIGILL};
#else
constexpr int fatal_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
#endif

const char* signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (invalid memory reference)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGABRT: return "SIGABRT (abort)";
    case SIGFPE: return "SIGFPE (arithmetic exception)";
    case SIGILL: return "SIGILL (illegal instruction)";
    default: return "signal";
    }
}

void write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

/// The time and "error " (the log's "LEVEL  message" layout); the cause follows.
void stamp(crash::Line& line) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    line.timestamp(now.tv_sec, static_cast<unsigned>(now.tv_nsec / 1000000));
    line.text("error ");
}

// Writes the line and the frames to stderr and to the log file (when set).
void emit(crash::Line& line) {
    line.end();
    int fds[2] = {STDERR_FILENO, -1};
    if (g_have_log_path.load(std::memory_order_acquire))
        fds[1] = ::open(g_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
#if HICONN_HAVE_BACKTRACE
    void* frames[64];
    const int count = backtrace(frames, 64);
#endif
    for (int fd : fds) {
        if (fd < 0) continue;
        write_all(fd, line.data(), line.size());
#if HICONN_HAVE_BACKTRACE
        // One frame a line: "binary(function+0x1f) [0x...]" or "binary(+0x4a2f1) [0x...]"
        // (addr2line -f -C -e binary 0x4a2f1 names it).
        backtrace_symbols_fd(frames, count, fd);
        static const char end[] = "end of backtrace\n";
        write_all(fd, end, sizeof end - 1);
#endif
    }
    if (fds[1] >= 0) ::close(fds[1]);
}

void wait_for_first_report() {
    for (int i = 0; i < 500 && !g_reported.load(); ++i) {
        timespec ten_ms{0, 10 * 1000 * 1000};
        nanosleep(&ten_ms, nullptr);
    }
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    const int saved_errno = errno;
    if (g_reporting.exchange(1) == 0) {
        crash::Line line;
        stamp(line);
        line.text("fatal signal ").text(signal_name(sig));
        if (info != nullptr) {
            if (info->si_code <= 0) {  // sent: kill(), raise(), abort() (SI_USER, SI_TKILL ...)
                line.text(" sent by pid ").dec(static_cast<std::uint64_t>(info->si_pid));
            } else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) {
                line.text(" at address ").hex(reinterpret_cast<std::uintptr_t>(info->si_addr));
            }
        }
        line.text(" in thread ").dec(static_cast<std::uint64_t>(::syscall(SYS_gettid)));
#if HICONN_HAVE_BACKTRACE
        line.text("; backtrace:");
#endif
        emit(line);
        g_reported = 1;
    } else {
        wait_for_first_report();
    }
    // Die of the same signal, as without the handler: default disposition, unblocked, raised.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
    errno = saved_errno;
    raise(sig);
    _exit(128 + sig);  // not reached
}

[[noreturn]] void on_terminate() {
    if (g_reporting.exchange(1) == 0) {
        crash::Line line;
        stamp(line);
        crash::describe_terminate(line);
        line.text(" in thread ").dec(static_cast<std::uint64_t>(::syscall(SYS_gettid)));
#if HICONN_HAVE_BACKTRACE
        line.text("; backtrace:");
#endif
        emit(line);
        g_reported = 1;
    } else {
        wait_for_first_report();
    }
    std::abort();  // SIGABRT: the signal handler sees the report was made and only re-raises
}

// The main thread's signal stack, so that a stack overflow there can still be reported.
alignas(16) char g_alt_stack[64 * 1024];

}  // namespace

void install_crash_reporter() {
    if (g_installed.exchange(true)) return;
#if HICONN_HAVE_BACKTRACE
    void* warm[4];
    backtrace(warm, 4);  // loads libgcc_s now, not inside a signal handler
#endif
    stack_t alt{};
    alt.ss_sp = g_alt_stack;
    alt.ss_size = sizeof g_alt_stack;
    sigaltstack(&alt, nullptr);
    for (int sig : fatal_signals) {
        struct sigaction action {};
        action.sa_sigaction = on_fatal_signal;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(sig, &action, nullptr);
    }
    std::set_terminate(on_terminate);
}

void set_crash_log_file(const std::string& path) {
    g_have_log_path.store(false, std::memory_order_release);
    if (path.empty() || path.size() >= sizeof g_log_path) return;
    std::memcpy(g_log_path, path.c_str(), path.size() + 1);
    g_have_log_path.store(true, std::memory_order_release);
}

}  // namespace hiconn::platform
