// hiconn: the daemon's entry point. Console run, config check, and (Windows) the service
// commands; everything else lives in src/app and below.
#include "app/account_commands.hpp"
#include "app/command_line.hpp"
#include "app/daemon.hpp"
#include "app/engine_settings.hpp"
#include "app/service_app.hpp"
#include "config/config.hpp"
#include "platform/notify.hpp"
#include "platform/platform.hpp"
#include "platform/service.hpp"

#include <cstdio>
#include <iostream>

namespace {

constexpr int exit_runtime_error = 1;
constexpr int exit_usage = 2;

hiconn::config::Config load(const hiconn::app::CommandLine& cl) {
    return cl.config_file.empty()
               ? hiconn::config::from_json_text("{}", "<defaults>", cl.overrides)
               : hiconn::config::load_file(cl.config_file, cl.overrides);
}

int run_console(const hiconn::app::CommandLine& cl) {
    hiconn::app::Daemon daemon(load(cl), cl.overrides);
    hiconn::platform::ConsoleControl control(
        daemon.control_context(),
        {[&] { daemon.stop(); }, [&] { daemon.pause(); }, [&] { daemon.resume(); }, [&] { daemon.reload(); }});
    // ops: sd_notify READY/RELOADING/STOPPING/WATCHDOG (no-ops without $NOTIFY_SOCKET)
    namespace platform = hiconn::platform;
    daemon.set_hooks({platform::notify_ready, platform::notify_reloading, platform::notify_ready,
                      platform::notify_stopping, platform::notify_watchdog});
    daemon.start();
    return daemon.wait();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && hiconn::platform::is_service_command(args.front())) {
        const std::string word = args.front();
        args.erase(args.begin());
        return hiconn::platform::run_service_command(word, args, hiconn::app::make_service_app);
    }
    if (!args.empty() && hiconn::app::is_account_command(args.front())) {
        const std::string word = args.front();
        args.erase(args.begin());
        return hiconn::app::run_account_command(word, args, std::cout, std::cerr);
    }
    try {
        const auto cl = hiconn::app::parse_command_line(args);
        if (cl.command == "help") {
            std::cout << cl.help_text;
            return 0;
        }
        if (cl.command == "version") {
            std::cout << "hiconn " << HICONN_VERSION << "\n";
            return 0;
        }
        if (cl.command == "check-config") {
            const auto config = load(cl);
            hiconn::app::engine_settings(config);  // the TLS files load, the key matches
            std::cout << hiconn::config::to_json_text(config) << "\n";
            return 0;
        }
        return run_console(cl);
    } catch (const hiconn::config::ConfigError& e) {
        std::cerr << "hiconn: invalid configuration: " << e.what() << "\n";
        return exit_usage;
    } catch (const std::invalid_argument& e) {
        std::cerr << "hiconn: " << e.what() << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "hiconn: " << e.what() << "\n";
        return exit_runtime_error;
    }
}
