// Reading a password for `hiconn hash-password` and `hiconn account`: from the terminal with
// echo off, or as the first line of stdin when stdin is not a terminal (scripts, tests).
// Implementations: posix/password_prompt.cpp, windows/password_prompt.cpp.
#pragma once

#include <optional>
#include <string>

namespace hiconn::platform {

/// True when stdin is a terminal.
bool stdin_is_terminal();

/// One line of stdin without its line ending. When stdin is a terminal, `prompt` goes to
/// stderr and the typed characters are not echoed. nullopt at end of input.
std::optional<std::string> read_password(const std::string& prompt);

}  // namespace hiconn::platform
