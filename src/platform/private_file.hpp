// Files only their owner may read (the chat accounts file holds password hashes), replaced
// atomically so a crash or a concurrent reader never sees half a file.
// Implementations: posix/private_file.cpp, windows/private_file.cpp.
#pragma once

#include <string>

namespace hiconn::platform {

/// Writes `contents` to a temporary file beside `path` and renames it over `path`.
/// POSIX: the file is created with mode 0600 (whatever the umask) and synced before the
/// rename. Windows: MoveFileEx(REPLACE_EXISTING); the file gets its directory's ACL.
/// Throws std::runtime_error naming the file and the OS error.
void write_private_file(const std::string& path, const std::string& contents);

}  // namespace hiconn::platform
