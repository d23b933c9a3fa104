#include "workloads/chat/whowas.hpp"

#include "workloads/chat/casemap.hpp"

namespace hiconn::chat {

void WhowasHistory::add(Entry entry) {
    std::string key = irc_lower(entry.nick);
    auto& kept = by_nick_[key];
    kept.push_back({++seq_, std::move(entry)});
    if (kept.size() > per_nick) kept.pop_front();  // its order_ item is skipped when it comes up
    order_.emplace_back(std::move(key), seq_);
    // The oldest item of order_ is either already gone (per-nick bound) or the front of its
    // nick's entries.
    while (order_.size() > total) {
        auto& [old_key, seq] = order_.front();
        auto it = by_nick_.find(old_key);
        if (it != by_nick_.end()) {
            if (!it->second.empty() && it->second.front().seq == seq) it->second.pop_front();
            if (it->second.empty()) by_nick_.erase(it);
        }
        order_.pop_front();
    }
}

std::vector<const WhowasHistory::Entry*> WhowasHistory::find(std::string_view nick, std::size_t count) const {
    std::vector<const Entry*> out;
    auto it = by_nick_.find(irc_lower(nick));
    if (it == by_nick_.end()) return out;
    for (auto kept = it->second.rbegin(); kept != it->second.rend(); ++kept) {
        if (count != 0 && out.size() == count) break;
        out.push_back(&kept->entry);
    }
    return out;
}

}  // namespace hiconn::chat
