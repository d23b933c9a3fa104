// fuzz_websocket_upgrade: the first bytes of a ws:// connection through the upgrade request
// parser (Beast's request_parser and our checks), whole and as every tenth prefix. Findings:
// a crash or UB; consumed past the input; a 101 without Sec-WebSocket-Accept; need_more at or
// past websocket::max_request (the engine's buffer would be full); or a prefix of an
// upgradable request that is not need_more (a premature verdict).
#include "websocket/upgrade_request.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace ws = hiconn::websocket;
using Status = ws::UpgradeResult::Status;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    ws::UpgradeOptions options;
    options.ircv3 = size % 2 == 0;
    options.allowed_origins = {"http://127.0.0.1"};
    const auto whole = ws::parse_upgrade(input, options);
    if (whole.consumed > size) std::abort();
    if (whole.status == Status::need_more && size >= ws::max_request) std::abort();
    if (whole.status != Status::need_more && whole.response.empty()) std::abort();
    if (whole.status == Status::upgraded) {
        if (whole.response.find("Sec-WebSocket-Accept: ") == std::string::npos) std::abort();
        for (std::size_t n = 0; n < whole.consumed; n += 10)
            if (ws::parse_upgrade(input.substr(0, n), options).status != Status::need_more) std::abort();
    }
    return 0;
}
