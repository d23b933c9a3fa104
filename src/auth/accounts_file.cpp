#include "auth/accounts_file.hpp"

#include "auth/password_hash.hpp"
#include "platform/private_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hiconn::auth {

namespace {

constexpr std::size_t max_name = 32;

std::string key_of(std::string_view name) {
    std::string key(name);
    for (char& c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return key;
}

}  // namespace

bool valid_account_name(std::string_view name) {
    if (name.empty() || name.size() > max_name) return false;
    for (const char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::strchr("-_.[]{}\\`^|", c) == nullptr) return false;
    }
    return true;
}

const Account* Accounts::find(std::string_view name) const {
    const auto it = by_key_.find(key_of(name));
    return it == by_key_.end() ? nullptr : &it->second;
}

void Accounts::set(Account account) {
    std::string key = key_of(account.name);
    by_key_[std::move(key)] = std::move(account);
}

bool Accounts::remove(std::string_view name) { return by_key_.erase(key_of(name)) > 0; }

Accounts Accounts::parse(std::string_view text, const std::string& file) {
    Accounts accounts;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto error = [&](const std::string& what) {
            return AccountsFileError(file + ":" + std::to_string(line_number) + ": " + what);
        };
        if (line.empty() || line.front() == '#') continue;
        const auto space = line.find(' ');
        if (space == std::string_view::npos)
            throw error("expected \"NAME HASH\" (one space between), got one word");
        const auto name = line.substr(0, space);
        const auto hash = line.substr(space + 1);
        if (!valid_account_name(name))
            throw error("invalid account name '" + std::string(name) +
                        "' (1-32 letters, digits or -_.[]{}\\`^|)");
        std::string why;
        if (!parse_password_hash(hash, &why)) throw error("account '" + std::string(name) + "': " + why);
        if (accounts.find(name) != nullptr)
            throw error("account '" + std::string(name) + "' appears twice (names ignore case)");
        accounts.set({std::string(name), std::string(hash)});
    }
    return accounts;
}

std::string Accounts::format() const {
    std::string text = "# hiconn chat accounts: NAME PASSWORD-HASH (edit with hiconn account)\n";
    for (const auto& [key, account] : by_key_) text += account.name + " " + account.password_hash + "\n";
    return text;
}

Accounts load_accounts_file(const std::string& path, bool missing_is_empty) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int error = errno;
        if (missing_is_empty && error == ENOENT) return {};
        throw AccountsFileError(path + ": cannot read the accounts file: " + std::strerror(error));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return Accounts::parse(text.str(), path);
}

void save_accounts_file(const std::string& path, const Accounts& accounts) {
    platform::write_private_file(path, accounts.format());
}

}  // namespace hiconn::auth
