#include "workloads/chat/message.hpp"

#include "workloads/chat/casemap.hpp"
#include "workloads/chat/labeled_response.hpp"
#include "workloads/chat/numerics.hpp"
#include "workloads/chat/tagged_line.hpp"

#include <algorithm>
#include <utility>

namespace hiconn::chat {

namespace {

// Splits off the next space-delimited word; several spaces count as one separator
// (RFC 2812 is strict about single spaces, but every server is lenient here).
std::string_view next_word(std::string_view& rest) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::size_t end = rest.find(' ');
    std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return word;
}

bool valid_command(std::string_view command) {
    if (command.empty()) return false;
    bool letters = true, digits = command.size() == 3;
    for (char c : command) {
        letters = letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        digits = digits && (c >= '0' && c <= '9');
    }
    return letters || digits;
}

// "+a=b;c;+d" -> "+a=b;+d": the client-only tags, re-escaped, the last of a name kept.
std::string client_tags(std::string_view raw) {
    std::vector<std::pair<std::string_view, std::string>> kept;
    while (!raw.empty()) {
        std::size_t end = raw.find(';');
        std::string_view tag = raw.substr(0, end);
        raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 1);
        std::size_t eq = tag.find('=');
        std::string_view name = tag.substr(0, eq);
        if (name.size() < 2 || name.front() != '+') continue;
        std::string value = eq == std::string_view::npos ? std::string()
                                                          : escape_tag_value(unescape_tag_value(tag.substr(eq + 1)));
        auto same = std::find_if(kept.begin(), kept.end(), [&](const auto& t) { return t.first == name; });
        if (same != kept.end()) kept.erase(same);
        kept.emplace_back(name, std::move(value));
    }
    std::string out;
    for (const auto& [name, value] : kept) {
        if (!out.empty()) out += ';';
        out.append(name);
        if (!value.empty()) out += '=' + value;
    }
    return out;
}

// The value of the last "label=..." among `raw` tags, unescaped; "" when none or unusable.
std::string label_of(std::string_view raw) {
    std::string label;
    while (!raw.empty()) {
        std::size_t end = raw.find(';');
        std::string_view tag = raw.substr(0, end);
        raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 1);
        if (tag.rfind("label=", 0) == 0) label = unescape_tag_value(tag.substr(6));
    }
    return label.size() <= max_label_bytes ? label : std::string();
}

}  // namespace

ParseResult parse_message(std::string_view line, Message& out) {
    out.prefix.clear();
    out.command.clear();
    out.params.clear();
    out.has_trailing = false;

    if (line.find('\0') != std::string_view::npos) return ParseResult::nul_byte;
    // A stray CR left by "\r\r\n" or a lone CR inside a line is treated as a space would be
    // by no one; dropping trailing CRs keeps "CMD x\r\r\n" usable.
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    std::string_view rest = line;
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) return ParseResult::empty;
    out.tags.clear();
    out.label.clear();
    if (rest.front() == '@') {
        rest.remove_prefix(1);
        std::string_view tags = next_word(rest);
        if (tags.size() > max_client_tags || rest.size() > 510) return ParseResult::too_long;
        out.tags = client_tags(tags);
        out.label = label_of(tags);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty()) return ParseResult::empty;
    }

    if (rest.front() == ':') {
        rest.remove_prefix(1);
        out.prefix = std::string(next_word(rest));
    }
    std::string_view command = next_word(rest);
    if (!valid_command(command)) {
        out.command = std::string(command);
        return ParseResult::no_command;
    }
    out.command = ascii_upper(command);

    while (true) {
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty()) break;
        // The 15th parameter takes the rest of the line, colon or not (RFC 2812 2.3.1).
        if (rest.front() == ':' || out.params.size() == max_params - 1) {
            if (rest.front() == ':') rest.remove_prefix(1);
            out.params.emplace_back(rest);
            out.has_trailing = true;
            break;
        }
        out.params.emplace_back(next_word(rest));
    }
    return ParseResult::ok;
}

}  // namespace hiconn::chat
