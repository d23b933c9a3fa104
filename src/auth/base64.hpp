// Base64 (RFC 4648, the standard alphabet with '=' padding): the salt and hash fields of a
// password hash string, and later the SASL AUTHENTICATE payloads. Decoding is strict, since
// its input comes from outside (files, clients): bad characters, bad padding or a length
// that is not a multiple of four are refused rather than skipped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hiconn::auth {

/// Padded standard base64 of `bytes`.
std::string base64_encode(std::string_view bytes);

/// The bytes of padded standard base64 `text`; nullopt when it is not exactly that
/// (no whitespace, no missing padding, no bits set past the last byte).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hiconn::auth
