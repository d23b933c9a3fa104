// Line mode (chat over WebSocket, the IRCv3 transport): the send queue holds IRC lines as the
// workload formatted them -- once, shared by every recipient of a fan-out -- and each line
// becomes one message without its CRLF, framed here at write time, as TLS encrypts records:
//
//   queue:  ":a PRIVMSG #c :hi\r\n" ":b JOIN #c\r\n" NUL len16 <pong frame> ...
//   record: [81 11] ":a PRIVMSG #c :hi" [81 0B] ":b JOIN #c" <pong frame> ...
//
// A record is built from the queue's front into a thread_local buffer and written; what the
// stream took is mapped back onto the queue. A frame cut by a short write continues in the
// next record: ws_out_done_ counts the bytes written of the front unit's prefix (a line's
// header, or a raw segment's bytes), ws_out_mid_ says the front line's header is out and its
// payload under way (it runs to the line's end). Rebuilt from the same queue and state, a
// record starts with the same bytes, as a repeated TLS write must.
#include "core/connection.hpp"

#include "core/worker.hpp"
#include "core/would_block.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <cstring>

namespace hiconn::core {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
/// Reads the gathered front of the queue as one sequence of bytes.
class QueueCursor {
public:
    QueueCursor(const asio::const_buffer* buffers, std::size_t count) : buffers_(buffers), count_(count) {}
    /// Bytes from here to the end of what was gathered.
    std::size_t available() const {
        std::size_t n = 0;
        for (std::size_t i = index_; i < count_; ++i) n += buffers_[i].size();
        return n - offset_;
    }
    /// The byte `ahead` bytes on; requires ahead < available().
    char peek(std::size_t ahead) const {
        std::size_t i = index_, off = offset_ + ahead;
        while (off >= buffers_[i].size()) off -= buffers_[i++].size();
        return static_cast<const char*>(buffers_[i].data())[off];
    }
    /// Distance to the next '\n', or npos when it is not in what was gathered.
    std::size_t find_newline() const {
        std::size_t distance = 0;
        for (std::size_t i = index_; i < count_; ++i) {
            const auto* data = static_cast<const char*>(buffers_[i].data());
            const std::size_t start = i == index_ ? offset_ : 0;
            if (const void* hit = std::memchr(data + start, '\n', buffers_[i].size() - start))
                return distance + static_cast<std::size_t>(static_cast<const char*>(hit) - (data + start));
            distance += buffers_[i].size() - start;
        }
        return std::string::npos;
    }
    /// Copies `n` bytes to `out` and moves past them.
    void copy(char* out, std::size_t n) {
        while (n > 0) {
            const std::size_t left = buffers_[index_].size() - offset_;
            const std::size_t take = n < left ? n : left;
            std::memcpy(out, static_cast<const char*>(buffers_[index_].data()) + offset_, take);
            out += take;
            n -= take;
            advance(take);
        }
    }
    void skip(std::size_t n) {
        while (n > 0) {
            const std::size_t left = buffers_[index_].size() - offset_;
            const std::size_t take = n < left ? n : left;
            n -= take;
            advance(take);
        }
    }

private:
    void advance(std::size_t n) {
        offset_ += n;
        if (offset_ == buffers_[index_].size() && index_ + 1 < count_) {
            ++index_;
            offset_ = 0;
        }
    }
    const asio::const_buffer* buffers_;
    std::size_t count_;
    std::size_t index_ = 0;
    std::size_t offset_ = 0;
};

/// One step of a record: `out` bytes in the record, `in` bytes of the queue.
struct Step {
    enum class Kind : std::uint8_t { header, payload, skip, raw } kind;
    std::uint32_t out;
    std::uint32_t in;
};
constexpr std::size_t record_size = 16384;
constexpr std::size_t max_steps = 512;
}  // namespace

void Connection::write_queue_frames() {
    thread_local std::array<char, record_size> record;
    thread_local std::array<Step, max_steps> steps;
    const std::uint8_t opcode = ws_binary_ ? websocket::binary : websocket::text;
    while (!queue_.empty() && state_ != State::closed) {
        std::array<asio::const_buffer, SendQueue::max_gather> buffers;
        QueueCursor cursor(buffers.data(), queue_.gather(buffers.data(), buffers.size()));
        std::size_t size = 0, count = 0;
        bool mid = ws_out_mid_;
        std::size_t done = ws_out_done_;
        // Build: whole units while they fit (the record's last payload may be cut).
        while (count + 3 <= max_steps && cursor.available() > 0 && size < record.size()) {
            const std::size_t room = record.size() - size;
            if (!mid && cursor.peek(0) == '\0') {  // a raw segment (pong, close)
                if (cursor.available() < 3) break;
                const std::size_t length = static_cast<std::uint8_t>(cursor.peek(1)) << 8 |
                                           static_cast<std::uint8_t>(cursor.peek(2));
                if (length - done > room) break;
                cursor.skip(3 + done);
                cursor.copy(record.data() + size, length - done);
                steps[count++] = {Step::Kind::raw, static_cast<std::uint32_t>(length - done),
                                  static_cast<std::uint32_t>(3 + length)};
                size += length - done;
                done = 0;
                continue;
            }
            std::size_t line = cursor.find_newline();  // payload + line end
            std::size_t ending = 0;
            if (line == std::string::npos) {
                // No line end in what was gathered: a line of more buffers than a gather
                // holds, or a workload that queued part of a line (chat never does). The
                // next record gets it; alone in a record, it is sent as one message.
                if (size > 0 || mid) break;
                line = cursor.available();
            } else {
                ending = line > 0 && cursor.peek(line - 1) == '\r' ? 2 : 1;
                line -= ending - 1;
            }
            if (!mid) {
                char header[websocket::max_header];
                const std::size_t h = websocket::encode_header(header, opcode, true, line);
                if (h - done > room) break;
                std::memcpy(record.data() + size, header + done, h - done);
                steps[count++] = {Step::Kind::header, static_cast<std::uint32_t>(h - done), 0};
                size += h - done;
                done = 0;
                mid = true;
            }
            const std::size_t take = line < record.size() - size ? line : record.size() - size;
            cursor.copy(record.data() + size, take);
            steps[count++] = {Step::Kind::payload, static_cast<std::uint32_t>(take), static_cast<std::uint32_t>(take)};
            size += take;
            if (take < line) break;  // the record is full inside this payload
            cursor.skip(ending);
            steps[count++] = {Step::Kind::skip, 0, static_cast<std::uint32_t>(ending)};
            mid = false;
        }
        if (count == 0) return;  // nothing that can go out yet
        error_code ec;
        std::size_t written = size ? write_stream(record.data(), size, ec) : 0;
        if (ec) {
            if (!would_block(ec)) fail(ec, "send");
            return;
        }
        worker_.shard().add_out(written);
        // Map what was written back onto the queue and the frame state.
        std::size_t consumed = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const Step& step = steps[i];
            if (step.out > written) {  // cut inside this step
                if (step.kind == Step::Kind::payload) {
                    consumed += written;
                } else {
                    ws_out_done_ = static_cast<std::uint16_t>(ws_out_done_ + written);
                }
                written = 0;
                break;
            }
            written -= step.out;
            consumed += step.in;
            switch (step.kind) {
            case Step::Kind::header: ws_out_done_ = 0; ws_out_mid_ = true; break;
            case Step::Kind::skip: ws_out_mid_ = false; break;
            case Step::Kind::raw: ws_out_done_ = 0; break;
            case Step::Kind::payload: break;
            }
        }
        consume(consumed);
        if (consumed == 0) return;  // the stream took nothing: wait for room
    }
}

}  // namespace hiconn::core
