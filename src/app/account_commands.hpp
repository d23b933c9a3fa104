// The offline credential commands, run instead of the daemon:
//   hiconn hash-password                                   a hash string for chat.operators
//   hiconn account add|passwd|del NAME --accounts FILE     edit the chat accounts file
// Passwords are read from the terminal without echo (asked twice), or as one line of stdin.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hiconn::app {

/// True for the words run_account_command() handles ("hash-password", "account").
bool is_account_command(const std::string& word);

/// Runs `word` with the arguments after it; messages go to `out`/`err`. Returns the exit
/// status: 0 done, 1 the file could not be written, 2 bad usage, a bad or mistyped password,
/// a malformed accounts file, or an account that does (add) or does not (passwd, del) exist.
int run_account_command(const std::string& word, const std::vector<std::string>& args,
                        std::ostream& out, std::ostream& err);

}  // namespace hiconn::app
