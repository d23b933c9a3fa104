// Ctrl-C, Ctrl-Break and console close post the graceful stop to the io_context.
// The handler is called directly: Windows would call it on a thread of its own.
#ifdef _WIN32

#include "platform/platform.hpp"
#include "platform/windows/console_handler.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <windows.h>

#include <atomic>
#include <memory>
#include <thread>

using hiconn::platform::ConsoleControl;
using hiconn::platform::ControlCallbacks;
using hiconn::platform::windows::handle_console_event;

namespace {

ControlCallbacks counting(int& stops, int& others) {
    ControlCallbacks c;
    c.stop = [&stops] { ++stops; };
    c.pause = [&others] { ++others; };
    c.resume = [&others] { ++others; };
    c.reload = [&others] { ++others; };
    return c;
}

}  // namespace

TEST_CASE("Ctrl-C and Ctrl-Break post stop to the io_context", "[console]") {
    boost::asio::io_context io;
    int stops = 0, others = 0;
    ConsoleControl control(io, counting(stops, others));

    CHECK(handle_console_event(CTRL_C_EVENT));
    CHECK(stops == 0);  // posted, not called on the handler's thread
    io.poll();
    CHECK(stops == 1);

    CHECK(handle_console_event(CTRL_BREAK_EVENT));
    io.restart();
    io.poll();
    CHECK(stops == 2);
    CHECK(others == 0);
}

TEST_CASE("console events are not handled without a live ConsoleControl", "[console]") {
    boost::asio::io_context io;
    int stops = 0, others = 0;
    { ConsoleControl control(io, counting(stops, others)); }
    CHECK_FALSE(handle_console_event(CTRL_C_EVENT));
    io.poll();
    CHECK(stops == 0);
}

TEST_CASE("unknown console events are left to the next handler", "[console]") {
    boost::asio::io_context io;
    int stops = 0, others = 0;
    ConsoleControl control(io, counting(stops, others));
    CHECK_FALSE(handle_console_event(7));
    io.poll();
    CHECK(stops == 0);
}

TEST_CASE("closing the console waits for the graceful stop to finish", "[console]") {
    boost::asio::io_context io;
    int stops = 0, others = 0;
    auto control = std::make_unique<ConsoleControl>(io, counting(stops, others));
    std::atomic<bool> handler_returned{false};
    // Windows ends the process when a close handler returns: it has to hold on until the
    // daemon is done, i.e. until the ConsoleControl is destroyed.
    std::thread windows_thread([&] {
        CHECK(handle_console_event(CTRL_CLOSE_EVENT));
        handler_returned = true;
    });
    {
        // Keep run_one() waiting until the handler's post arrives.
        auto work = boost::asio::make_work_guard(io);
        io.run_one();
    }
    CHECK(stops == 1);
    control.reset();  // the daemon stopped: main leaves its scope
    windows_thread.join();
    CHECK(handler_returned);
}

#endif  // _WIN32
