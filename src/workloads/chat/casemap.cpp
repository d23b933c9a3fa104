#include "workloads/chat/casemap.hpp"

namespace hiconn::chat {

std::string irc_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = irc_lower(c);
    return out;
}

bool irc_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (irc_lower(a[i]) != irc_lower(b[i])) return false;
    return true;
}

std::string ascii_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

namespace {
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// RFC 2812: special = %x5B-60 / %x7B-7D  ; "[", "]", "\", "`", "_", "^", "{", "|", "}"
bool is_special(char c) { return (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7D); }
}  // namespace

bool valid_nick(std::string_view nick, std::size_t max_length) noexcept {
    if (nick.empty() || nick.size() > max_length) return false;
    if (!is_letter(nick[0]) && !is_special(nick[0])) return false;
    for (char c : nick.substr(1))
        if (!is_letter(c) && !is_digit(c) && !is_special(c) && c != '-') return false;
    return true;
}

bool valid_channel_name(std::string_view name, std::size_t max_length) noexcept {
    if (name.size() < 2 || name.size() > max_length || name[0] != '#') return false;
    for (char c : name.substr(1))
        if (c == '\0' || c == '\a' || c == '\r' || c == '\n' || c == ' ' || c == ',' || c == ':')
            return false;
    return true;
}

}  // namespace hiconn::chat
