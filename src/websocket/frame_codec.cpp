// The decoder reads a frame header one byte at a time, so a header cut anywhere by the
// network needs no buffer; the stages:
//
//   0: FIN RSV1-3 opcode    1: MASK len7    2-3: 16-bit length    4-11: 64-bit length
//   12-15: masking key      16: payload (remaining bytes), then back to 0
//
// The mask is rotated as payload goes by, so mask[0] always applies to the next byte and no
// frame offset has to be kept. Unmasked frames (a server's, read by a client) skip 12-15.
#include "websocket/frame_codec.hpp"

#include "websocket/utf8_validator.hpp"

#include <cstring>

namespace hiconn::websocket {
namespace {
constexpr std::uint8_t stage_first = 0, stage_length = 1, stage_ext16 = 2, stage_ext64 = 4,
                       stage_mask = 12, stage_payload = 16;
constexpr std::uint8_t fin_bit = 0x80, rsv_bits = 0x70, opcode_bits = 0x0F, mask_bit = 0x80;
constexpr std::uint32_t max_control = 125;

bool is_control(std::uint8_t opcode) noexcept { return (opcode & 0x8) != 0; }

std::size_t fail(Decoded& out, std::uint16_t code, std::size_t consumed) {
    out.kind = Decoded::Kind::error;
    out.code = code;
    return consumed;
}

/// The header is complete: check the length, then on to the payload.
bool length_known(DecoderState& s, const DecodeLimits& limits, Decoded& out) {
    const std::uint8_t opcode = s.frame & opcode_bits;
    if (is_control(opcode)) {
        if (s.remaining > max_control) {
            fail(out, protocol_error, 0);
            return false;
        }
        s.control_total = static_cast<std::uint8_t>(s.remaining);
    } else if (s.remaining > limits.max_message - s.message_bytes) {
        fail(out, too_big, 0);
        return false;
    }
    return true;
}

/// Checks the first header byte against the message in progress.
bool first_byte_valid(const DecoderState& s, std::uint8_t byte) noexcept {
    if (byte & rsv_bits) return false;  // no extension was negotiated
    const std::uint8_t opcode = byte & opcode_bits;
    if (is_control(opcode)) return (byte & fin_bit) && opcode <= pong;  // never fragmented
    if (opcode == continuation) return s.message != 0;
    return (opcode == text || opcode == binary) && s.message == 0;
}
}  // namespace

std::size_t decode(DecoderState& s, char* data, std::size_t size, const DecodeLimits& limits,
                   Decoded& out) {
    out = Decoded{};
    std::size_t i = 0;
    const std::uint8_t after_length = limits.masked ? stage_mask : stage_payload;
    while (s.stage < stage_payload) {
        if (i == size) return i;
        const auto byte = static_cast<std::uint8_t>(data[i++]);
        if (s.stage == stage_first) {
            if (!first_byte_valid(s, byte)) return fail(out, protocol_error, i);
            s.frame = byte;
            s.stage = stage_length;
        } else if (s.stage == stage_length) {
            // Clients must mask, servers must not.
            if (((byte & mask_bit) != 0) != limits.masked) return fail(out, protocol_error, i);
            const std::uint8_t len = byte & 0x7F;
            s.remaining = len < 126 ? len : 0;
            s.stage = len == 126 ? stage_ext16 : len == 127 ? stage_ext64 : after_length;
            if (s.stage == after_length && !length_known(s, limits, out)) return i;
        } else if (s.stage < stage_mask) {
            // 16- or 64-bit big-endian length. Anything that does not fit 32 bits is over
            // every limit anyway (and a set top bit is invalid): too big.
            if (s.remaining > 0x00FFFFFFu) return fail(out, too_big, i);
            s.remaining = s.remaining << 8 | byte;
            const bool last = s.stage == stage_ext16 + 1 || s.stage == stage_ext64 + 7;
            s.stage = last ? after_length : static_cast<std::uint8_t>(s.stage + 1);
            if (last && !length_known(s, limits, out)) return i;
        } else {
            s.mask[s.stage - stage_mask] = byte;
            ++s.stage;
        }
    }
    const std::uint8_t opcode = s.frame & opcode_bits;
    const std::size_t n = s.remaining < size - i ? s.remaining : size - i;
    if (n == 0 && s.remaining > 0) return i;  // need_more: no payload byte here yet
    char* payload = data + i;
    if (limits.masked) mask_payload(payload, n, s.mask);
    if (const std::size_t turn = n & 3; turn && limits.masked) {  // mask[0] for the next byte
        std::uint8_t m[4];
        for (std::size_t k = 0; k < 4; ++k) m[k] = s.mask[(k + turn) & 3];
        for (std::size_t k = 0; k < 4; ++k) s.mask[k] = m[k];
    }
    const std::uint32_t before = s.remaining;
    s.remaining -= static_cast<std::uint32_t>(n);
    i += n;

    if (is_control(opcode)) {
        out.kind = Decoded::Kind::control;
        out.opcode = opcode;
        out.data = payload;
        out.size = n;
        out.total = s.control_total;
        out.offset = static_cast<std::uint8_t>(s.control_total - before);
        if (s.remaining == 0) s.stage = stage_first;
        return i;
    }
    if (s.message == 0) {  // the first frame of a message
        s.message = opcode;
        s.utf8 = 0;
    }
    if (n > 0) {
        if (s.message == text && limits.check_utf8 && !utf8_feed(s.utf8, payload, n))
            return fail(out, invalid_data, i);
        s.message_bytes += static_cast<std::uint32_t>(n);
        out.kind = Decoded::Kind::data;
        out.opcode = s.message;
        out.data = payload;
        out.size = n;
        return i;
    }
    // The frame is complete (its payload went out as data pieces before).
    s.stage = stage_first;
    // A continuation follows: decode on (the next frame may be in this input already).
    if (!(s.frame & fin_bit)) return i + decode(s, data + i, size - i, limits, out);
    if (s.message == text && limits.check_utf8 && !utf8_complete(s.utf8)) return fail(out, invalid_data, i);
    out.kind = Decoded::Kind::message_end;
    out.opcode = s.message;
    s.message = 0;
    s.message_bytes = 0;
    return i;
}

void mask_payload(char* data, std::size_t size, const std::uint8_t mask[4]) noexcept {
    // Eight bytes at a time (the mask twice over), then the tail: this runs over every byte
    // a client sends.
    std::uint8_t twice[8];
    for (std::size_t k = 0; k < 8; ++k) twice[k] = mask[k & 3];
    std::uint64_t word_mask;
    std::memcpy(&word_mask, twice, 8);
    std::size_t k = 0;
    for (; k + 8 <= size; k += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + k, 8);
        word ^= word_mask;
        std::memcpy(data + k, &word, 8);
    }
    for (; k < size; ++k) data[k] = static_cast<char>(data[k] ^ mask[k & 3]);
}

std::size_t encode_client_header(char* out, std::uint8_t opcode, bool fin, std::uint64_t payload,
                                 const std::uint8_t mask[4]) {
    const std::size_t n = encode_header(out, opcode, fin, payload);
    out[1] = static_cast<char>(out[1] | mask_bit);
    std::memcpy(out + n, mask, 4);
    return n + 4;
}

std::size_t encode_header(char* out, std::uint8_t opcode, bool fin, std::uint64_t payload) {
    out[0] = static_cast<char>((fin ? fin_bit : 0) | (opcode & opcode_bits));
    if (payload < 126) {
        out[1] = static_cast<char>(payload);
        return 2;
    }
    if (payload <= 0xFFFF) {
        out[1] = 126;
        out[2] = static_cast<char>(payload >> 8);
        out[3] = static_cast<char>(payload);
        return 4;
    }
    out[1] = 127;
    for (int k = 0; k < 8; ++k) out[2 + k] = static_cast<char>(payload >> (56 - 8 * k));
    return 10;
}

}  // namespace hiconn::websocket
