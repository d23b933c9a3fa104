// The status page's files (web/status: index.html, status.css, status.js, favicon.svg),
// compiled into the binary by cmake/embed_files.cmake. Embedded rather than installed: the page then
// matches the binary that serves it, works from a build tree, a package or a Windows
// service alike, and there is no install path to configure, find or get wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace hiconn::app {

struct StatusAsset {
    std::string_view body;
    const char* content_type;
};

/// The file served at `path`: "/" is index.html, "/status.css" is status.css, ...;
/// nothing for any other path. Thread safe (constant data).
std::optional<StatusAsset> find_status_asset(std::string_view path);

/// The Content-Type of a file by its extension (.html, .css, .js, .svg; else octet-stream).
const char* content_type_of(std::string_view name);

}  // namespace hiconn::app
