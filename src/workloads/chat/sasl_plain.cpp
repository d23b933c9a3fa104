#include "workloads/chat/sasl_plain.hpp"

#include "auth/base64.hpp"

namespace hiconn::chat {

SaslChunks::Status SaslChunks::add(std::string_view chunk) {
    if (chunk.size() > sasl_chunk_bytes) return Status::too_long;
    // "+" is an empty chunk: the whole (empty) payload, or the end after a 400-byte chunk.
    if (chunk != "+") payload_ += chunk;
    if (payload_.size() > sasl_max_payload) return Status::too_long;
    return chunk.size() == sasl_chunk_bytes ? Status::more : Status::done;
}

std::optional<SaslPlainCredentials> parse_sasl_plain(std::string_view message) {
    const auto first = message.find('\0');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = message.find('\0', first + 1);
    if (second == std::string_view::npos || message.find('\0', second + 1) != std::string_view::npos)
        return std::nullopt;
    SaslPlainCredentials credentials{std::string(message.substr(0, first)),
                                     std::string(message.substr(first + 1, second - first - 1)),
                                     std::string(message.substr(second + 1))};
    if (credentials.authcid.empty() || credentials.password.empty()) return std::nullopt;
    return credentials;
}

std::optional<SaslPlainCredentials> decode_sasl_plain(std::string_view payload) {
    const auto message = auth::base64_decode(payload);
    if (!message) return std::nullopt;
    return parse_sasl_plain(*message);
}

}  // namespace hiconn::chat
