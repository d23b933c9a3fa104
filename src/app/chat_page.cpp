#include "app/chat_page.hpp"

#include "app/embedded_file.hpp"
#include "app/status_assets.hpp"

namespace hiconn::app {
namespace {

#include "app/chat_assets.inc"  // generated: embedded_files[]

}  // namespace

std::string chat_page_response(std::string_view target) {
    if (const auto query = target.find('?'); query != std::string_view::npos) target = target.substr(0, query);
    if (target.empty() || target.front() != '/') return {};
    const std::string_view name = target == "/" ? std::string_view("index.html") : target.substr(1);
    if (name == "index.html" && target != "/") return {};  // one address per page
    for (const auto& file : embedded_files) {
        if (name != file.name) continue;
        std::string response = "HTTP/1.1 200 OK\r\nContent-Type: ";
        response += content_type_of(name);
        response += "\r\nContent-Length: " + std::to_string(file.size) +
                    "\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
        response.append(reinterpret_cast<const char*>(file.bytes), file.size);
        return response;
    }
    return {};
}

}  // namespace hiconn::app
