// Server information: 005 ISUPPORT, TIME, VERSION, INFO, ADMIN (RFC 2812 3.4, Modern IRC).
// A <target> naming another server gets 402: queries are answered by this node only.
#include "platform/platform.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/mask.hpp"

#include <algorithm>
#include <ctime>

namespace hiconn::chat {

namespace {

/// RFC 2812 2.3: 15 parameters, less the client's nick and the trailing text.
constexpr std::size_t isupport_tokens_per_line = 13;

/// False (after a 402) when the command names a server other than this one.
bool for_this_server(Context& ctx, const Message& m) {
    if (m.params.empty() || mask_match(m.params[0], ctx.settings().server_name)) return true;
    ctx.reply(ctx.numeric(Numeric::ERR_NOSUCHSERVER).arg(m.params[0]).trailing("No such server"));
    return false;
}

}  // namespace

std::string format_time(std::int64_t when, const char* format, bool local) {
    const std::time_t t = static_cast<std::time_t>(when);
    const std::tm tm = local ? platform::local_time(t) : platform::utc_time(t);
    char text[96];
    const std::size_t n = std::strftime(text, sizeof text, format, &tm);
    return std::string(text, n);
}

void send_isupport(Context& ctx) {
    const Settings& s = ctx.settings();
    std::vector<std::string> tokens = {
        "CASEMAPPING=rfc1459",
        "CHANTYPES=#",
        "CHANMODES=beI,k,l,imnst",
        "PREFIX=(ov)@+",
        "NICKLEN=" + std::to_string(s.max_nick_length),
        "CHANNELLEN=" + std::to_string(s.max_channel_length),
        "CHANLIMIT=#:" + std::to_string(s.max_channels_per_client),
        "NETWORK=" + s.network_name,
        "MODES=4",
        "WHOX",
        "ELIST=MNU",
        "EXCEPTS=e",
        "INVEXCEPTS=I",
        "MAXLIST=beI:" + std::to_string(Channel::max_list_entries),
        "BOT=B",
        "STATUSMSG=@+",
        "KNOCK",
        "MONITOR=" + std::to_string(ServerState::max_monitor),
    };
    if (s.utf8_only) tokens.emplace_back("UTF8ONLY");
    for (std::size_t first = 0; first < tokens.size(); first += isupport_tokens_per_line) {
        IrcLine line = ctx.numeric(Numeric::RPL_ISUPPORT);
        for (std::size_t i = first; i < tokens.size() && i < first + isupport_tokens_per_line; ++i)
            line.arg(tokens[i]);
        ctx.reply(line.trailing("are supported by this server"));
    }
}

void handle_time(Context& ctx, const Message& m) {
    if (!for_this_server(ctx, m)) return;
    ctx.reply(ctx.numeric(Numeric::RPL_TIME).arg(ctx.settings().server_name)
                  .trailing(format_time(ctx.now, "%A %B %d %Y -- %H:%M:%S %z", true)));
}

void handle_version(Context& ctx, const Message& m) {
    if (!for_this_server(ctx, m)) return;
    const Settings& s = ctx.settings();
    ctx.reply(ctx.numeric(Numeric::RPL_VERSION).arg(s.version).arg(s.server_name)
                  .trailing("hiconn IRC server (Boost.Asio)"));
    send_isupport(ctx);
}

void handle_info(Context& ctx, const Message& m) {
    if (!for_this_server(ctx, m)) return;
    const Settings& s = ctx.settings();
    const std::string lines[] = {
        s.version + ": a high-connection TCP server on Boost.Asio, here speaking IRC",
        "Network " + s.network_name + ", server " + s.server_name,
        "Started " + s.created,
    };
    for (const std::string& line : lines) ctx.reply(ctx.numeric(Numeric::RPL_INFO).trailing(line));
    ctx.reply(ctx.numeric(Numeric::RPL_ENDOFINFO).trailing("End of INFO list"));
}

void handle_admin(Context& ctx, const Message& m) {
    if (!for_this_server(ctx, m)) return;
    const Settings& s = ctx.settings();
    ctx.reply(ctx.numeric(Numeric::RPL_ADMINME).arg(s.server_name).trailing("Administrative info"));
    ctx.reply(ctx.numeric(Numeric::RPL_ADMINLOC1).trailing(s.server_name + " of the " + s.network_name + " network"));
    ctx.reply(ctx.numeric(Numeric::RPL_ADMINLOC2).trailing("hiconn chat workload"));
    ctx.reply(ctx.numeric(Numeric::RPL_ADMINEMAIL).trailing("no contact address configured"));
}

// LINKS (RFC 2812 3.4.5; Modern IRC: "<client> * <server> :<hop count> <server info>"): this
// server, then every other node this node knows users of (federation), one hop away.
void handle_links(Context& ctx, const Message&) {
    const Settings& s = ctx.settings();
    ctx.reply(ctx.numeric(Numeric::RPL_LINKS).arg("*").arg(s.server_name).trailing("0 " + s.version + " " + s.network_name));
    std::vector<std::string_view> nodes;
    for (const auto& [node, users] : ctx.state.remote_users) nodes.push_back(node);
    std::sort(nodes.begin(), nodes.end());
    for (std::string_view node : nodes)
        ctx.reply(ctx.numeric(Numeric::RPL_LINKS).arg("*").arg(node).trailing("1 hiconn node of " + s.network_name));
    ctx.reply(ctx.numeric(Numeric::RPL_ENDOFLINKS).arg("*").trailing("End of /LINKS list"));
}

}  // namespace hiconn::chat
