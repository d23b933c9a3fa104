// IRCv3 labeled-response (ircv3.net/specs/extensions/labeled-response): the lines one labeled
// command sends back to the client that ran it, held until the command is done so the label
// goes on exactly one logical message:
//   none      -> "@label=X :server ACK"
//   one line  -> that line with label=X among its tags
//   two, more -> "@label=X :server BATCH +id labeled-response", each line with batch=id,
//                ":server BATCH -id"
// It lives in the command's Outbox (never in ClientState: a label matters only while its
// command runs) and is moved on to the Outbox of a deferred check (SASL, OPER) so that what
// the check answers is still the same response.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hiconn::chat {

/// The spec's limit for a label value (bytes, unescaped); a longer label is ignored.
constexpr std::size_t max_label_bytes = 64;

class LabeledResponse {
public:
    /// `label`: the value as the client meant it (unescaped); `server`: the ACK/BATCH prefix.
    LabeledResponse(std::string_view label, std::string server);

    /// CRLF-terminated `lines` for the client, each to carry `tags` ("" = none).
    void add(std::string_view lines, std::string_view tags);

    /// The whole response as bytes; `own_tags` go on the ACK and BATCH lines (server-time).
    /// Tags add at most 2 * 64 + 6 (label) or an id of a few bytes (batch) to a line's tag
    /// section, far within the 4094 bytes the server's own tags may use (message-tags).
    std::string finish(std::string_view own_tags) const;

    std::size_t lines() const noexcept { return lines_.size(); }

private:
    std::string label_tag_;  ///< "label=escaped"
    std::string server_;
    std::vector<std::pair<std::string, std::string>> lines_;  ///< (tags, line with CRLF)
};

}  // namespace hiconn::chat
