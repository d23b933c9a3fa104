// The table of commands: name, minimum parameters, whether registration is required, and
// the handler. dispatch_command() checks registration (451) and arity (461) before the
// handler runs, and answers unknown commands (421; 451 before registration).
#pragma once

#include "workloads/chat/context.hpp"
#include "workloads/chat/message.hpp"

#include <cstddef>
#include <string_view>

namespace hiconn::chat {

using CommandHandler = void (*)(Context&, const Message&);

struct CommandSpec {
    std::string_view name;
    std::size_t min_params;      ///< fewer -> 461 ERR_NEEDMOREPARAMS
    bool needs_registration;     ///< before registration -> 451 ERR_NOTREGISTERED
    CommandHandler handler;
};

/// nullptr when unknown. `name` is upper case.
const CommandSpec* find_command(std::string_view name);

/// Runs one parsed message through the checks and its handler.
void dispatch_command(Context& ctx, const Message& message);

}  // namespace hiconn::chat
