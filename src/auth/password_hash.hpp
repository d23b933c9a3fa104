// Salted password hashes for chat accounts and IRC operators, as self-describing strings:
//   $pbkdf2-sha256$i=ITERATIONS$<base64 salt>$<base64 hash>
// PBKDF2-HMAC-SHA256 through OpenSSL (PKCS5_PBKDF2_HMAC), 16 random salt bytes (RAND_bytes),
// a 32-byte derived key. Why PBKDF2 and not scrypt: it is in every OpenSSL hiconn builds
// against (Windows cross-build included), its cost is one knob, and it needs no 32 MiB of
// memory per verification on an I/O thread. The iteration count is stored in the string, so
// raising the default later leaves existing hashes valid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hiconn::auth {

/// Slow for a guesser, bearable for a login that happens once per connection: 60-80 ms of
/// CPU per hash measured (user time of `hiconn hash-password`, 3 runs, docs/chat.md).
constexpr std::uint32_t default_iterations = 100000;
/// What a stored hash may ask for: below the minimum it is too cheap to mean anything, past
/// the maximum one verification would stall an I/O thread for seconds.
constexpr std::uint32_t min_iterations = 1000;
constexpr std::uint32_t max_iterations = 2000000;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t key_bytes = 32;

/// The parts of a hash string.
struct PasswordHash {
    std::uint32_t iterations = 0;
    std::string salt;  ///< raw bytes
    std::string key;   ///< raw bytes, key_bytes long
};

/// Parses a hash string; nullopt (with `why` set when given) if it is not one.
std::optional<PasswordHash> parse_password_hash(std::string_view text, std::string* why = nullptr);

/// True when `text` is a well-formed hash string (what config and account files insist on).
inline bool is_password_hash(std::string_view text) { return parse_password_hash(text).has_value(); }

/// A new hash string of `password` with a fresh random salt. Throws std::runtime_error if
/// OpenSSL cannot produce random bytes.
std::string hash_password(std::string_view password, std::uint32_t iterations = default_iterations);

/// True when `password` matches the hash string `encoded` (compared in constant time); false
/// for a wrong password and for a malformed `encoded`. CPU-expensive: callers rate-limit.
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace hiconn::auth
