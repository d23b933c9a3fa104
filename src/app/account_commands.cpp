#include "app/account_commands.hpp"

#include "auth/accounts_file.hpp"
#include "auth/password_hash.hpp"
#include "platform/password_prompt.hpp"

#include <optional>
#include <ostream>
#include <stdexcept>

namespace hiconn::app {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_runtime_error = 1;
constexpr int exit_usage = 2;

constexpr const char* account_usage =
    "usage: hiconn account add|passwd|del NAME --accounts FILE\n"
    "       hiconn hash-password\n"
    "The password is read from the terminal (twice, without echo) or as one line of stdin.";

/// The new password, or nullopt after telling the user why not.
std::optional<std::string> read_new_password(std::ostream& err) {
    const auto password = platform::read_password("Password: ");
    if (!password) {
        err << "hiconn: no password given (end of input)\n";
        return std::nullopt;
    }
    if (password->empty()) {
        err << "hiconn: the password must not be empty\n";
        return std::nullopt;
    }
    if (platform::stdin_is_terminal()) {
        const auto again = platform::read_password("Again: ");
        if (!again || *again != *password) {
            err << "hiconn: the passwords differ\n";
            return std::nullopt;
        }
    }
    return password;
}

int hash_password_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (!args.empty()) {
        err << "hiconn: hash-password takes no arguments\n" << account_usage << "\n";
        return exit_usage;
    }
    const auto password = read_new_password(err);
    if (!password) return exit_usage;
    out << auth::hash_password(*password) << "\n";
    return exit_ok;
}

int account_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string action, name, file;
    std::vector<std::string> words;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--accounts" && i + 1 < args.size())
            file = args[++i];
        else if (args[i].rfind("--accounts=", 0) == 0)
            file = args[i].substr(11);
        else
            words.push_back(args[i]);
    }
    if (words.size() != 2 || file.empty()) {
        err << "hiconn: " << account_usage << "\n";
        return exit_usage;
    }
    action = words[0];
    name = words[1];
    if (action != "add" && action != "passwd" && action != "del") {
        err << "hiconn: unknown account action '" << action << "'\n" << account_usage << "\n";
        return exit_usage;
    }
    if (!auth::valid_account_name(name)) {
        err << "hiconn: invalid account name '" << name << "' (1-32 letters, digits or -_.[]{}\\`^|)\n";
        return exit_usage;
    }
    auth::Accounts accounts;
    try {
        accounts = auth::load_accounts_file(file, /*missing_is_empty=*/action == "add");
    } catch (const auth::AccountsFileError& e) {
        err << "hiconn: " << e.what() << "\n";
        return exit_usage;
    }
    const bool exists = accounts.find(name) != nullptr;
    if (action == "add" && exists) {
        err << "hiconn: account '" << name << "' already exists in " << file << " (use passwd)\n";
        return exit_usage;
    }
    if (action != "add" && !exists) {
        err << "hiconn: no account '" << name << "' in " << file << "\n";
        return exit_usage;
    }
    if (action == "del") {
        accounts.remove(name);
    } else {
        const auto password = read_new_password(err);
        if (!password) return exit_usage;
        // passwd keeps the name as first written; add takes it as given.
        const std::string stored = exists ? accounts.find(name)->name : name;
        accounts.set({stored, auth::hash_password(*password)});
    }
    try {
        auth::save_accounts_file(file, accounts);
    } catch (const std::runtime_error& e) {
        err << "hiconn: " << e.what() << "\n";
        return exit_runtime_error;
    }
    out << (action == "add" ? "added" : action == "del" ? "deleted" : "changed the password of")
        << " account '" << name << "' in " << file << "\n";
    return exit_ok;
}

}  // namespace

bool is_account_command(const std::string& word) { return word == "hash-password" || word == "account"; }

int run_account_command(const std::string& word, const std::vector<std::string>& args,
                        std::ostream& out, std::ostream& err) {
    try {
        return word == "hash-password" ? hash_password_command(args, out, err) : account_command(args, out, err);
    } catch (const std::exception& e) {  // OpenSSL without randomness, a full disk
        err << "hiconn: " << e.what() << "\n";
        return exit_runtime_error;
    }
}

}  // namespace hiconn::app
