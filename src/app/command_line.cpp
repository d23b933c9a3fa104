#include "app/command_line.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <stdexcept>

namespace hiconn::app {
namespace po = boost::program_options;

namespace {

po::options_description make_options() {
    po::options_description options("Options (flags override the config file)");
    options.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version and exit")
        ("config,c", po::value<std::string>(), "JSON config file (default: built-in defaults, echo on 127.0.0.1:7000)")
        ("workload", po::value<std::string>(), "echo | chat (config: workload)")
        ("listen,l", po::value<std::vector<std::string>>(),
         "[tls://|proxy://|proxy+tls://]ADDR:PORT to listen on, repeatable; IPv6 as [::1]:7000 (config: listen)")
        ("threads,t", po::value<unsigned>(), "I/O threads, 0 = one per core (config: threads)")
        ("max-connections", po::value<unsigned long long>(), "connection limit (config: limits.max_connections)")
        ("log-level", po::value<std::string>(), "trace | debug | info | warn | error | off (config: log.level)")
        ("set", po::value<std::vector<std::string>>(), "override any config key: --set path.to.key=value (value as JSON, else a string); repeatable");
    return options;
}

std::string usage(const po::options_description& options) {
    std::ostringstream text;
    text << "hiconn " << HICONN_VERSION << " -- high-connection TCP server (echo / IRC chat)\n\n"
         << "Usage:\n"
         << "  hiconn [run] [--config FILE] [options]      run in the console (Ctrl-C / SIGTERM stop gracefully)\n"
         << "  hiconn check-config --config FILE [options]  validate, print the effective config; exit 0 or 2\n"
         << "  hiconn hash-password                        read a password, print its hash (chat.operators)\n"
         << "  hiconn account add|passwd|del NAME --accounts FILE   edit a chat accounts file\n"
         << "  hiconn install|uninstall|start|stop|pause|continue|status [...]   Windows service control\n"
         << "                                              (hiconn install --help on Windows)\n\n"
         << "Signals (Linux): SIGINT/SIGTERM graceful stop, SIGHUP reload config (limits, timeouts,\n"
         << "log level), SIGUSR1 pause accepting, SIGUSR2 continue accepting.\n"
         << "Exit status: 0 ok, 1 runtime failure (e.g. address in use), 2 bad usage or config.\n\n"
         << options;
    return text.str();
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
    CommandLine result;
    const auto options = make_options();
    result.help_text = usage(options);

    std::vector<std::string> rest = args;
    if (!rest.empty() && rest.front().rfind("-", 0) != 0) {
        result.command = rest.front();
        rest.erase(rest.begin());
        if (result.command != "run" && result.command != "check-config" && result.command != "help")
            throw std::invalid_argument("unknown command '" + result.command + "' (see hiconn --help)");
    }

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(rest).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::invalid_argument(e.what());
    }
    if (vm.count("help") || result.command == "help") {
        result.command = "help";
        return result;
    }
    if (vm.count("version")) {
        result.command = "version";
        return result;
    }
    if (vm.count("config")) result.config_file = vm["config"].as<std::string>();
    if (result.command == "check-config" && result.config_file.empty())
        throw std::invalid_argument("check-config needs --config FILE");

    auto& o = result.overrides;
    if (vm.count("workload")) o.push_back("workload=" + vm["workload"].as<std::string>());
    if (vm.count("listen")) o.push_back("listen=" + nlohmann::json(vm["listen"].as<std::vector<std::string>>()).dump());
    if (vm.count("threads")) o.push_back("threads=" + std::to_string(vm["threads"].as<unsigned>()));
    if (vm.count("max-connections"))
        o.push_back("limits.max_connections=" + std::to_string(vm["max-connections"].as<unsigned long long>()));
    if (vm.count("log-level")) o.push_back("log.level=" + vm["log-level"].as<std::string>());
    if (vm.count("set"))
        for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
            if (s.find('=') == std::string::npos)
                throw std::invalid_argument("--set expects path.to.key=value, got '" + s + "'");
            o.push_back(s);
        }
    return result;
}

}  // namespace hiconn::app
