// SASL PLAIN over IRC (ircv3.net sasl-3.2, RFC 4616), without any IRC state so it can be
// unit-tested and fuzzed: the AUTHENTICATE payload arrives base64-encoded in chunks of 400
// bytes ("+" alone = empty), and decodes to "authzid NUL authcid NUL password".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hiconn::chat {

/// The chunk size of sasl-3.2: a chunk this long means another one follows.
constexpr std::size_t sasl_chunk_bytes = 400;
/// The longest base64 payload accepted (905 beyond): PLAIN of a 32-byte name and a password
/// of a few hundred bytes fits many times over.
constexpr std::size_t sasl_max_payload = 4 * sasl_chunk_bytes;

/// Collects the chunks of one AUTHENTICATE payload.
class SaslChunks {
public:
    enum class Status {
        more,      ///< a 400-byte chunk: wait for the next
        done,      ///< payload() holds the whole base64 text ("" for "+")
        too_long,  ///< a chunk over 400 bytes or a payload over sasl_max_payload (905)
    };
    /// One AUTHENTICATE parameter. After done or too_long, start again with a new object.
    Status add(std::string_view chunk);
    const std::string& payload() const noexcept { return payload_; }

private:
    std::string payload_;
};

struct SaslPlainCredentials {
    std::string authzid;   ///< who to act as; empty = the authcid
    std::string authcid;   ///< the account logging in
    std::string password;
};

/// The decoded PLAIN message; nullopt unless it is exactly three NUL-separated fields with
/// a non-empty authcid and password.
std::optional<SaslPlainCredentials> parse_sasl_plain(std::string_view message);

/// The whole PLAIN step: base64 `payload` (from SaslChunks) to credentials; nullopt if it
/// is not valid base64 or not a PLAIN message.
std::optional<SaslPlainCredentials> decode_sasl_plain(std::string_view payload);

}  // namespace hiconn::chat
