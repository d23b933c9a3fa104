// Splits a byte stream into IRC lines (the codec, muduo-style, apart from the protocol).
// Lines end in CRLF or a bare LF. A line longer than 512 bytes including its CRLF
// (RFC 2812 2.3) is reported as too long and dropped; a peer that sends more than
// `max_partial` bytes without any newline is reported as overflowing (the caller closes it).
// Only a partial line is kept between calls, and nothing once it completes: an idle client
// holds no buffer. In loop (one framer per connection).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hiconn::chat {

class LineFramer {
public:
    enum class Event { line, too_long };
    enum class Status { ok, overflow, stopped };

    explicit LineFramer(std::size_t max_partial) : max_partial_(max_partial) {}

    /// Feeds bytes; calls `sink(Event, std::string_view line)` for each complete line (without
    /// CR/LF; empty for too_long). The sink returns false to stop (e.g. the client quit): the
    /// rest of `data` is discarded and `stopped` returned.
    template <typename Sink>
    Status feed(std::string_view data, Sink&& sink);

    /// Bytes of the incomplete line held.
    std::size_t pending_bytes() const noexcept { return partial_bytes_; }

private:
    static constexpr std::size_t max_line = 512;  // RFC 2812 2.3, CRLF included

    std::size_t max_partial_;
    std::string partial_;           // the incomplete line, while it is <= max_line
    std::size_t partial_bytes_ = 0; // its length, still counted after it is discarded
};

template <typename Sink>
LineFramer::Status LineFramer::feed(std::string_view data, Sink&& sink) {
    while (!data.empty()) {
        std::size_t lf = data.find('\n');
        std::string_view chunk = data.substr(0, lf);
        if (lf == std::string_view::npos) {
            partial_bytes_ += chunk.size();
            if (partial_bytes_ > max_partial_) return Status::overflow;
            if (partial_bytes_ <= max_line) partial_.append(chunk);
            else std::string().swap(partial_);  // too long already: keep counting only
            return Status::ok;
        }
        data.remove_prefix(lf + 1);
        std::size_t total = partial_bytes_ + chunk.size() + 1;  // with the LF
        bool keep_going;
        if (total > max_line) {
            keep_going = sink(Event::too_long, std::string_view{});
        } else if (partial_bytes_ == 0) {
            keep_going = sink(Event::line, chunk);  // the common case: no copy
        } else {
            partial_.append(chunk);
            keep_going = sink(Event::line, std::string_view{partial_});
        }
        partial_bytes_ = 0;
        std::string().swap(partial_);  // release it: idle clients hold no buffer
        if (!keep_going) return Status::stopped;
    }
    return Status::ok;
}

}  // namespace hiconn::chat
