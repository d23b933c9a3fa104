#include "app/status_assets.hpp"

#include "app/embedded_file.hpp"

#include <cstring>

namespace hiconn::app {
namespace {

#include "app/status_assets.inc"  // generated: embedded_files[]

}  // namespace

const char* content_type_of(std::string_view name) {
    const auto ends_with = [&](std::string_view suffix) {
        return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
    };
    if (ends_with(".html")) return "text/html; charset=utf-8";
    if (ends_with(".css")) return "text/css; charset=utf-8";
    if (ends_with(".js")) return "text/javascript; charset=utf-8";
    if (ends_with(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

std::optional<StatusAsset> find_status_asset(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    const std::string_view name = path == "/" ? std::string_view("index.html") : path.substr(1);
    if (name == "index.html" && path != "/") return std::nullopt;  // one address per page
    for (const auto& file : embedded_files)
        if (name == file.name)
            return StatusAsset{{reinterpret_cast<const char*>(file.bytes), file.size},
                               content_type_of(name)};
    return std::nullopt;
}

}  // namespace hiconn::app
