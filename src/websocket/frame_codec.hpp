// RFC 6455 frames, decoded incrementally and encoded, over the standard library only.
//
// Why not Boost.Beast's websocket::stream: it owns the socket and its async operations and
// keeps read and write buffers per connection. hiconn's engine waits for readability with no
// buffer (zero-byte reads), drains into a pooled buffer that goes back to the pool at once, and
// frames its send queue at write time (as TLS does records), so chat's shared fan-out buffers
// stay shared. This codec fits that seam: its whole per-connection state is DecoderState
// (20 bytes), and decode() unmasks the payload in place in the caller's buffer.
//
// Stateless over its input: decode() consumes what it is given and remembers only where in a
// frame it stands (header byte, mask, remaining payload), so a frame may arrive in any pieces.
// Both roles: the server decodes masked client frames and encodes unmasked ones; hiconn-load
// (--ws) decodes the server's unmasked frames (DecodeLimits::masked false) and encodes masked
// ones (encode_client_header + mask_payload).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hiconn::websocket {

enum Opcode : std::uint8_t {
    continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA
};

/// Close codes (RFC 6455 section 7.4.1) this server sends.
enum CloseCode : std::uint16_t {
    normal = 1000, protocol_error = 1002, invalid_data = 1007, too_big = 1009
};

/// Where the decoder stands; zero-initialised = before the first frame.
struct DecoderState {
    std::uint32_t remaining = 0;      ///< payload left in the current frame (header: length so far)
    std::uint32_t message_bytes = 0;  ///< data payload of the current message so far
    std::uint8_t mask[4] = {0, 0, 0, 0};
    std::uint8_t stage = 0;           ///< header byte being read (see frame_codec.cpp)
    std::uint8_t frame = 0;           ///< the current frame's first byte (FIN | opcode)
    std::uint8_t message = 0;         ///< opcode of the data message in progress; 0 = none
    std::uint8_t utf8 = 0;            ///< UTF-8 validation of a text message (utf8_validator.hpp)
    std::uint8_t control_total = 0;   ///< payload length of the control frame being read
};
static_assert(sizeof(DecoderState) <= 20, "kept small: it lives in every WebSocket connection");

struct DecodeLimits {
    std::uint32_t max_message = 1u << 20;  ///< data payload per message; more -> close 1009
    bool check_utf8 = true;                ///< text messages must be UTF-8 (else close 1007)
    /// Frames must be masked (a server reading a client) or must not be (a client reading a
    /// server, RFC 6455 section 5.1); the other kind is a protocol error (1002).
    bool masked = true;
};

struct Decoded {
    enum class Kind : std::uint8_t {
        need_more,    ///< everything given was consumed; nothing to report
        data,         ///< [data, data+size) is (part of) the current message's payload, unmasked
        message_end,  ///< the message in progress is complete (after its last data piece)
        control,      ///< a piece of a control frame's payload; `offset` into it, `total` its length
        error         ///< the stream is bad: close with `code`
    };
    Kind kind = Kind::need_more;
    std::uint8_t opcode = 0;  ///< data: the message's opcode; control: ping, pong or close
    std::uint16_t code = 0;   ///< error: the close code
    char* data = nullptr;
    std::size_t size = 0;
    std::uint8_t offset = 0;  ///< control: where this piece starts in the payload
    std::uint8_t total = 0;   ///< control: the payload's length (<= 125)
};

/// Decodes frames from [data, data+size): a client's (masked, as RFC 6455 requires of
/// clients), or with limits.masked false a server's.
/// Returns how many bytes it consumed and fills `out`; call again with the rest until it
/// consumed everything. Payload is unmasked in place. After an error, stop decoding.
std::size_t decode(DecoderState& state, char* data, std::size_t size, const DecodeLimits& limits,
                   Decoded& out);

/// Largest server frame header: 2 + 8 length bytes, never a mask (servers do not mask).
constexpr std::size_t max_header = 10;
/// Writes a server frame header into `out` (max_header bytes); returns its length.
std::size_t encode_header(char* out, std::uint8_t opcode, bool fin, std::uint64_t payload);
/// The header length encode_header() writes for `payload` bytes.
constexpr std::size_t header_size(std::uint64_t payload) {
    return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
}

/// Largest client frame header: 2 + 8 length bytes + the 4-byte masking key.
constexpr std::size_t max_client_header = 14;
/// Writes a client frame header (MASK bit and `mask`) into `out` (max_client_header bytes);
/// returns its length. The payload that follows must be masked with mask_payload().
std::size_t encode_client_header(char* out, std::uint8_t opcode, bool fin, std::uint64_t payload,
                                 const std::uint8_t mask[4]);
/// XORs [data, data+size) with `mask`, the payload's first byte with mask[0] (RFC 6455
/// section 5.3): masks a client's payload, and unmasks it again.
void mask_payload(char* data, std::size_t size, const std::uint8_t mask[4]) noexcept;

}  // namespace hiconn::websocket
