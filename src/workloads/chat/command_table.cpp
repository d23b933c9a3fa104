#include "workloads/chat/command_table.hpp"

#include "websocket/utf8_validator.hpp"
#include "workloads/chat/commands.hpp"

#include <array>

namespace hiconn::chat {

namespace {

// Arity from RFC 2812 section 3; handlers that must answer a missing parameter with a
// more specific numeric (NICK: 431, PRIVMSG: 411/412) take 0 here and check themselves.
constexpr std::array<CommandSpec, 44> commands{{
    // registration
    {"CAP", 1, false, handle_cap},
    {"PASS", 1, false, handle_pass},
    {"NICK", 0, false, handle_nick},
    {"USER", 4, false, handle_user},
    {"AUTHENTICATE", 1, false, handle_authenticate},
    // ping / misc
    {"PING", 1, false, handle_ping},
    {"PONG", 0, false, handle_pong},
    {"QUIT", 0, false, handle_quit},
    // channels
    {"JOIN", 1, true, handle_join},
    {"PART", 1, true, handle_part},
    {"TOPIC", 1, true, handle_topic},
    {"NAMES", 0, true, handle_names},
    {"LIST", 0, true, handle_list},
    {"KICK", 2, true, handle_kick},
    {"INVITE", 2, true, handle_invite},
    {"KNOCK", 1, true, handle_knock},
    // messaging
    {"PRIVMSG", 0, true, handle_privmsg},
    {"NOTICE", 0, true, handle_notice},
    {"TAGMSG", 1, true, handle_tagmsg},
    // queries
    {"WHO", 0, true, handle_who},
    {"WHOIS", 1, true, handle_whois},
    {"ISON", 1, true, handle_ison},
    {"AWAY", 0, true, handle_away},
    {"SETNAME", 1, true, handle_setname},
    {"LUSERS", 0, true, handle_lusers},
    {"MOTD", 0, true, handle_motd},
    {"MONITOR", 1, true, handle_monitor},
    {"WHOWAS", 0, true, handle_whowas},
    {"USERHOST", 1, true, handle_userhost},
    // server information
    {"TIME", 0, true, handle_time},
    {"VERSION", 0, true, handle_version},
    {"INFO", 0, true, handle_info},
    {"ADMIN", 0, true, handle_admin},
    {"LINKS", 0, true, handle_links},
    {"HELP", 0, true, handle_help},
    {"HELPOP", 0, true, handle_help},
    // modes
    {"MODE", 1, true, handle_mode},
    // server bans (IRC operators)
    {"KLINE", 1, true, handle_kline},
    {"UNKLINE", 1, true, handle_unkline},
    // operators
    {"OPER", 2, true, handle_oper},
    {"KILL", 1, true, handle_kill},
    {"WALLOPS", 1, true, handle_wallops},
}};

/// Every parameter and client tag is UTF-8 (chat.utf8_only, IRCv3 UTF8ONLY).
bool utf8_clean(const Message& m) {
    auto valid = [](const std::string& text) { return websocket::utf8_valid(text.data(), text.size()); };
    for (const std::string& param : m.params)
        if (!valid(param)) return false;
    return valid(m.tags);
}

}  // namespace

const CommandSpec* find_command(std::string_view name) {
    for (const CommandSpec& spec : commands)
        if (spec.name == name) return &spec;
    return nullptr;
}

void dispatch_command(Context& ctx, const Message& message) {
    const CommandSpec* spec = find_command(message.command);
    const bool registered = ctx.me().registered;
    if (spec == nullptr) {
        if (!registered)
            ctx.reply(ctx.numeric(Numeric::ERR_NOTREGISTERED).trailing("You have not registered"));
        else
            ctx.reply(ctx.numeric(Numeric::ERR_UNKNOWNCOMMAND).arg(message.command)
                          .trailing("Unknown command"));
        return;
    }
    if (spec->needs_registration && !registered) {
        ctx.reply(ctx.numeric(Numeric::ERR_NOTREGISTERED).trailing("You have not registered"));
        return;
    }
    if (message.params.size() < spec->min_params) {
        ctx.reply(ctx.numeric(Numeric::ERR_NEEDMOREPARAMS).arg(spec->name)
                      .trailing("Not enough parameters"));
        return;
    }
    // UTF8ONLY: nothing that is not UTF-8 is relayed. A password (PASS, AUTHENTICATE) is
    // never relayed and is taken as it is; a QUIT still quits, without its reason.
    if (ctx.settings().utf8_only && spec->name != "PASS" && spec->name != "AUTHENTICATE" && !utf8_clean(message)) {
        if (spec->name == "QUIT") {
            spec->handler(ctx, Message{message.prefix, message.command, {}, false, {}, message.label});
            return;
        }
        ctx.reply(ctx.from_server("FAIL").arg(spec->name).arg("INVALID_UTF8")
                      .trailing("Message rejected, your IRC software MUST use UTF-8 encoding on this network"));
        return;
    }
    spec->handler(ctx, message);
}

}  // namespace hiconn::chat

