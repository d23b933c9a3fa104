// The bans of a standalone node on disk (chat.bans_file): BanList::to_json() as one JSON
// document, replaced atomically (a temporary file beside it, then rename) so that a crash
// mid-write leaves the old file or the new one, never half of either.
#pragma once

#include "workloads/chat/ban_list.hpp"

#include <stdexcept>
#include <string>

namespace hiconn::chat {

/// A bans file that cannot be read or holds no valid ban list; what() names the file.
class BanFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Loads `path` into `bans` (a missing file is an empty list). Throws BanFileError naming
/// the file for an unreadable or corrupt one.
void load_ban_file(const std::string& path, BanList& bans);

/// Writes `document` to `path` through `path`.tmp and a rename. Throws BanFileError.
void save_ban_file(const std::string& path, const nlohmann::json& document);

}  // namespace hiconn::chat
