#include "workloads/chat/tagged_line.hpp"

#include "platform/platform.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/client.hpp"

#include <cstdio>
#include <ctime>

namespace hiconn::chat {

std::string format_server_time(std::int64_t wall_ms) {
    const std::time_t seconds = static_cast<std::time_t>(wall_ms / 1000);
    const std::tm tm = platform::utc_time(seconds);
    char text[32];
    std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(wall_ms % 1000));
    return text;
}

std::string escape_tag_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
        case ';': out += "\\:"; break;
        case ' ': out += "\\s"; break;
        case '\\': out += "\\\\"; break;
        case '\r': out += "\\r"; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

std::string unescape_tag_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\') {
            out += value[i];
            continue;
        }
        if (++i == value.size()) break;  // a lone trailing '\' is dropped
        switch (value[i]) {
        case ':': out += ';'; break;
        case 's': out += ' '; break;
        case 'r': out += '\r'; break;
        case 'n': out += '\n'; break;
        default: out += value[i];  // "\\" -> '\', an unknown "\x" -> 'x'
        }
    }
    return out;
}

std::string tag_lines(std::string_view bytes, std::string_view tags) {
    std::string out;
    out.reserve(bytes.size() + tags.size() + 2);
    while (!bytes.empty()) {
        std::size_t end = bytes.find('\n');
        end = end == std::string_view::npos ? bytes.size() : end + 1;
        out += '@';
        out.append(tags);
        out += ' ';
        out.append(bytes.substr(0, end));
        bytes.remove_prefix(end);
    }
    return out;
}

std::string LineVariants::tags(std::uint32_t caps, std::string_view msg_tags) {
    std::string out;
    if ((caps & cap_server_time) != 0) {
        // One timestamp per delivery batch: every recipient sees the same time for one line.
        if (time_tag_.empty())
            time_tag_ = "time=" + format_server_time(time_ms_ != 0 ? time_ms_ : wall_clock_ms());
        out = time_tag_;
    }
    if ((caps & cap_account_tag) != 0 && !account_.empty()) {
        if (!out.empty()) out += ';';
        out += "account=" + escape_tag_value(account_);
    }
    if ((caps & cap_message_tags) != 0 && !msg_tags.empty()) {
        if (!out.empty()) out += ';';
        out.append(msg_tags);
    }
    return out;
}

SharedBuffer LineVariants::get(const SharedBuffer& line, std::uint32_t caps, std::string_view msg_tags) {
    std::uint32_t wire = wire_caps;
    if (msg_tags.empty()) wire &= ~std::uint32_t{cap_message_tags};
    if (account_.empty()) wire &= ~std::uint32_t{cap_account_tag};
    const std::uint32_t key = caps & wire;
    if (key == 0) return line;
    if (source_ != line) {  // a new source line: forget the variants of the previous one
        source_ = line;
        for (std::size_t i = 0; i < used_; ++i) buffers_[i].reset();
        used_ = 0;
    }
    for (std::size_t i = 0; i < used_; ++i)
        if (keys_[i] == key) return buffers_[i];
    SharedBuffer tagged = core::make_shared_buffer(tag_lines(*line, tags(key, msg_tags)));
    ++formatted_;
    if (used_ < max_variants) {
        keys_[used_] = key;
        buffers_[used_] = tagged;
        ++used_;
    }
    return tagged;
}

}  // namespace hiconn::chat
