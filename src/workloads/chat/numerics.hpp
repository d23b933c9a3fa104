// Every numeric reply the chat workload sends, with the document that defines it.
// RFC 1459 / RFC 2812 unless noted; 005 from the ISUPPORT draft, 417 from the modern IRC
// client protocol (ircdocs "Modern IRC"), 410 from the IRCv3 capability negotiation spec.
#pragma once

#include <cstddef>

namespace hiconn::chat {

enum class Numeric : int {
    // Registration (RFC 2812 5.1)
    RPL_WELCOME = 1,           ///< ":Welcome to the <network> Internet Relay Chat Network <nick>!<user>@<host>"
    RPL_YOURHOST = 2,          ///< ":Your host is <server>, running version <ver>"
    RPL_CREATED = 3,           ///< ":This server was created <date>"
    RPL_MYINFO = 4,            ///< "<server> <version> <user modes> <channel modes>"
    RPL_ISUPPORT = 5,          ///< "<token>... :are supported by this server" (draft-brocklesby-irc-isupport)

    // Command replies (RFC 2812 5.1)
    RPL_UMODEIS = 221,         ///< "<user mode string>"
    RPL_WHOISCERTFP = 276,     ///< "<nick> :has client certificate fingerprint <hex>" (to the user)
    RPL_LUSERCLIENT = 251,     ///< ":There are <n> users and <i> invisible on <s> servers"
    RPL_LUSEROP = 252,         ///< "<n> :operator(s) online" (only when there are any)
    RPL_LUSERCHANNELS = 254,   ///< "<n> :channels formed"
    RPL_LUSERME = 255,         ///< ":I have <n> clients and <s> servers"
    RPL_ADMINME = 256,         ///< "<server> :Administrative info"
    RPL_ADMINLOC1 = 257,       ///< ":<admin info>"
    RPL_ADMINLOC2 = 258,       ///< ":<admin info>"
    RPL_ADMINEMAIL = 259,      ///< ":<admin info>"
    RPL_LOCALUSERS = 265,      ///< "<u> <m> :Current local users <u>, max <m>" (Modern IRC)
    RPL_GLOBALUSERS = 266,     ///< "<u> <m> :Current global users <u>, max <m>" (Modern IRC)
    RPL_AWAY = 301,            ///< "<nick> :<away message>"
    RPL_USERHOST = 302,        ///< ":*1<reply> *( " " <reply> )", reply = nick ["*"] "=" ("+"/"-") user@host
    RPL_ISON = 303,            ///< ":*1<nick> *( " " <nick> )"
    RPL_UNAWAY = 305,          ///< ":You are no longer marked as being away"
    RPL_NOWAWAY = 306,         ///< ":You have been marked as being away"
    RPL_WHOISUSER = 311,       ///< "<nick> <user> <host> * :<real name>"
    RPL_WHOISSERVER = 312,     ///< "<nick> <server> :<server info>"
    RPL_WHOWASUSER = 314,      ///< "<nick> <user> <host> * :<real name>"
    RPL_ENDOFWHO = 315,        ///< "<name> :End of WHO list"
    RPL_WHOISSECURE = 671,     ///< "<nick> :is using a secure connection" (TLS)
    RPL_WHOISBOT = 335,        ///< "<nick> :is a bot" (IRCv3 bot mode)
    RPL_ENDOFWHOIS = 318,      ///< "<nick> :End of WHOIS list"
    RPL_WHOISCHANNELS = 319,   ///< "<nick> :*( ( "@" / "+" ) <channel> " " )"
    RPL_LISTSTART = 321,       ///< "Channel :Users  Name" (RFC 1459; dropped by RFC 2812, still sent by most servers)
    RPL_LIST = 322,            ///< "<channel> <# visible> :<topic>"
    RPL_LISTEND = 323,         ///< ":End of LIST"
    RPL_CHANNELMODEIS = 324,   ///< "<channel> <mode> <mode params>"
    RPL_CREATIONTIME = 329,    ///< "<channel> <creation time>" (not in the RFCs; every server sends it)
    RPL_NOTOPIC = 331,         ///< "<channel> :No topic is set"
    RPL_TOPIC = 332,           ///< "<channel> :<topic>"
    RPL_TOPICWHOTIME = 333,    ///< "<channel> <nick> <set at>" (not in the RFCs; ircu/most servers)
    RPL_INVITING = 341,        ///< "<nick> <channel>" (Modern IRC order; RFC 1459 had "<channel> <nick>")
    RPL_INVITELIST = 346,      ///< "<channel> <mask> [<who> <set-ts>]" (+I entries; RFC 2812)
    RPL_ENDOFINVITELIST = 347, ///< "<channel> :End of channel invite list"
    RPL_EXCEPTLIST = 348,      ///< "<channel> <mask> [<who> <set-ts>]" (+e entries; RFC 2812)
    RPL_ENDOFEXCEPTLIST = 349, ///< "<channel> :End of channel exception list"
    RPL_VERSION = 351,         ///< "<version> <server> :<comments>"
    RPL_WHOREPLY = 352,        ///< "<channel> <user> <host> <server> <nick> ( "H" / "G" ) ["@" / "+"] :<hopcount> <real name>"
    RPL_NAMREPLY = 353,        ///< "( "=" / "*" / "@" ) <channel> :[ "@" / "+" ] <nick> *( " " [ "@" / "+" ] <nick> )"
    RPL_WHOSPCRPL = 354,       ///< "[token] [channel] [user] [ip] [host] [server] [nick] [flags] [hop] [idle] [account] [oplevel] [:realname]" (IRCv3 WHOX)
    RPL_LINKS = 364,           ///< "<mask> <server> :<hopcount> <server info>"
    RPL_ENDOFLINKS = 365,      ///< "<mask> :End of LINKS list"
    RPL_ENDOFNAMES = 366,      ///< "<channel> :End of NAMES list"
    RPL_BANLIST = 367,         ///< "<channel> <mask> [<who> <set-ts>]"
    RPL_ENDOFBANLIST = 368,    ///< "<channel> :End of channel ban list"
    RPL_ENDOFWHOWAS = 369,     ///< "<nick> :End of WHOWAS"
    RPL_INFO = 371,            ///< ":<string>"
    RPL_MOTD = 372,            ///< ":- <text>"
    RPL_ENDOFINFO = 374,       ///< ":End of INFO list"
    RPL_MOTDSTART = 375,       ///< ":- <server> Message of the day - "
    RPL_ENDOFMOTD = 376,       ///< ":End of MOTD command"
    RPL_TIME = 391,            ///< "<server> :<local time>"

    // Errors (RFC 2812 5.2)
    ERR_NOSUCHNICK = 401,        ///< "<nickname> :No such nick/channel"
    ERR_NOSUCHSERVER = 402,      ///< "<server name> :No such server"
    ERR_NOSUCHCHANNEL = 403,     ///< "<channel name> :No such channel"
    ERR_CANNOTSENDTOCHAN = 404,  ///< "<channel name> :Cannot send to channel"
    ERR_TOOMANYCHANNELS = 405,   ///< "<channel name> :You have joined too many channels"
    ERR_WASNOSUCHNICK = 406,     ///< "<nickname> :There was no such nickname"
    ERR_INVALIDCAPCMD = 410,     ///< "<command> :Invalid CAP command" (IRCv3 capability negotiation)
    ERR_NORECIPIENT = 411,       ///< ":No recipient given (<command>)"
    ERR_NOTEXTTOSEND = 412,      ///< ":No text to send"
    ERR_INPUTTOOLONG = 417,      ///< ":Input line was too long" (Modern IRC)
    ERR_UNKNOWNCOMMAND = 421,    ///< "<command> :Unknown command"
    ERR_NOMOTD = 422,            ///< ":MOTD File is missing"
    ERR_NONICKNAMEGIVEN = 431,   ///< ":No nickname given"
    ERR_ERRONEUSNICKNAME = 432,  ///< "<nick> :Erroneous nickname"
    ERR_NICKNAMEINUSE = 433,     ///< "<nick> :Nickname is already in use"
    ERR_USERNOTINCHANNEL = 441,  ///< "<nick> <channel> :They aren't on that channel"
    ERR_NOTONCHANNEL = 442,      ///< "<channel> :You're not on that channel"
    ERR_USERONCHANNEL = 443,     ///< "<user> <channel> :is already on channel"
    ERR_NOTREGISTERED = 451,     ///< ":You have not registered"
    ERR_NEEDMOREPARAMS = 461,    ///< "<command> :Not enough parameters"
    ERR_ALREADYREGISTRED = 462,  ///< ":Unauthorized command (already registered)"
    ERR_PASSWDMISMATCH = 464,    ///< ":Password incorrect"
    ERR_YOUREBANNEDCREEP = 465,  ///< ":You are banned from this server" (a K-line)
    ERR_KEYSET = 467,            ///< "<channel> :Channel key already set"
    ERR_CHANNELISFULL = 471,     ///< "<channel> :Cannot join channel (+l)"
    ERR_UNKNOWNMODE = 472,       ///< "<char> :is unknown mode char to me for <channel>"
    ERR_INVITEONLYCHAN = 473,    ///< "<channel> :Cannot join channel (+i)"
    ERR_BANNEDFROMCHAN = 474,    ///< "<channel> :Cannot join channel (+b)"
    ERR_BADCHANNELKEY = 475,     ///< "<channel> :Cannot join channel (+k)"
    ERR_BANLISTFULL = 478,       ///< "<channel> <char> :Channel list is full"
    ERR_CHANOPRIVSNEEDED = 482,  ///< "<channel> :You're not channel operator"
    ERR_UMODEUNKNOWNFLAG = 501,  ///< ":Unknown MODE flag"
    ERR_USERSDONTMATCH = 502,    ///< ":Cannot change mode for other users"
    ERR_HELPNOTFOUND = 524,      ///< "<subject> :No help available on this topic" (Modern IRC)
    ERR_INVALIDMODEPARAM = 696,  ///< "<target> <mode char> <parameter> :<description>" (Modern IRC)
    RPL_HELPSTART = 704,         ///< "<subject> :<first line of help section>" (Modern IRC)
    RPL_HELPTXT = 705,           ///< "<subject> :<line of help text>"
    RPL_ENDOFHELP = 706,         ///< "<subject> :<last line of help text>"
    RPL_KNOCK = 710,             ///< "<channel> <nick>!<user>@<host> :<text>" (to the channel's operators)
    RPL_KNOCKDLVR = 711,         ///< "<channel> :Your KNOCK has been delivered"
    ERR_TOOMANYKNOCK = 712,      ///< "<channel> :Too many KNOCKs (channel)"
    ERR_CHANOPEN = 713,          ///< "<channel> :Channel is open"
    ERR_KNOCKONCHAN = 714,       ///< "<channel> :You are already on that channel"
    RPL_MONONLINE = 730,         ///< ":<target>[,<target2>]*" (IRCv3 MONITOR)
    RPL_MONOFFLINE = 731,        ///< ":<target>[,<target2>]*"
    RPL_MONLIST = 732,           ///< ":<target>[,<target2>]*"
    RPL_ENDOFMONLIST = 733,      ///< ":End of MONITOR list"
    ERR_MONLISTFULL = 734,       ///< "<limit> <targets> :Monitor list is full."

    // Accounts and SASL (ircv3.net sasl-3.2; 330 from ircu / Modern IRC)
    RPL_WHOISACCOUNT = 330,      ///< "<nick> <account> :is logged in as"
    RPL_LOGGEDIN = 900,          ///< "<nick>!<user>@<host> <account> :You are now logged in as <account>"
    RPL_SASLSUCCESS = 903,       ///< ":SASL authentication successful"
    ERR_SASLFAIL = 904,          ///< ":SASL authentication failed"
    ERR_SASLTOOLONG = 905,       ///< ":SASL message too long"
    ERR_SASLABORTED = 906,       ///< ":SASL authentication aborted"
    ERR_SASLALREADY = 907,       ///< ":You have already authenticated using SASL"
    RPL_SASLMECHS = 908,         ///< "<mechanisms> :are available SASL mechanisms"

    // IRC operators (RFC 2812 5.1/5.2)
    RPL_WHOISOPERATOR = 313,     ///< "<nick> :is an IRC operator"
    RPL_YOUREOPER = 381,         ///< ":You are now an IRC operator"
    ERR_NOPRIVILEGES = 481,      ///< ":Permission Denied- You're not an IRC operator"
    ERR_NOOPERHOST = 491,        ///< ":No O-lines for your host"
};

/// RFC 2812 / 1459 size limits.
constexpr std::size_t max_line_bytes = 512;     ///< RFC 2812 2.3: a message, CRLF included
constexpr std::size_t max_params = 15;          ///< RFC 2812 2.3: at most 15 parameters

}  // namespace hiconn::chat
