#include "workloads/chat/channel.hpp"

namespace hiconn::chat {

std::string Channel::mode_string(bool show_key) const {
    std::string modes = "+";
    std::string params;
    if (invite_only) modes += 'i';
    if (!key.empty()) {
        modes += 'k';
        params += ' ';
        params += show_key ? key : std::string("*");
    }
    if (limit != 0) {
        modes += 'l';
        params += ' ';
        params += std::to_string(limit);
    }
    if (moderated) modes += 'm';
    if (no_external) modes += 'n';
    if (secret) modes += 's';
    if (topic_ops_only) modes += 't';
    return modes + params;
}

const char* Channel::prefix_of(const MemberFlags& flags) noexcept {
    return flags.op ? "@" : flags.voice ? "+" : "";
}

}  // namespace hiconn::chat
