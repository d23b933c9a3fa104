#include "platform/windows/service_options.hpp"

#include "config/config.hpp"

#include <map>
#include <stdexcept>

namespace hiconn::platform::windows {
namespace {

// Which options each command takes (every command also takes --help).
const std::map<std::string, std::vector<std::string>>& command_options() {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"install", {"config", "name", "display-name", "description", "start"}},
        {"uninstall", {"name", "timeout"}},
        {"start", {"name", "timeout"}},
        {"stop", {"name", "timeout"}},
        {"pause", {"name", "timeout"}},
        {"continue", {"name", "timeout"}},
        {"status", {"name"}},
        {"reload", {"name"}},
        {"service", {"config", "name"}},
    };
    return table;
}

bool takes(const std::string& command, const std::string& option) {
    const auto& options = command_options().at(command);
    for (const auto& o : options)
        if (o == option) return true;
    return false;
}

}  // namespace

ServiceOptions parse_service_options(const std::string& command,
                                     const std::vector<std::string>& args) {
    if (!command_options().count(command))
        throw std::invalid_argument("unknown service command '" + command + "'");
    ServiceOptions options;
    options.command = command;
    const config::ServiceConfig defaults;
    options.name = defaults.name;
    options.display_name = defaults.display_name;
    options.description = defaults.description;

    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "-h" || word == "--help") {
            options.help = true;
            continue;
        }
        if (word.rfind("--", 0) != 0)
            throw std::invalid_argument("unexpected argument '" + word + "'");
        std::string key = word.substr(2);
        std::string value;
        if (const auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key.resize(eq);
        } else {
            if (!takes(command, key)) throw std::invalid_argument("unknown option --" + key);
            if (i + 1 >= args.size()) throw std::invalid_argument("--" + key + " needs a value");
            value = args[++i];
        }
        if (!takes(command, key)) throw std::invalid_argument("unknown option --" + key);
        if (value.empty()) throw std::invalid_argument("--" + key + " needs a value");

        if (key == "config") options.config = value;
        else if (key == "name") options.name = value;
        else if (key == "display-name") options.display_name = value;
        else if (key == "description") options.description = value;
        else if (key == "start") {
            if (value != "auto" && value != "delayed" && value != "manual")
                throw std::invalid_argument("--start must be auto, delayed or manual, got '" + value + "'");
            options.start = value;
        } else if (key == "timeout") {
            std::size_t used = 0;
            unsigned long seconds = 0;
            try { seconds = std::stoul(value, &used); } catch (const std::exception&) { used = 0; }
            if (used != value.size() || seconds < 1 || seconds > 3600)
                throw std::invalid_argument("--timeout must be 1..3600 seconds, got '" + value + "'");
            options.timeout_s = static_cast<std::uint32_t>(seconds);
        }
    }
    if (command == "service" && !options.help && options.config.empty())
        throw std::invalid_argument("--config is required (the SCM passes the installed path)");
    // Service names are at most 256 characters and may not hold slashes.
    if (options.name.size() > 256 || options.name.find_first_of("/\\") != std::string::npos)
        throw std::invalid_argument("--name must be at most 256 characters without / or \\");
    return options;
}

std::string service_usage(const std::string& command) {
    if (command == "install")
        return "usage: hiconn install [--config FILE] [--name NAME] [--display-name TEXT]\n"
               "                      [--description TEXT] [--start auto|delayed|manual]\n"
               "  Registers the Windows service (needs an administrator). FILE defaults to\n"
               "  hiconn.json beside hiconn.exe; a relative FILE is resolved now, against the\n"
               "  current folder. NAME defaults to 'hiconn'; --start defaults to auto.\n";
    if (command == "service")
        return "usage: hiconn service --config ABSOLUTE_FILE [--name NAME]\n"
               "  The entry the Service Control Manager runs; not for use by hand\n"
               "  (use `hiconn run --config FILE` for a console run).\n";
    if (command == "status" || command == "reload")
        return "usage: hiconn " + command + " [--name NAME]\n";
    return "usage: hiconn " + command + " [--name NAME] [--timeout SECONDS]\n"
           "  Waits up to SECONDS (default 30) for the service to reach its new state.\n";
}

std::wstring quote_argument(const std::wstring& arg) {
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) return arg;
    std::wstring out = L"\"";
    std::size_t backslashes = 0;
    for (const wchar_t c : arg) {
        if (c == L'\\') {
            ++backslashes;
            continue;
        }
        // Backslashes are literal unless they precede a quote: then each is doubled.
        out.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
        backslashes = 0;
        out.push_back(c);
    }
    out.append(backslashes * 2, L'\\');  // they precede the closing quote
    out.push_back(L'"');
    return out;
}

}  // namespace hiconn::platform::windows
