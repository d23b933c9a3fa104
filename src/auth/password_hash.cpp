#include "auth/password_hash.hpp"

#include "auth/base64.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>

namespace hiconn::auth {

namespace {

constexpr std::string_view scheme = "$pbkdf2-sha256$i=";

std::string derive(std::string_view password, std::string_view salt, std::uint32_t iterations) {
    std::string key(key_bytes, '\0');
    const int ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                     reinterpret_cast<const unsigned char*>(salt.data()),
                                     static_cast<int>(salt.size()), static_cast<int>(iterations),
                                     EVP_sha256(), static_cast<int>(key.size()),
                                     reinterpret_cast<unsigned char*>(key.data()));
    if (ok != 1) throw std::runtime_error("PKCS5_PBKDF2_HMAC failed");
    return key;
}

std::optional<PasswordHash> fail(std::string* why, const char* reason) {
    if (why != nullptr) *why = reason;
    return std::nullopt;
}

}  // namespace

std::optional<PasswordHash> parse_password_hash(std::string_view text, std::string* why) {
    if (text.substr(0, scheme.size()) != scheme)
        return fail(why, "not a password hash (expected $pbkdf2-sha256$i=N$SALT$HASH, from hiconn hash-password)");
    text.remove_prefix(scheme.size());
    const auto dollar1 = text.find('$');
    if (dollar1 == std::string_view::npos) return fail(why, "no salt after the iteration count");
    PasswordHash hash;
    const auto count = text.substr(0, dollar1);
    const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), hash.iterations);
    if (error != std::errc() || end != count.data() + count.size() || count.empty())
        return fail(why, "the iteration count is not a number");
    if (hash.iterations < min_iterations || hash.iterations > max_iterations)
        return fail(why, "the iteration count is outside 1000..2000000");
    text.remove_prefix(dollar1 + 1);
    const auto dollar2 = text.find('$');
    if (dollar2 == std::string_view::npos) return fail(why, "no hash after the salt");
    auto salt = base64_decode(text.substr(0, dollar2));
    auto key = base64_decode(text.substr(dollar2 + 1));
    if (!salt || salt->size() < 8) return fail(why, "the salt is not base64 of at least 8 bytes");
    if (!key || key->size() != key_bytes) return fail(why, "the hash is not base64 of 32 bytes");
    hash.salt = std::move(*salt);
    hash.key = std::move(*key);
    return hash;
}

std::string hash_password(std::string_view password, std::uint32_t iterations) {
    std::string salt(salt_bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
        throw std::runtime_error("RAND_bytes failed: no random salt");
    return std::string(scheme) + std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
           base64_encode(derive(password, salt, iterations));
}

bool verify_password(std::string_view password, std::string_view encoded) {
    const auto hash = parse_password_hash(encoded);
    if (!hash) return false;
    const std::string key = derive(password, hash->salt, hash->iterations);
    // Constant time: how much of a guess matched must not show in the reply time.
    return CRYPTO_memcmp(key.data(), hash->key.data(), key_bytes) == 0;
}

}  // namespace hiconn::auth
