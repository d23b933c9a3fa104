// The web chat page (web/chat: index.html, chat.css, chat.js), served by GET on a ws:// or
// wss:// listener of the chat workload and compiled in like the status page (status_assets.hpp
// says why). The page connects back to the listener that served it.
#pragma once

#include <string>
#include <string_view>

namespace hiconn::app {

/// The whole HTTP response (200, its Content-Type, Connection: close) for `target` ("/" is
/// index.html), or "" when there is no such file. Thread safe (constant data).
std::string chat_page_response(std::string_view target);

}  // namespace hiconn::app
