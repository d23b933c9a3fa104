// fuzz_credentials: bytes from outside that reach the credential parsers: base64 (SASL
// AUTHENTICATE payloads), password hash strings (chat.operators, the accounts file), the
// accounts file itself, SASL PLAIN messages and AUTHENTICATE chunking. Findings: a crash or
// UB; a decode that does not re-encode to its input; an accounts file that parses but does
// not read back the same from its own format(); a chunk sequence past the payload limit that
// is not refused.
#include "auth/accounts_file.hpp"
#include "auth/base64.hpp"
#include "auth/password_hash.hpp"
#include "workloads/chat/sasl_plain.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace hiconn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // Strict base64: one encoding per byte string.
    if (const auto bytes = auth::base64_decode(input); bytes && auth::base64_encode(*bytes) != input) std::abort();
    // A hash string is parsed, never derived from (a fuzzer-made i=2000000 would be slow).
    if (const auto hash = auth::parse_password_hash(input)) {
        if (hash->iterations < auth::min_iterations || hash->iterations > auth::max_iterations) std::abort();
        if (hash->key.size() != auth::key_bytes) std::abort();
    }
    try {
        const auto accounts = auth::Accounts::parse(input, "fuzz");
        const std::string text = accounts.format();
        if (auth::Accounts::parse(text, "fuzz").format() != text) std::abort();
    } catch (const auth::AccountsFileError& e) {
        if (std::string_view(e.what()).substr(0, 5) != "fuzz:") std::abort();
    }
    if (const auto plain = chat::decode_sasl_plain(input); plain && (plain->authcid.empty() || plain->password.empty()))
        std::abort();
    // The input as AUTHENTICATE parameters, split at '\n'.
    chat::SaslChunks chunks;
    std::string_view rest = input;
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        const auto status = chunks.add(rest.substr(0, end));
        if (status != chat::SaslChunks::Status::more) {
            if (status == chat::SaslChunks::Status::done && chunks.payload().size() > chat::sasl_max_payload)
                std::abort();
            break;
        }
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    return 0;
}
