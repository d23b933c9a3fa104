// PING, PONG, QUIT (RFC 2812 3.7.2, 3.7.3, 3.1.7), HELP/HELPOP (Modern IRC 704-706, 524) and
// shared helpers.
#include "workloads/chat/commands.hpp"

#include <array>

namespace hiconn::chat {

std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        if (!item.empty()) items.push_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

void handle_ping(Context& ctx, const Message& m) {
    const std::string& server = ctx.settings().server_name;
    ctx.reply(ctx.from_server("PONG").arg(server).trailing(m.params[0]));
}

void handle_pong(Context&, const Message&) {
    // Any line already counted as the answer to an idle PING (ChatServer::on_line).
}

void handle_quit(Context& ctx, const Message& m) {
    std::string text = m.params.empty() || m.params[0].empty() ? std::string("Client Quit")
                                                               : "Quit: " + m.params[0];
    ctx.request_close(text, text);
}

namespace {

struct HelpEntry {
    std::string_view subject;  ///< lower case
    std::string_view syntax;
    std::string_view text;
};

// One entry per command: its syntax and one line. "*" (HELP alone): the index.
constexpr std::array<HelpEntry, 37> help_entries{{
    {"*", "hiconn help", "HELP <command> for one of: ADMIN AWAY CAP HELP INFO INVITE ISON JOIN KICK LINKS LIST LUSERS "
                         "MODE MOTD NAMES NICK NOTICE PART PASS PING PONG PRIVMSG QUIT SETNAME TAGMSG TIME TOPIC "
                         "USER USERHOST VERSION WHO WHOIS WHOWAS"},
    {"admin", "ADMIN [server]", "Who runs this server."},
    {"away", "AWAY [:message]", "Marks you away with a message; without one, back."},
    {"cap", "CAP LS [302] | LIST | REQ :caps | END", "IRCv3 capability negotiation."},
    {"help", "HELP [subject]", "This help; HELPOP is the same."},
    {"helpop", "HELPOP [subject]", "The same as HELP."},
    {"info", "INFO [server]", "About this server."},
    {"invite", "INVITE nick #channel", "Invites nick to a channel (operators only on +i)."},
    {"ison", "ISON nick [nick ...]", "Which of the nicks are online."},
    {"join", "JOIN #a,#b [key,key] | JOIN 0", "Joins channels (creating them); JOIN 0 parts all."},
    {"kick", "KICK #channel nick[,nick] [:reason]", "Removes members (operators only)."},
    {"kline", "KLINE [duration] mask :reason", "Bans a mask or address from the server (IRC operators only)."},
    {"links", "LINKS", "The servers of the network."},
    {"list", "LIST [#chan|mask|!mask|>n|<n,...]", "Lists channels with member counts and topics."},
    {"lusers", "LUSERS", "User and server counts."},
    {"mode", "MODE #channel|nick [+-modes [params]]", "Shows or changes channel or user modes."},
    {"motd", "MOTD", "The message of the day."},
    {"names", "NAMES [#channel,...]", "The members of channels."},
    {"nick", "NICK nick", "Sets or changes your nick."},
    {"notice", "NOTICE target[,target] :text", "Like PRIVMSG, but never answered automatically."},
    {"part", "PART #a,#b [:reason]", "Leaves channels."},
    {"pass", "PASS password", "The connection password, before NICK/USER."},
    {"ping", "PING token", "The server answers PONG token."},
    {"pong", "PONG token", "Answers the server's PING."},
    {"privmsg", "PRIVMSG target[,target] :text", "Sends text to nicks or channels (@#chan: its operators, +#chan: voiced and operators)."},
    {"quit", "QUIT [:message]", "Disconnects."},
    {"setname", "SETNAME :real name", "Changes your real name."},
    {"tagmsg", "TAGMSG target[,target]", "A message of IRCv3 tags only."},
    {"time", "TIME [server]", "The server's local time."},
    {"topic", "TOPIC #channel [:topic]", "Shows or sets a channel's topic."},
    {"unkline", "UNKLINE mask", "Lifts a server ban (IRC operators only)."},
    {"user", "USER user 0 * :real name", "Your user name and real name, at registration."},
    {"userhost", "USERHOST nick [nick ...]", "user@host of up to 5 nicks."},
    {"version", "VERSION [server]", "The server's version and 005 tokens."},
    {"who", "WHO mask [%fields[,token]]", "Users matching a channel or mask (WHOX with %)."},
    {"whois", "WHOIS nick[,nick]", "About users."},
    {"whowas", "WHOWAS nick [count]", "About nicks no longer in use."},
}};

}  // namespace

void handle_help(Context& ctx, const Message& m) {
    const std::string subject = m.params.empty() || m.params[0].empty() ? std::string("*") : m.params[0];
    std::string key = subject;
    for (char& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const HelpEntry& e : help_entries) {
        if (e.subject != key) continue;
        ctx.reply(ctx.numeric(Numeric::RPL_HELPSTART).arg(subject).trailing(e.syntax));
        ctx.reply(ctx.numeric(Numeric::RPL_HELPTXT).arg(subject).trailing(e.text));
        ctx.reply(ctx.numeric(Numeric::RPL_ENDOFHELP).arg(subject).trailing("End of /HELP"));
        return;
    }
    ctx.reply(ctx.numeric(Numeric::ERR_HELPNOTFOUND).arg(subject).trailing("No help available on this topic"));
}

}  // namespace hiconn::chat
