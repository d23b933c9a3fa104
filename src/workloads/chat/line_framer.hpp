// Splits a byte stream into IRC lines (the codec, muduo-style, apart from the protocol).
// Lines end in CRLF or a bare LF. A line longer than 512 bytes including its CRLF
// (RFC 2812 2.3), or 4096 + 512 for one that starts with IRCv3 tags ('@', message-tags: 4096
// bytes of client tags), is reported as too long and dropped; a peer that sends more than
// `max_partial` bytes without any newline is reported as overflowing (the caller closes it).
// Only a partial line is kept between calls, and nothing once it completes: an idle client
// holds no buffer. In loop (one framer per connection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hiconn::chat {

class LineFramer {
public:
    enum class Event { line, too_long };
    enum class Status { ok, overflow, stopped };

    explicit LineFramer(std::size_t max_partial)
        : max_partial_(static_cast<std::uint32_t>(max_partial)) {}

    /// Feeds bytes; calls `sink(Event, std::string_view line)` for each complete line (without
    /// CR/LF; empty for too_long). The sink returns false to stop (e.g. the client quit): the
    /// rest of `data` is discarded and `stopped` returned.
    template <typename Sink>
    Status feed(std::string_view data, Sink&& sink);

    /// Bytes of the incomplete line held.
    std::size_t pending_bytes() const noexcept { return partial_bytes_; }

private:
    static constexpr std::size_t max_line = 512;  // RFC 2812 2.3, CRLF included
    /// IRCv3 message-tags: '@', at most 4094 bytes of client tags and a space before the rest
    /// (the parser checks the two parts; this bounds what is buffered).
    static constexpr std::size_t max_tagged_line = 4096 + max_line;
    static std::size_t limit_for(std::string_view head) noexcept {
        return !head.empty() && head.front() == '@' ? max_tagged_line : max_line;
    }

    // Compact: one framer per connection, idle or not.
    std::unique_ptr<std::string> partial_;  // the incomplete line, while it is <= max_line
    std::uint32_t partial_bytes_ = 0;       // its length, still counted after it is discarded
    std::uint32_t max_partial_;
};

template <typename Sink>
LineFramer::Status LineFramer::feed(std::string_view data, Sink&& sink) {
    while (!data.empty()) {
        std::size_t lf = data.find('\n');
        std::string_view chunk = data.substr(0, lf);
        if (lf == std::string_view::npos) {
            if (chunk.size() > max_partial_ - partial_bytes_) return Status::overflow;
            const bool dropped = partial_bytes_ != 0 && !partial_;  // too long already
            const std::size_t limit = limit_for(partial_ ? std::string_view(*partial_) : chunk);
            partial_bytes_ += static_cast<std::uint32_t>(chunk.size());
            if (!dropped && partial_bytes_ <= limit) {
                if (!partial_) partial_ = std::make_unique<std::string>();
                partial_->append(chunk);
            } else {
                partial_.reset();  // too long already: keep counting only
            }
            return Status::ok;
        }
        data.remove_prefix(lf + 1);
        std::size_t total = partial_bytes_ + chunk.size() + 1;  // with the LF
        bool keep_going;
        const bool dropped = partial_bytes_ != 0 && !partial_;
        if (dropped || total > limit_for(partial_bytes_ != 0 ? std::string_view(*partial_) : chunk)) {
            keep_going = sink(Event::too_long, std::string_view{});
        } else if (partial_bytes_ == 0) {
            keep_going = sink(Event::line, chunk);  // the common case: no copy
        } else {
            partial_->append(chunk);
            keep_going = sink(Event::line, std::string_view{*partial_});
        }
        partial_bytes_ = 0;
        partial_.reset();  // release it: idle clients hold no buffer
        if (!keep_going) return Status::stopped;
    }
    return Status::ok;
}

}  // namespace hiconn::chat
