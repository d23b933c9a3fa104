// Incremental UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing past
// U+10FFFF) in one byte of state, so a text message split over frames and reads is checked
// without keeping any of its bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hiconn::websocket {

/// State: 0 = between characters. Low 2 bits: continuation bytes still expected; the next
/// bits: the narrowed range of the next byte after E0, ED, F0 or F4.
/// Returns false (and leaves the state meaningless) at the first invalid byte.
bool utf8_feed(std::uint8_t& state, const char* data, std::size_t size) noexcept;
/// True when no character is cut off at the end.
inline bool utf8_complete(std::uint8_t state) noexcept { return state == 0; }
/// True when all of `data` is valid UTF-8 (whole characters only).
inline bool utf8_valid(const char* data, std::size_t size) noexcept {
    std::uint8_t state = 0;
    return utf8_feed(state, data, size) && utf8_complete(state);
}

}  // namespace hiconn::websocket
