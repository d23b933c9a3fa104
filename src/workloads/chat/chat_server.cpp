#include "workloads/chat/chat_server.hpp"

#include "auth/password_hash.hpp"
#include "core/log.hpp"
#include "workloads/chat/caps.hpp"
#include "workloads/chat/casemap.hpp"
#include "workloads/chat/command_table.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/message.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace hiconn::chat {

namespace {

std::int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string closing_link(const Client& client, std::string_view reason) {
    std::string line = "ERROR :Closing Link: ";
    line += client.host();
    line += " (";
    line += reason;
    line += ")\r\n";
    return line;
}

// What channel peers see when a connection ends without a QUIT command.
const char* quit_message_for(core::CloseReason reason) {
    switch (reason) {
    case core::CloseReason::peer_closed: return "Connection closed";
    case core::CloseReason::io_error: return "Read error";
    case core::CloseReason::tls_error: return "TLS error";
    case core::CloseReason::first_data_timeout: return "Registration timeout";
    case core::CloseReason::idle_timeout: return "Ping timeout";
    case core::CloseReason::send_stall:
    case core::CloseReason::send_queue_full: return "Max SendQ exceeded";
    case core::CloseReason::server_stop: return "Server shutting down";
    default: return "Connection closed";
    }
}

}  // namespace

ChatServer::ChatServer(const config::Config& config)
    : max_line_bytes_(config.chat.max_line_bytes),
      flood_rate_(config.chat.flood.messages_per_second),
      flood_burst_(config.chat.flood.burst),
      flood_max_queued_(config.chat.flood.max_queued),
      ping_timeout_s_(config.chat.ping_timeout_s),
      registration_timeout_s_(config.chat.registration_timeout_s),
      clock_(steady_ms) {
    state_.settings = Settings::from(config.chat, config.source_file);
}

Client& ChatServer::open(std::unique_ptr<ClientLink> link) {
    auto client = std::make_shared<Client>(std::move(link), max_line_bytes_.load());
    Client& ref = *client;
    ref.self = std::move(client);
    if (const std::uint32_t timeout = registration_timeout_s_.load(); timeout != 0) {
        ref.registration_deadline_ms = now_ms() + std::int64_t(timeout) * 1000;
        ref.link().set_timer(timeout);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ++state_.connected;
    ref.state.connected_at = static_cast<std::int64_t>(std::time(nullptr));
    return ref;
}

std::size_t ChatServer::client_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_.connected;
}

FloodControl::Limits ChatServer::flood_limits() const {
    return {flood_rate_.load(std::memory_order_relaxed), flood_burst_.load(std::memory_order_relaxed),
            flood_max_queued_.load(std::memory_order_relaxed)};
}

void ChatServer::on_data(Client& client, std::string_view bytes) {
    if (client.closing) return;
    auto status = client.framer.feed(bytes, [&](LineFramer::Event event, std::string_view line) {
        return on_line(client, event, line);
    });
    if (status == LineFramer::Status::overflow && !client.closing)
        quit(client, "Input line was too long", core::CloseReason::workload);
}

bool ChatServer::on_line(Client& client, LineFramer::Event event, std::string_view line) {
    client.awaiting_pong = false;  // any line shows the client is alive
    if (event == LineFramer::Event::too_long) {
        // Answered at once, not through flood control: the line is gone already.
        Outbox out(client);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            out.to_self(IrcLine(state_.settings.server_name, Numeric::ERR_INPUTTOOLONG,
                                client.nick_or_star())
                            .trailing("Input line was too long")
                            .finish());
        }
        out.dispatch();
        return !client.closing;
    }
    const FloodControl::Limits limits = flood_limits();
    if (client.flood.has_delayed() || !client.flood.try_take(now_ms(), limits)) {
        if (!client.flood.delay(line, limits)) {
            quit(client, "Excess Flood", core::CloseReason::workload);
            return false;
        }
        arm_timer(client);
        return true;
    }
    run_line(client, line);
    return !client.closing;
}

void ChatServer::run_line(Client& client, std::string_view line) {
    Message message;
    ParseResult parsed = parse_message(line, message);
    if (parsed == ParseResult::empty || parsed == ParseResult::nul_byte) return;

    const bool waiting_registration = client.registration_deadline_ms != 0;
    Outbox out(client);
    Context ctx{state_, client, out, counters_, static_cast<std::int64_t>(std::time(nullptr)), {}, {}, false, {}, {}, {}};
    {
        std::lock_guard<std::mutex> lock(mutex_);
        // labeled-response: the caps as they were when the command came (a CAP REQ in it
        // changes them only for what follows).
        if (!message.label.empty() && (client.state.caps & label_caps) == label_caps)
            out.label(LabeledResponse(message.label, state_.settings.server_name));
        if (parsed == ParseResult::too_long) {  // over the message-tags limits
            ctx.reply(ctx.numeric(Numeric::ERR_INPUTTOOLONG).trailing("Input line was too long"));
        } else if (parsed == ParseResult::no_command) {
            if (!message.command.empty())
                ctx.reply(ctx.numeric(Numeric::ERR_UNKNOWNCOMMAND).arg(message.command)
                              .trailing("Unknown command"));
        } else {
            dispatch_command(ctx, message);
        }
        if (ctx.close.requested) state_.detach(client, ctx.close.quit_message, out);
    }
    // A deferred password check answers later: its replies complete the labeled response.
    std::optional<LabeledResponse> label;
    if ((ctx.sasl.requested || ctx.oper.requested) && !ctx.close.requested) label = out.hold_label();
    finish(client, ctx, out);
    if (ctx.bans_changed) save_bans();
    if (!ctx.disconnects.empty()) disconnect(std::move(ctx.disconnects));
    for (auto& kill : ctx.kills) close_killed(std::move(kill.victim), kill.reason);
    if (ctx.sasl.requested && !client.closing) check_sasl(client, ctx.sasl, std::move(label));
    if (ctx.oper.requested && !client.closing) check_oper(client, ctx.oper, std::move(label));
    if (waiting_registration && client.registration_deadline_ms == 0 && !client.closing)
        arm_timer(client);  // registered: the registration deadline no longer holds the timer
}

void ChatServer::close_killed(ClientPtr victim, std::string reason) {
    // Its own thread sets `closing` (in loop) and sends the ERROR; it is detached already.
    Client& ref = *victim;
    ref.link().post([victim = std::move(victim), reason = std::move(reason)] {
        if (victim->closing) return;
        victim->closing = true;
        victim->link().enqueue(core::make_shared_buffer(closing_link(*victim, reason)));
        victim->link().cancel_timer();
        victim->link().close(core::CloseReason::workload);
    });
}

void ChatServer::check_oper(Client& client, const Context::OperCheck& check,
                            std::optional<LabeledResponse> label) {
    const bool ok = auth::verify_password(check.password, check.password_hash);  // outside the lock
    Outbox out(client);
    if (label) out.label(std::move(*label));
    Context ctx{state_, client, out, counters_, static_cast<std::int64_t>(std::time(nullptr)), {}, {}, false, {}, {}, {}};
    {
        std::lock_guard<std::mutex> lock(mutex_);
        complete_oper(ctx, check.name, ok);
    }
    finish(client, ctx, out);
}

void ChatServer::check_sasl(Client& client, const Context::SaslCheck& check,
                            std::optional<LabeledResponse> label) {
    // Outside the lock (see commands_sasl.cpp): only this client's thread waits. An unknown
    // account costs the same as a known one.
    static const std::string unknown_account = auth::hash_password("", auth::default_iterations);
    const bool known = !check.account.empty();
    const bool ok = auth::verify_password(check.password, known ? check.password_hash : unknown_account) && known;
    Outbox out(client);
    if (label) out.label(std::move(*label));
    Context ctx{state_, client, out, counters_, static_cast<std::int64_t>(std::time(nullptr)), {}, {}, false, {}, {}, {}};
    {
        std::lock_guard<std::mutex> lock(mutex_);
        complete_sasl(ctx, check.account, ok);
        if (ctx.close.requested) state_.detach(client, ctx.close.quit_message, out);
    }
    finish(client, ctx, out);
}

void ChatServer::finish(Client& client, Context& ctx, Outbox& out) {
    if (!ctx.close.requested) {
        out.dispatch();
        return;
    }
    // The replies so far (e.g. 464), then the ERROR, then the close.
    std::string last = out.take_self();
    last += closing_link(client, ctx.close.reason);
    client.closing = true;
    out.dispatch();
    client.link().enqueue(core::make_shared_buffer(std::move(last)));
    client.link().cancel_timer();
    client.link().close(ctx.close.kind);
}

void ChatServer::quit(Client& client, std::string_view reason, core::CloseReason kind) {
    if (client.closing) return;
    client.closing = true;  // first: quit() runs once per client
    if (log::enabled(log::Level::debug))
        log::debug("chat: closing " + client.host() + " (" + std::string(reason) + ")");
    Outbox out(client);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state_.detach(client, reason, out);
    }
    out.dispatch();
    client.link().enqueue(core::make_shared_buffer(closing_link(client, reason)));
    client.link().cancel_timer();
    client.link().close(kind);
}

void ChatServer::set_network(Network* network) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.network = network;
}

void ChatServer::apply(const std::function<void(ServerState&, Outbox&)>& change) {
    Outbox out;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        change(state_, out);
    }
    out.dispatch();
}

bool ChatServer::on_nick_claimed(Client& client, const std::string& nick, std::int64_t nick_ms,
                                 bool ok) {
    if (client.closing) return false;
    Outbox out(client);
    Context ctx{state_, client, out, counters_, static_cast<std::int64_t>(std::time(nullptr)), {}, {}, false, {}, {}, {}};
    bool taken = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ClientState& me = client.state;
        if (me.detached || me.pending_nick != nick) return false;  // a later NICK replaced it
        me.pending_nick.clear();
        if (ok) {
            complete_nick(ctx, nick, nick_ms);
            taken = true;
        } else {
            const std::string key = irc_lower(nick);
            auto it = state_.nicks.find(key);
            if (it != state_.nicks.end() && it->second == &client && key != irc_lower(me.nick))
                state_.nicks.erase(it);
            ctx.reply(ctx.numeric(Numeric::ERR_NICKNAMEINUSE).arg(nick)
                          .trailing("Nickname is already in use"));
        }
        if (ctx.close.requested) state_.detach(client, ctx.close.quit_message, out);
    }
    finish(client, ctx, out);
    if (taken && !client.closing) arm_timer(client);  // the registration deadline is gone
    return taken;
}

void ChatServer::on_idle(Client& client) {
    if (client.closing) return;
    const std::int64_t now = now_ms();
    if (check_deadlines(client) || client.awaiting_pong) return;
    std::string ping;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ping = IrcLine("", "PING").trailing(state_.settings.server_name).finish();
    }
    client.awaiting_pong = true;
    client.pong_deadline_ms = now + std::int64_t(ping_timeout_s_.load()) * 1000;
    client.link().enqueue(core::make_shared_buffer(std::move(ping)));
    arm_timer(client);
}

void ChatServer::on_timer(Client& client) {
    if (client.closing) return;
    const FloodControl::Limits limits = flood_limits();
    while (client.flood.has_delayed() && client.flood.try_take(now_ms(), limits)) {
        std::string line = client.flood.pop_delayed();
        run_line(client, line);
        if (client.closing) return;
    }
    if (check_deadlines(client)) return;
    arm_timer(client);
}

bool ChatServer::check_deadlines(Client& client) {
    const std::int64_t now = now_ms();
    if (client.awaiting_pong && now >= client.pong_deadline_ms) {
        quit(client, "Ping timeout: " + std::to_string(ping_timeout_s_.load()) + " seconds",
             core::CloseReason::idle_timeout);
        return true;
    }
    if (client.registration_deadline_ms != 0 && now >= client.registration_deadline_ms) {
        quit(client, "Registration timeout", core::CloseReason::workload);
        return true;
    }
    return false;
}

void ChatServer::arm_timer(Client& client) {
    // One timer per connection: the earliest of the flood release (1 s, the timer's
    // resolution; refills at least one token/s), the ping deadline and the registration one.
    if (client.flood.has_delayed()) {
        client.link().set_timer(1);
        return;
    }
    std::int64_t deadline = 0;
    if (client.awaiting_pong) deadline = client.pong_deadline_ms;
    if (client.registration_deadline_ms != 0 && (deadline == 0 || client.registration_deadline_ms < deadline))
        deadline = client.registration_deadline_ms;
    if (deadline == 0) {
        client.link().cancel_timer();
        return;
    }
    const std::int64_t left_ms = deadline - now_ms();
    client.link().set_timer(static_cast<std::uint32_t>(std::max<std::int64_t>(1, (left_ms + 999) / 1000)));
}

void ChatServer::on_send_queue_full(Client& client) {
    quit(client, "Max SendQ exceeded", core::CloseReason::send_queue_full);
}

void ChatServer::on_close(Client& client, core::CloseReason reason) {
    client.closing = true;
    // Freed at the end, after the lock is released (it releases the connection).
    ClientPtr keep = std::move(client.self);
    if (!keep) return;  // reported twice: nothing left to do
    Outbox out(client);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state_.detach(client, quit_message_for(reason), out);
        --state_.connected;
    }
    out.dispatch();
}

void ChatServer::reload(const config::Config& config) {
    // Reads the MOTD and accounts files outside the lock; throws (nothing changed) on a bad one.
    Settings settings = Settings::from(config.chat, config.source_file);
    flood_rate_ = config.chat.flood.messages_per_second;
    flood_burst_ = config.chat.flood.burst;
    flood_max_queued_ = config.chat.flood.max_queued;
    ping_timeout_s_ = config.chat.ping_timeout_s;
    registration_timeout_s_ = config.chat.registration_timeout_s;
    max_line_bytes_ = config.chat.max_line_bytes;
    std::lock_guard<std::mutex> lock(mutex_);
    settings.created = state_.settings.created;
    settings.sts_port = state_.settings.sts_port;  // the bound port, not the configured one
    state_.settings = std::move(settings);
}

void ChatServer::set_sts_port(std::uint16_t port) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.settings.sts_port = port;
}

void ChatServer::collect_metrics(std::vector<core::Metric>& out) const {
    std::size_t clients, channels, remote;
    bool federated;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        clients = state_.registered;
        channels = state_.channels.size();
        remote = state_.remote_registered;
        federated = state_.network->federated();
    }
    if (federated)
        out.push_back({"federation_remote_users", "Users of the other nodes of the network", false, double(remote)});
    out.push_back({"chat_clients", "Registered IRC clients", false, double(clients)});
    out.push_back({"chat_channels", "IRC channels", false, double(channels)});
    out.push_back({"chat_messages_total", "PRIVMSG/NOTICE messages accepted (per target)", true,
                   double(counters_.messages.load(std::memory_order_relaxed))});
    out.push_back({"chat_deliveries_total", "PRIVMSG/NOTICE lines queued to recipients", true,
                   double(counters_.deliveries.load(std::memory_order_relaxed))});
}

}  // namespace hiconn::chat
