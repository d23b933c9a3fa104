#include "workloads/chat/mask.hpp"

#include "workloads/chat/casemap.hpp"

namespace hiconn::chat {

bool mask_match(std::string_view mask, std::string_view text) noexcept {
    // The classic greedy match with one backtrack point: on a mismatch after a '*', the
    // '*' takes one more byte. O(|mask| * |text|) at worst, never exponential.
    std::size_t m = 0, t = 0;
    std::size_t star = std::string_view::npos, star_text = 0;
    while (t < text.size()) {
        if (m < mask.size() && mask[m] == '*') {
            star = m++;
            star_text = t;
        } else if (m < mask.size() && (mask[m] == '?' || irc_lower(mask[m]) == irc_lower(text[t]))) {
            ++m;
            ++t;
        } else if (star != std::string_view::npos) {
            m = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (m < mask.size() && mask[m] == '*') ++m;
    return m == mask.size();
}

std::string full_mask(std::string_view mask) {
    constexpr auto npos = std::string_view::npos;
    std::string_view nick = mask, user = "*", host = "*";
    const std::size_t bang = mask.find('!');
    const std::size_t at = mask.find('@', bang == npos ? 0 : bang + 1);
    if (bang != npos) {
        nick = mask.substr(0, bang);
        user = mask.substr(bang + 1, at == npos ? npos : at - bang - 1);
        if (at != npos) host = mask.substr(at + 1);
    } else if (at != npos) {
        nick = "*";
        user = mask.substr(0, at);
        host = mask.substr(at + 1);
    }
    auto part = [](std::string_view p) { return p.empty() ? std::string_view("*") : p; };
    std::string out;
    out.reserve(mask.size() + 4);
    out.append(part(nick)).append(1, '!').append(part(user)).append(1, '@').append(part(host));
    return out;
}

bool has_wildcard(std::string_view mask) noexcept {
    return mask.find_first_of("*?") != std::string_view::npos;
}

}  // namespace hiconn::chat
