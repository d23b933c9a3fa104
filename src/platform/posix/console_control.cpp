// POSIX console control: SIGINT/SIGTERM stop, SIGHUP reloads, SIGUSR1 pauses accepting,
// SIGUSR2 resumes. Asio's signal_set turns the signals into ordinary handlers.
#include "platform/platform.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>

namespace hiconn::platform {

struct ConsoleControl::Impl {
    Impl(boost::asio::io_context& io, ControlCallbacks cb)
        : signals(io, SIGINT, SIGTERM, SIGHUP), callbacks(std::move(cb)) {
        signals.add(SIGUSR1);
        signals.add(SIGUSR2);
        std::signal(SIGPIPE, SIG_IGN);  // a peer that vanished is an error code, not a death
        do_wait();
    }

    void do_wait() {
        signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            on_signal(signal);
            do_wait();
        });
    }

    void on_signal(int signal) {
        const auto call = [](const std::function<void()>& f) { if (f) f(); };
        switch (signal) {
        case SIGINT:
        case SIGTERM: call(callbacks.stop); break;
        case SIGHUP: call(callbacks.reload); break;
        case SIGUSR1: call(callbacks.pause); break;
        case SIGUSR2: call(callbacks.resume); break;
        default: break;
        }
    }

    boost::asio::signal_set signals;
    ControlCallbacks callbacks;
};

ConsoleControl::ConsoleControl(boost::asio::io_context& io, ControlCallbacks callbacks)
    : impl_(std::make_unique<Impl>(io, std::move(callbacks))) {}

ConsoleControl::~ConsoleControl() = default;

}  // namespace hiconn::platform
