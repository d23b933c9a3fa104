// The running daemon: config + I/O pool + workload + server + stats reporter. The console
// (main.cpp), the Windows service (src/platform/windows) and the admin endpoint all drive
// it through the same five calls: start, stop, pause, resume, reload.
#pragma once

#include "config/config.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hiconn::core { class Server; }

namespace hiconn::app {

class Daemon {
public:
    /// `overrides` are the --set / flag overrides, re-applied on every reload.
    Daemon(config::Config config, std::vector<std::string> overrides);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// Logs the start-up line, raises the open-file limit, opens the listeners and starts
    /// the I/O threads. Throws std::runtime_error with a message for the operator.
    void start();
    /// Blocks until the daemon has stopped; returns the process exit status (0).
    int wait();

    // Thread safe; callable from signal handlers' asio callbacks, the service control
    // handler thread and the admin endpoint.
    void stop();
    void pause();
    void resume();
    /// Re-reads the config file (with the same overrides). An invalid file is reported and
    /// the old config kept: returns false then.
    bool reload();

    /// Hooks called around state changes (systemd notify, Windows SCM status).
    struct Hooks {
        std::function<void()> ready;       ///< listeners open, accepting
        std::function<void()> reloading;   ///< a reload starts
        std::function<void()> reloaded;    ///< a reload ended (either way)
        std::function<void()> stopping;    ///< a graceful stop started
        std::function<void()> tick;        ///< once a second from the event loop (watchdog)
    };
    void set_hooks(Hooks hooks);

    core::Server& server();
    const config::Config& config() const;
    /// The daemon's own event loop (signals, stats, admin endpoint), run by wait(); never
    /// one of the I/O threads.
    boost::asio::io_context& control_context();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hiconn::app
