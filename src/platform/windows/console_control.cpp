// Ctrl-C, Ctrl-Break and closing the console stop the daemon gracefully.
// The handler runs on a thread Windows creates for it. It takes no lock: it finds the
// live ConsoleControl through an atomic pointer, posts `stop` to the io_context, and counts
// itself in and out so the destructor can wait until no handler still uses the object.
#include "platform/platform.hpp"
#include "platform/windows/console_handler.hpp"

#include <boost/asio/post.hpp>

#include <windows.h>

#include <atomic>

namespace hiconn::platform {

namespace {

// What the handler needs; owned by ConsoleControl::Impl.
struct ActiveConsole {
    boost::asio::io_context& io;
    ControlCallbacks callbacks;
    HANDLE released = nullptr;  // set when the ConsoleControl goes: close handlers return
};

std::atomic<ActiveConsole*> g_active{nullptr};
std::atomic<int> g_handlers_running{0};

BOOL WINAPI on_console_event(DWORD type) {
    return windows::handle_console_event(type) ? TRUE : FALSE;
}

}  // namespace

struct ConsoleControl::Impl {
    ActiveConsole active;
};

namespace windows {

bool handle_console_event(unsigned long type) {
    const bool closing =
        type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT;
    if (!closing && type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return false;

    g_handlers_running.fetch_add(1);
    ActiveConsole* impl = g_active.load();
    if (impl) {
        if (impl->callbacks.stop) boost::asio::post(impl->io, impl->callbacks.stop);
        // Returning from a close event ends the process: give the graceful stop its time.
        if (closing) WaitForSingleObject(impl->released, close_wait_ms);
    }
    g_handlers_running.fetch_sub(1);
    return impl != nullptr;
}

}  // namespace windows

ConsoleControl::ConsoleControl(boost::asio::io_context& io, ControlCallbacks callbacks)
    : impl_(new Impl{{io, std::move(callbacks), CreateEventW(nullptr, TRUE, FALSE, nullptr)}}) {
    g_active.store(&impl_->active);
    // Fails only without a console (a service, a detached process); nothing to catch then.
    SetConsoleCtrlHandler(on_console_event, TRUE);
}

ConsoleControl::~ConsoleControl() {
    SetConsoleCtrlHandler(on_console_event, FALSE);
    SetEvent(impl_->active.released);
    g_active.store(nullptr);
    // A handler that loaded the pointer before the store may still use it: wait it out.
    while (g_handlers_running.load() != 0) Sleep(1);
    CloseHandle(impl_->active.released);
}

}  // namespace hiconn::platform
