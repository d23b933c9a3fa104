// Builds one outgoing IRC line: ":prefix COMMAND arg arg :trailing\r\n".
#pragma once

#include "workloads/chat/numerics.hpp"

#include <string>
#include <string_view>

namespace hiconn::chat {

class IrcLine {
public:
    /// ":prefix command" (no prefix when `prefix` is empty).
    IrcLine(std::string_view prefix, std::string_view command);
    /// ":server NNN target" -- a numeric reply.
    IrcLine(std::string_view server, Numeric numeric, std::string_view target);

    /// A middle parameter (must not be empty, start with ':' or contain a space).
    IrcLine& arg(std::string_view word);
    /// The last parameter, always written after " :".
    IrcLine& trailing(std::string_view text);

    /// The line with its CRLF.
    std::string finish();

private:
    std::string text_;
};

}  // namespace hiconn::chat
