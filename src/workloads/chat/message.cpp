#include "workloads/chat/message.hpp"

#include "workloads/chat/casemap.hpp"
#include "workloads/chat/numerics.hpp"

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
