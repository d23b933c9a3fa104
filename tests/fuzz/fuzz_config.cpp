// fuzz_config: bytes as a config file's text through the strict loader (from_json_text():
// parse, overrides, validation against the field table). A ConfigError is the expected
// answer to bad input; a crash, UB or any other exception is a finding. Bytes after the
// first NUL are --set overrides, one per further NUL-separated piece. A config that loads
// must round-trip: its effective JSON (check-config's output) loads again to the same Config.
#include "config/config.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

using namespace hiconn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::size_t nul = input.find('\0');
    const std::string text = input.substr(0, nul);
    std::vector<std::string> overrides;
    while (nul != std::string::npos) {
        const std::size_t next = input.find('\0', nul + 1);
        overrides.push_back(input.substr(nul + 1, next == std::string::npos ? std::string::npos : next - nul - 1));
        nul = next;
    }

    config::Config loaded;
    try {
        loaded = config::from_json_text(text, "fuzz.json", overrides);
    } catch (const config::ConfigError& e) {
        if (std::string(e.what()).empty()) std::abort();  // an error always says what
        return 0;
    }
    // Any other exception escapes: libFuzzer reports it as a crash (uncaught exception).

    const std::string effective = config::to_json_text(loaded);
    config::Config again;
    try {
        again = config::from_json_text(effective, "fuzz.json");
    } catch (const config::ConfigError& e) {
        std::fprintf(stderr, "the effective config does not load again: %s\n%s\n", e.what(), effective.c_str());
        std::abort();
    }
    if (again != loaded) {
        std::fprintf(stderr, "the effective config loads to another Config:\n%s\n", effective.c_str());
        std::abort();
    }
    return 0;
}
