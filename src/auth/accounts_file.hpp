// The chat accounts file (chat.accounts): one account a line, "NAME HASH", where HASH is a
// password hash string (password_hash.hpp); blank lines and lines starting with '#' are
// skipped. Names are unique ignoring ASCII case. `hiconn account add|passwd|del` edits it.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hiconn::auth {

/// A malformed accounts file; what() is "FILE:LINE: what was expected".
struct AccountsFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Account {
    std::string name;           ///< as written in the file
    std::string password_hash;  ///< a well-formed hash string
};

/// Account names: 1..32 characters of letters, digits and "-_.[]{}\`^|" (what a nick may hold,
/// plus '.'), so a name is always a single IRC parameter and a single word in the file.
bool valid_account_name(std::string_view name);

class Accounts {
public:
    /// The account named `name` (ASCII case ignored), or nullptr.
    const Account* find(std::string_view name) const;
    /// Adds or replaces.
    void set(Account account);
    /// False when there was no such account.
    bool remove(std::string_view name);
    std::size_t size() const noexcept { return by_key_.size(); }

    /// Parses file text; `file` names it in errors. Throws AccountsFileError.
    static Accounts parse(std::string_view text, const std::string& file);
    /// The file text, one "NAME HASH" line per account, sorted by name.
    std::string format() const;

private:
    std::map<std::string, Account> by_key_;  ///< by lower-cased name
};

/// Reads and parses `path`. A missing file is an error unless `missing_is_empty`.
/// Throws AccountsFileError.
Accounts load_accounts_file(const std::string& path, bool missing_is_empty = false);

/// Writes `accounts` to `path` atomically, readable by its owner only.
void save_accounts_file(const std::string& path, const Accounts& accounts);

}  // namespace hiconn::auth
