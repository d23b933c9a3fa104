#include "tools/load/ws_client.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace hiconn::load {

namespace {
class WsCategory : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "websocket"; }
    std::string message(int value) const override {
        if (value >= 1000 && value <= 4999) return "ws_close_" + std::to_string(value);
        if (value >= 100 && value <= 599) return "ws: HTTP " + std::to_string(value);
        if (value == static_cast<int>(WsError::bad_frame)) return "ws: bad frame";
        return "ws: bad 101";
    }
};

constexpr std::string_view crlf = "\r\n";
}  // namespace

const boost::system::error_category& ws_category() {
    static const WsCategory category;
    return category;
}

WsClient::WsClient(const Options& o, const Target& target)
    : lines_(o.mode == "chat"), hosts_(target.names),
      protocols_(lines_ ? "text.ircv3.net, binary.ircv3.net" : ""),
      seed_(o.seed * 0xD1B54A32D192ED03ull + o.proc_index) {}

void WsClient::report_refusal(const std::string& reason) {
    if (reported_.exchange(true)) return;
    std::fputs(("hiconn-load: WebSocket upgrade refused: " + reason + "\n").c_str(), stderr);
}

WsFraming::WsFraming(WsClient& client, std::size_t server)
    : client_(client), server_(server), rng_(client.next_seed() | 1), lines_(client.lines()),
      opcode_(lines_ ? websocket::text : websocket::binary) {}

void WsFraming::next_mask(std::uint8_t mask[4]) {
    // xorshift64*: a different key per frame without a system call.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    const std::uint64_t r = rng_ * 0x2545F4914F6CDD1Dull;
    for (int k = 0; k < 4; ++k) mask[k] = static_cast<std::uint8_t>(r >> (8 * k + 32));
}

std::string WsFraming::request() {
    std::uint8_t random[16];
    next_mask(random);
    next_mask(random + 4);
    next_mask(random + 8);
    next_mask(random + 12);
    key_ = websocket::make_key(random);
    return websocket::upgrade_request(client_.host(server_), "/", key_, client_.protocols());
}

websocket::UpgradeResponse::Status WsFraming::on_response(std::string_view received, boost::system::error_code& ec) {
    using Status = websocket::UpgradeResponse::Status;
    const auto r = websocket::parse_upgrade_response(received, key_, client_.protocols());
    if (r.status == Status::upgraded) {
        pending_.assign(received.substr(r.consumed));
        if (lines_) opcode_ = r.subprotocol == websocket::Subprotocol::binary_ircv3 ? websocket::binary : websocket::text;
        state_ = {};
    } else if (r.status == Status::refused) {
        client_.report_refusal(r.reason);
        const bool http = r.http_status >= 100 && r.http_status <= 599 && r.http_status != 101;
        ec = make_ws_error(http ? r.http_status : static_cast<int>(WsError::bad_upgrade));
    }
    return r.status;
}

void WsFraming::encode(std::string_view payload, std::string& wire) {
    auto frame = [&](std::string_view message) {
        char header[websocket::max_client_header];
        std::uint8_t mask[4];
        next_mask(mask);
        wire.append(header, websocket::encode_client_header(header, opcode_, true, message.size(), mask));
        const std::size_t at = wire.size();
        wire.append(message);
        websocket::mask_payload(wire.data() + at, message.size(), mask);
    };
    if (!lines_) return frame(payload);
    std::string joined;
    if (!line_tail_.empty()) {  // a line begun by the previous write
        joined = std::move(line_tail_) + std::string(payload);
        line_tail_.clear();
        payload = joined;
    }
    std::size_t start = 0, eol;
    while ((eol = payload.find('\n', start)) != std::string_view::npos) {
        std::size_t end = eol;
        if (end > start && payload[end - 1] == '\r') --end;
        frame(payload.substr(start, end - start));
        start = eol + 1;
    }
    line_tail_.assign(payload.substr(start));
}

WsFraming::Read WsFraming::take_pending(char* data, std::size_t capacity) {
    Read r;
    if (owed_ > 0) {  // the rest of a line end first
        r.bytes = std::min<std::size_t>(owed_, capacity);
        std::memcpy(data, crlf.data() + (2 - owed_), r.bytes);
        owed_ = static_cast<std::uint8_t>(owed_ - r.bytes);
        return r;
    }
    const std::size_t n = std::min(pending_.size(), capacity);
    std::memcpy(data, pending_.data(), n);
    pending_.erase(0, n);
    if (pending_.empty()) pending_.shrink_to_fit();  // an idle connection keeps no buffer
    return decode(data, n, capacity);
}

WsFraming::Read WsFraming::decode(char* data, std::size_t size, std::size_t capacity) {
    websocket::DecodeLimits limits;
    limits.max_message = 0xFFFFFFFFu;  // what the server sends back is ours to count
    limits.check_utf8 = false;
    limits.masked = false;  // servers must not mask
    Read r;
    std::size_t out = 0, at = 0;  // payload goes to data[out], input is read from data[at]
    // Until need_more, even with all input read: a message's end is reported by the call
    // after its last payload.
    for (;;) {
        websocket::Decoded piece;
        at += websocket::decode(state_, data + at, size - at, limits, piece);
        using Kind = websocket::Decoded::Kind;
        switch (piece.kind) {
        case Kind::need_more:
            r.bytes = out;
            return r;
        case Kind::data:
            std::memmove(data + out, piece.data, piece.size);
            out += piece.size;
            break;
        case Kind::message_end: {
            if (!lines_) break;
            // Room for the line end: what the decoder consumed past the payload, or the
            // buffer's free end once all input is read.
            const std::size_t room = at < size ? at - out : capacity - out;
            if (room < 2) {  // hand it out first on the next read, then the rest
                owed_ = 2;
                pending_.insert(0, data + at, size - at);
                r.bytes = out;
                return r;
            }
            std::memcpy(data + out, crlf.data(), 2);
            out += 2;
            break;
        }
        case Kind::control:
            if (piece.opcode == websocket::close && piece.offset + piece.size == piece.total) {
                int code = static_cast<int>(WsError::no_status);
                if (piece.offset == 0 && piece.size >= 2)
                    code = static_cast<std::uint8_t>(piece.data[0]) << 8 | static_cast<std::uint8_t>(piece.data[1]);
                if (code < 1000 || code > 4999) code = static_cast<int>(WsError::bad_frame);
                r.ec = make_ws_error(code);
                r.bytes = out;
                return r;
            }
            break;  // ping, pong: skipped
        case Kind::error:
            r.ec = make_ws_error(static_cast<int>(WsError::bad_frame));
            r.bytes = out;
            return r;
        }
    }
}

}  // namespace hiconn::load
