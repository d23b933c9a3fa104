// What the chat events of federation share between the side that publishes them and the
// side that applies them: the user record, the channel mode letters, the size limits.
#pragma once

#include "federation/envelope.hpp"
#include "workloads/chat/channel.hpp"
#include "workloads/chat/client.hpp"

#include <cstddef>
#include <string>

namespace hiconn::chat::event_body {

using federation::Json;

constexpr std::size_t max_nick = 64;       // any node's chat.max_nick_length fits
constexpr std::size_t max_channel = 200;   // any node's chat.max_channel_length fits
constexpr std::size_t max_away = 300;

/// A user as "user" and "state" events carry it.
inline Json user(const Client& c) {
    const ClientState& s = c.state;
    return Json{{"u", s.id},         {"nick", s.nick},       {"user", s.user},
                {"host", c.host()},  {"real", s.realname},   {"nts", s.nick_ms},
                {"inv", s.invisible}, {"away", s.away}};
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

}  // namespace hiconn::chat::event_body
