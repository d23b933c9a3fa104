#include "websocket/utf8_validator.hpp"

namespace hiconn::websocket {
namespace {
// The range the next continuation byte must be in, by the code in state bits 2..4.
enum Next : std::uint8_t { any = 0, a0_bf = 1, x80_9f = 2, x90_bf = 3, x80_8f = 4 };

bool in_range(std::uint8_t next, std::uint8_t byte) noexcept {
    switch (next) {
    case a0_bf: return byte >= 0xA0 && byte <= 0xBF;   // E0: no overlong 3-byte forms
    case x80_9f: return byte >= 0x80 && byte <= 0x9F;  // ED: no surrogates
    case x90_bf: return byte >= 0x90 && byte <= 0xBF;  // F0: no overlong 4-byte forms
    case x80_8f: return byte >= 0x80 && byte <= 0x8F;  // F4: nothing past U+10FFFF
    default: return byte >= 0x80 && byte <= 0xBF;
    }
}
}  // namespace

bool utf8_feed(std::uint8_t& state, const char* data, std::size_t size) noexcept {
    std::uint8_t s = state;
    for (std::size_t i = 0; i < size; ++i) {
        const auto byte = static_cast<std::uint8_t>(data[i]);
        if (s != 0) {
            if (!in_range(static_cast<std::uint8_t>(s >> 2), byte)) return false;
            s = static_cast<std::uint8_t>((s & 3) - 1);  // later bytes: any continuation
            continue;
        }
        if (byte < 0x80) continue;
        if (byte >= 0xC2 && byte <= 0xDF) s = 1;
        else if (byte == 0xE0) s = static_cast<std::uint8_t>(2 | a0_bf << 2);
        else if (byte == 0xED) s = static_cast<std::uint8_t>(2 | x80_9f << 2);
        else if (byte >= 0xE1 && byte <= 0xEF) s = 2;
        else if (byte == 0xF0) s = static_cast<std::uint8_t>(3 | x90_bf << 2);
        else if (byte >= 0xF1 && byte <= 0xF3) s = 3;
        else if (byte == 0xF4) s = static_cast<std::uint8_t>(3 | x80_8f << 2);
        else return false;  // 80..C1 (stray continuation, overlong 2-byte) and F5..FF
    }
    state = s;
    return true;
}

}  // namespace hiconn::websocket
