// PING, PONG, QUIT (RFC 2812 3.7.2, 3.7.3, 3.1.7) and shared helpers.
#include "workloads/chat/commands.hpp"

namespace hiconn::chat {

std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        if (!item.empty()) items.push_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

void handle_ping(Context& ctx, const Message& m) {
    const std::string& server = ctx.settings().server_name;
    ctx.reply(ctx.from_server("PONG").arg(server).trailing(m.params[0]));
}

void handle_pong(Context&, const Message&) {
    // Any line already counted as the answer to an idle PING (ChatServer::on_line).
}

void handle_quit(Context& ctx, const Message& m) {
    std::string text = m.params.empty() || m.params[0].empty() ? std::string("Client Quit")
                                                               : "Quit: " + m.params[0];
    ctx.request_close(text, text);
}

}  // namespace hiconn::chat
