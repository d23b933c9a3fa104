// The command handlers, one file per family. Each runs with ChatServer's lock held, after
// the command table checked registration and the minimum parameter count.
#pragma once

#include "workloads/chat/caps.hpp"
#include "workloads/chat/context.hpp"
#include "workloads/chat/message.hpp"

namespace hiconn::chat {

// commands_cap.cpp
void handle_cap(Context&, const Message&);

// commands_sasl.cpp
void handle_authenticate(Context&, const Message&);
/// After ctx.sasl was verified outside the lock: 900/903, or 904 (closing after too many).
void complete_sasl(Context&, const std::string& account, bool ok);
/// IRCv3 account-notify: ":nick!user@host ACCOUNT <account|*>" to the channel peers of
/// `who` that have account-notify.
void notify_account(ServerState&, Client& who, Outbox&);

// commands_oper.cpp
void handle_oper(Context&, const Message&);
void handle_kill(Context&, const Message&);
void handle_wallops(Context&, const Message&);
/// After ctx.oper was verified outside the lock: 381 and +o, or 464.
void complete_oper(Context&, const std::string& name, bool ok);
/// Whether `client` is an operator (user mode +o).
inline bool is_oper(const Client& client) { return (client.state.caps & mode_oper) != 0; }
/// ":from WALLOPS :text" to every local user with +w or +o (`from` a prefix or a server name).
void deliver_wallops(ServerState&, std::string_view from, std::string_view text, Outbox&);
/// Operators of the whole network as this node knows them (252).
std::size_t operators_online(const ServerState&);

// commands_registration.cpp
/// Completes registration once NICK and USER are in and CAP negotiation (if any) ended.
void try_register(Context&);
void handle_pass(Context&, const Message&);
void handle_nick(Context&, const Message&);
void handle_user(Context&, const Message&);
/// Takes `nick` (free, valid, claimed when federated): registration or a NICK change.
/// `nick_ms`: when it was claimed (0 = now).
void complete_nick(Context&, const std::string& nick, std::int64_t nick_ms = 0);

// commands_channel.cpp
void handle_join(Context&, const Message&);
void handle_part(Context&, const Message&);
void handle_topic(Context&, const Message&);
void handle_names(Context&, const Message&);
void handle_list(Context&, const Message&);
void handle_kick(Context&, const Message&);
void handle_invite(Context&, const Message&);
void handle_knock(Context&, const Message&);

// commands_messaging.cpp
void handle_privmsg(Context&, const Message&);
void handle_notice(Context&, const Message&);
void handle_tagmsg(Context&, const Message&);

// commands_who.cpp
void handle_who(Context&, const Message&);
void handle_whowas(Context&, const Message&);
void handle_userhost(Context&, const Message&);

// commands_info.cpp
void handle_time(Context&, const Message&);
void handle_version(Context&, const Message&);
void handle_info(Context&, const Message&);
void handle_admin(Context&, const Message&);
void handle_links(Context&, const Message&);

// commands_query.cpp
void handle_whois(Context&, const Message&);
void handle_ison(Context&, const Message&);
void handle_away(Context&, const Message&);
void handle_setname(Context&, const Message&);
void handle_lusers(Context&, const Message&);
void handle_motd(Context&, const Message&);
void handle_monitor(Context&, const Message&);

// commands_mode.cpp
void handle_mode(Context&, const Message&);

// commands_kline.cpp (IRC operators only: 481 otherwise)
void handle_kline(Context&, const Message&);
void handle_unkline(Context&, const Message&);

// commands_misc.cpp
void handle_ping(Context&, const Message&);
void handle_pong(Context&, const Message&);
void handle_quit(Context&, const Message&);
void handle_help(Context&, const Message&);

// Shared replies.
/// 353 lines (split to fit 512 bytes) and 366 for one channel.
void send_names(Context&, Channel&);
/// 005 lines (at most 13 tokens each).
void send_isupport(Context&);
/// 251, 252 (when there are operators), 254, 255, 265, 266.
void send_lusers(Context&);
/// 375/372/376 or 422.
void send_motd(Context&);
/// `when` (unix time) through strftime's `format`, in local time or UTC.
std::string format_time(std::int64_t when, const char* format, bool local);
/// Splits "a,b,c" (empty items dropped).
std::vector<std::string_view> split_list(std::string_view text);

}  // namespace hiconn::chat
