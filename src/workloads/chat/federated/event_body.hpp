// What the chat events of federation share between the side that publishes them and the
// side that applies them: the user record, the channel mode letters, the size limits.
#pragma once

#include "federation/envelope.hpp"
#include "workloads/chat/channel.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/client.hpp"

#include "workloads/chat/casemap.hpp"

#include <algorithm>
#include <cstddef>
#include <ctime>
#include <string>

namespace hiconn::chat::event_body {

using federation::Json;

constexpr std::size_t max_nick = 64;       // any node's chat.max_nick_length fits
constexpr std::size_t max_channel = 200;   // any node's chat.max_channel_length fits
constexpr std::size_t max_away = 300;

constexpr std::size_t max_account = 32;  // auth::valid_account_name

/// A user as "user" and "state" events carry it. "acct" (the SASL account) only when
/// logged in: older nodes never read it, and its absence means no account.
inline Json user(const Client& c) {
    const ClientState& s = c.state;
    Json body{{"u", s.id},         {"nick", s.nick},       {"user", s.user},
              {"host", c.host()},  {"real", s.realname},   {"nts", s.nick_ms},
              {"inv", s.invisible}, {"away", s.away}, {"bot", (s.caps & mode_bot) != 0}};
    if (!s.account.empty()) body["acct"] = s.account;
    if ((s.caps & mode_oper) != 0) body["op"] = true;  // WHOIS 313, WHO '*', LUSERS 252; absent = not
    return body;
}

/// The flag modes of a channel as letters ("ntmis"), and back.
inline std::string modes_of(const Channel& c) {
    std::string m;
    if (c.no_external) m += 'n';
    if (c.topic_ops_only) m += 't';
    if (c.moderated) m += 'm';
    if (c.invite_only) m += 'i';
    if (c.secret) m += 's';
    return m;
}

inline void set_modes(Channel& c, const std::string& m) {
    c.no_external = m.find('n') != std::string::npos;
    c.topic_ops_only = m.find('t') != std::string::npos;
    c.moderated = m.find('m') != std::string::npos;
    c.invite_only = m.find('i') != std::string::npos;
    c.secret = m.find('s') != std::string::npos;
}

/// Longest +b/+e/+I mask an event may carry (a full nick!user@host of any node fits).
constexpr std::size_t max_mask = 256;

/// The +b, +e or +I list of a channel by its letter.
inline MaskList& list_of(Channel& c, char letter) {
    return letter == 'b' ? c.bans : letter == 'e' ? c.excepts : c.invex;
}

/// A list change of another node's MODE, applied as this node's MODE would (no duplicate,
/// at most Channel::max_list_entries).
inline void apply_list_change(Channel& c, char letter, bool adding, const std::string& mask,
                              const std::string& setter) {
    MaskList& list = list_of(c, letter);
    auto it = std::find_if(list.begin(), list.end(), [&](const ListEntry& e) { return irc_equal(e.mask, mask); });
    if (!adding) {
        if (it != list.end()) list.erase(it);
    } else if (it == list.end() && c.list_entries() < Channel::max_list_entries) {
        list.push_back({mask, setter, static_cast<std::int64_t>(std::time(nullptr))});
    }
}

/// The three lists as a "state" event carries them: {"b": [[mask, setter, when], ...], ...}.
inline Json lists_of(const Channel& c) {
    Json lists = Json::object();
    for (char letter : {'b', 'e', 'I'}) {
        Json entries = Json::array();
        const MaskList& list = letter == 'b' ? c.bans : letter == 'e' ? c.excepts : c.invex;
        for (const ListEntry& e : list)
            entries.push_back(Json::array({e.mask, e.setter, e.when}));
        lists[std::string(1, letter)] = std::move(entries);
    }
    return lists;
}

/// Replaces the lists from lists_of()'s form; entries that do not fit are skipped.
inline void set_lists(Channel& c, const Json& lists) {
    if (!lists.is_object()) return;
    auto fits = [](const Json& v, std::size_t max) {
        if (!v.is_string()) return false;
        const std::string& t = v.get_ref<const std::string&>();
        return !t.empty() && t.size() <= max && t.find_first_of(std::string(" \r\n\0", 4)) == std::string::npos;
    };
    for (char letter : {'b', 'e', 'I'}) {
        MaskList& list = list_of(c, letter);
        list.clear();
        auto it = lists.find(std::string(1, letter));
        if (it == lists.end() || !it->is_array()) continue;
        for (const Json& e : *it) {
            if (!e.is_array() || e.size() != 3 || !fits(e[0], max_mask) || !fits(e[1], max_nick) ||
                !e[2].is_number_integer() || c.list_entries() >= Channel::max_list_entries)
                continue;
            list.push_back({e[0].get<std::string>(), e[1].get<std::string>(), e[2].get<std::int64_t>()});
        }
    }
}

}  // namespace hiconn::chat::event_body
