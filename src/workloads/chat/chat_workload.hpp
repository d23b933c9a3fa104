// The chat workload: an IRC-subset server (RFC 1459 / RFC 2812) plugged into the engine.
// One ChatWorkload serves every connection; each connection gets a Client (hung off
// Connection::user()) that talks to the shared ChatServer through a ConnectionLink.
#pragma once

#include "config/config.hpp"
#include "core/workload.hpp"

#include <memory>

namespace hiconn::chat {

/// The chat workload for `config` (reads config.chat, limits and timeouts).
/// Called once by the workload factory.
std::unique_ptr<core::Workload> make_chat_workload(const config::Config& config);

}  // namespace hiconn::chat
