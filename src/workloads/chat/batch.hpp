// IRCv3 batch (ircv3.net/specs/extensions/batch): the reference ids and the BATCH lines that
// open and close a server batch. Only a client that negotiated `batch` may be sent them.
#pragma once

#include <string>
#include <string_view>

namespace hiconn::chat {

/// A fresh batch reference: letters and digits only, a few characters long. Unique in the
/// process (thread safe), hence on every connection: no per-client counter is kept.
std::string next_batch_id();

/// ":server BATCH +id type\r\n" (no tags).
std::string batch_start_line(std::string_view server, std::string_view id, std::string_view type);
/// ":server BATCH -id\r\n" (no tags).
std::string batch_end_line(std::string_view server, std::string_view id);

}  // namespace hiconn::chat
