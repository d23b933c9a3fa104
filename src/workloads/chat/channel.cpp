#include "workloads/chat/channel.hpp"

#include "workloads/chat/mask.hpp"

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

bool Channel::listed(const MaskList& list, std::string_view prefix) {
    for (const ListEntry& entry : list)
        if (mask_match(entry.mask, prefix)) return true;
    return false;
}

bool Channel::banned(std::string_view prefix) const {
    return listed(bans, prefix) && !listed(excepts, prefix);
}

const char* Channel::prefix_of(const MemberFlags& flags, bool all) noexcept {
    if (all && flags.op && flags.voice) return "@+";
    return flags.op ? "@" : flags.voice ? "+" : "";
}

}  // namespace hiconn::chat
