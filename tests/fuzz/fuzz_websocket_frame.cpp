// fuzz_websocket_frame: client bytes after the upgrade through the frame decoder, whole and
// cut at a point the input picks. Findings: a crash or UB; a piece outside the input; a
// decoder that stops consuming without need_more or an error (it would spin); data pieces
// over the message limit; or a different result when the same bytes arrive in two pieces
// (the engine hands the decoder whatever each read brought), except for how much of a
// message cut by an error was delivered before it.
#include "websocket/frame_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace ws = hiconn::websocket;

namespace {
/// Decodes `input` in pieces cut at `cuts`; what it reported, normalised (a message's data
/// joined, a control frame's pieces joined), for comparison.
std::string run(std::string input, const std::vector<std::size_t>& cuts, const ws::DecodeLimits& limits) {
    ws::DecoderState state;
    std::string events, message, control;
    std::size_t start = 0;
    for (std::size_t cut : cuts) {
        char* data = input.data() + start;
        std::size_t size = cut - start;
        start = cut;
        for (int rounds = 0;; ++rounds) {
            if (rounds > (1 << 20)) std::abort();  // no progress
            ws::Decoded out;
            const std::size_t used = ws::decode(state, data, size, limits, out);
            if (used > size) std::abort();
            data += used;
            size -= used;
            using Kind = ws::Decoded::Kind;
            if (out.kind == Kind::need_more) {
                if (size != 0) std::abort();  // stopped early without saying why
                break;
            }
            // The message cut by an error may have been delivered in part, more or less of it
            // depending on the cuts (UTF-8 is checked per piece): compare what came before it.
            if (out.kind == Kind::error) return events + "X" + std::to_string(out.code);
            if (out.kind == Kind::message_end) {
                events += "E" + std::to_string(out.opcode) + ":" + message + "|";
                message.clear();
                continue;
            }
            if (out.data < input.data() || out.data + out.size > input.data() + input.size()) std::abort();
            if (out.kind == Kind::data) {
                message.append(out.data, out.size);
                if (message.size() > limits.max_message) std::abort();
                continue;
            }
            // control
            if (out.offset + out.size > out.total || out.total > 125 || out.offset != control.size()) std::abort();
            control.append(out.data, out.size);
            if (control.size() == out.total) {
                events += "C" + std::to_string(out.opcode) + ":" + control + "|";
                control.clear();
            }
        }
    }
    return events + "P" + message;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const ws::DecodeLimits limits{static_cast<std::uint32_t>(64 + data[0] * 8), (data[0] & 1) != 0};
    const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t cut = input.empty() ? 0 : (data[0] * 131u) % (input.size() + 1);
    if (run(input, {input.size()}, limits) != run(input, {cut, input.size()}, limits)) std::abort();
    return 0;
}
