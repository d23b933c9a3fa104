// The chat workload's admin endpoint routes (the endpoint checked the address and token
// rules already). JSON in, JSON out; bad input is 400 with {"error": "..."}.
//   GET    /chat/clients                                   {"clients": [{nick, user, host, node,
//                                                           connected_since, channels}]}
//   POST   /chat/kill  {"nick", "reason"}                  {"killed": nick}        404: no such nick
//   POST   /chat/ban   {"mask", "duration", "reason"}      {"ban": {...}, "disconnected": n}
//          duration: seconds, or "90s", "30m", "2h", "7d", "1w"; 0 or absent = permanent
//   DELETE /chat/ban   {"mask"}                            {"removed": mask}       404: no such ban
//   GET    /chat/bans                                      {"bans": [...]}
#pragma once

#include "core/workload.hpp"

#include <optional>

namespace hiconn::chat {

class ChatServer;

/// Serves `request` against `server`; nullopt for a path that is not a chat route.
std::optional<core::AdminReply> serve_chat_admin(ChatServer& server, const core::AdminRequest& request);

}  // namespace hiconn::chat
