#include "tools/load/options.hpp"

#include "tools/load/host.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace hiconn::load {
namespace {

constexpr const char* usage_text =
    "usage: hiconn-load MODE (--port P [--host H] | --servers LIST) [options]\n"
    "  MODE: connect  open --connections N (rate-limited by --connect-rate), hold them --hold S,\n"
    "                 report how many connected and why it stopped\n"
    "        echo     N connections send --size byte messages (--depth in flight each, or a total\n"
    "                 --rate), verify every echoed byte in order; messages/s, latency\n"
    "        chat     N IRC clients (paced by --connect-rate) in --channels C round robin,\n"
    "                 --senders M send PRIVMSG at a total --rate R; deliveries, loss, latency\n"
    "        handshake N clients (-c) each connect, complete a full TLS handshake, close\n"
    "                 (close_notify) and start over, for --duration (at most --max-handshakes\n"
    "                 attempts in all); handshakes/s, connect + handshake latency (implies --tls)\n"
    "With --tls every mode talks TLS to the server (its certificate unchecked unless --tls-ca).\n"
    "With --ws connect, echo and chat speak WebSocket (ws://; with --tls wss://): the HTTP upgrade,\n"
    "then echo sends each message as one binary message, chat each IRC line as one text message.\n"
    "Several servers (--servers A,B,C): connection g of the whole run (all --procs workers\n"
    "together) goes to server g % N; in chat mode it joins channel (g / N + (g % N) * ceil(C / N))\n"
    "% C (with one server: g % C), so every channel has members on every server and a message\n"
    "reaches (N-1)/N of its recipients on other servers (counted apart: *_remote).\n"
    "Prints live progress on stderr when it is a terminal and always a final line\n"
    "'RESULT {json}' on stdout (with a per_server breakdown). Exit status: 0 ok, 1 the run\n"
    "failed (byte mismatch, lost messages, no connection), 2 usage error.\n";

void split_list(const std::string& text, std::vector<std::string>& out) {
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
}

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "hiconn-load: " << message << "\n" << usage_text;
    std::exit(2);
}

bool all_digits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ServerAddress parse_server_address(const std::string& entry) {
    auto bad = [&](const std::string& why) {
        return std::invalid_argument("bad --servers entry '" + entry + "': " + why +
                                     " (expected HOST:PORT or [IPv6]:PORT)");
    };
    ServerAddress a;
    std::string port;
    if (entry.empty()) throw bad("empty");
    if (entry.front() == '[') {
        const auto close = entry.find(']');
        if (close == std::string::npos) throw bad("no closing ']'");
        a.host = entry.substr(1, close - 1);
        if (a.host.empty()) throw bad("empty address");
        if (close + 1 >= entry.size() || entry[close + 1] != ':') throw bad("no ':PORT' after ']'");
        port = entry.substr(close + 2);
    } else {
        const auto colon = entry.rfind(':');
        if (colon == std::string::npos) throw bad("no port");
        a.host = entry.substr(0, colon);
        if (a.host.empty()) throw bad("empty host");
        if (a.host.find(':') != std::string::npos) throw bad("an IPv6 address needs brackets");
        port = entry.substr(colon + 1);
    }
    if (!all_digits(port) || port.size() > 5 || std::stoul(port) == 0 || std::stoul(port) > 65535)
        throw bad("the port must be 1..65535");
    a.port = static_cast<std::uint16_t>(std::stoul(port));
    return a;
}

std::string format_server_address(const std::string& host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

double Options::effective_timeout_s() const {
    if (timeout_s > 0) return timeout_s;
    // Establishing: paced connects take connections/rate; unpaced ones are bounded by the
    // per-attempt timeout. Then the measured phase, the hold and the drain, plus slack.
    const double establish = connect_rate > 0 ? connections / connect_rate : 0;
    return 60 + establish + connect_timeout_s + duration_s + hold_s + drain_s;
}

Options parse_options(int argc, char** argv) {
    Options o;
    std::string sources, servers;
    std::vector<std::string> server_pids;
    po::options_description common("Common options");
    common.add_options()
        ("help,h", "show this help")
        ("host", po::value(&o.host)->default_value(o.host), "server address")
        ("port,p", po::value(&o.port), "server port (required without --servers)")
        ("servers", po::value(&servers),
         "comma-separated servers HOST:PORT or [IPv6]:PORT (e.g. 127.0.0.1:6667,[::1]:6668), "
         "instead of --host/--port: connection g of the whole run goes to server g % N "
         "(chat: see the channel layout above); the RESULT's per_server counts each one")
        ("sources", po::value(&sources),
         "comma-separated local addresses (e.g. 127.0.0.1,127.0.0.2) bound before connect, "
         "round robin: each one has its own ephemeral-port range (28,000 ports here)")
        ("threads,t", po::value(&o.threads)->default_value(o.threads),
         "I/O threads per process (0 = one per core)")
        ("procs", po::value(&o.procs)->default_value(o.procs),
         "worker processes (fork/exec of hiconn-load; Linux only), each doing 1/N of the work; "
         "the parent merges their RESULT lines. Needed past ~19,000 connections: a process may "
         "not open more than the open-file limit (20,000 here)")
        ("duration,d", po::value(&o.duration_s)->default_value(o.duration_s),
         "echo/chat: seconds of measured traffic")
        ("timeout", po::value(&o.timeout_s)->default_value(o.timeout_s),
         "hard stop in seconds for the whole run (0 = 60 + every phase's bound)")
        ("server-pid", po::value(&server_pids)->composing(),
         "sample this process's RSS (/proc/PID/status; Windows: its working set) and CPU time "
         "(/proc/PID/stat; Windows: GetProcessTimes) before connecting, once connected and at "
         "the end of the measured phase; several (PID,PID,... or repeated): the server_* "
         "figures are their sums, server_processes lists each")
        ("seed", po::value(&o.seed)->default_value(o.seed), "random seed (sizes, payload)")
        ("no-progress", "no live progress line");
    po::options_description conn("Connections");
    conn.add_options()
        ("connections,c", po::value(&o.connections)->default_value(o.connections),
         "connections (chat: clients)")
        ("connect-rate", po::value(&o.connect_rate)->default_value(0),
         "new connections per second (0 = as fast as possible)")
        ("rate,r", po::value(&o.rate)->default_value(0),
         "connect: same as --connect-rate; echo: total messages/s (0 = as fast as --depth "
         "allows); chat: total PRIVMSG/s over all senders")
        ("register-rate", po::value<double>(), "chat: same as --connect-rate")
        ("concurrency", po::value(&o.concurrency)->default_value(o.concurrency),
         "connect attempts in flight at once")
        ("connect-timeout", po::value(&o.connect_timeout_s)->default_value(o.connect_timeout_s),
         "seconds per connect attempt (chat: per registration)")
        ("hold", po::value(&o.hold_s)->default_value(0), "connect: seconds to hold them open");
    po::options_description echo("Echo");
    echo.add_options()
        ("size,s", po::value(&o.size)->default_value(o.size), "bytes per message")
        ("size-min", po::value(&o.size_min)->default_value(0), "random sizes from ...")
        ("size-max", po::value(&o.size_max)->default_value(0), "... to (both inclusive)")
        ("depth", po::value(&o.depth)->default_value(o.depth), "messages in flight per connection")
        ("drain", po::value(&o.drain_s)->default_value(o.drain_s),
         "seconds to wait for outstanding replies after the measured phase");
    po::options_description tls("TLS");
    tls.add_options()
        ("tls", "connect over TLS: a full handshake after connecting, then the mode's traffic "
                "inside it; the server's certificate is not checked unless --tls-ca")
        ("tls-ca", po::value(&o.tls_ca),
         "PEM file of CAs: verify the server's certificate chain and that it names the host as "
         "given in --host/--servers (a DNS name or an IP address); implies --tls")
        ("max-handshakes", po::value(&o.max_handshakes)->default_value(o.max_handshakes),
         "handshake: at most this many attempts in all (the clients stop there or at --duration)");
    po::options_description ws("WebSocket");
    ws.add_options()
        ("ws", "connect, echo, chat over WebSocket (RFC 6455) to a ws:// listener (with --tls: wss://): "
               "GET / with Upgrade, Sec-WebSocket-Key and Version 13 (chat: Sec-WebSocket-Protocol "
               "text.ircv3.net, binary.ircv3.net), the 101 and its Sec-WebSocket-Accept checked; then masked "
               "frames out, the server's frames in. Echo: one binary message per message; chat: one "
               "message per IRC line, no CRLF (text, or binary if the server chose binary.ircv3.net)");
    po::options_description chat("Chat");
    chat.add_options()
        ("channels", po::value(&o.channels)->default_value(o.channels), "channels (round robin)")
        ("senders", po::value(&o.senders)->default_value(o.senders), "clients that send")
        ("nick-prefix", po::value(&o.nick_prefix)->default_value(o.nick_prefix), "nick = prefix + index")
        ("password", po::value(&o.password), "PASS sent before NICK")
        ("caps", po::value(&o.caps), "IRCv3 capabilities to request (\"server-time message-tags\"); "
                                     "registration then ends with CAP END")
        ("caps-every", po::value(&o.caps_every)->default_value(o.caps_every),
         "only every Nth client requests --caps (2: half of them, a mix of capability sets)");
    po::options_description internal("Worker processes (internal)");
    internal.add_options()
        ("worker", "run as a worker of a --procs parent")
        ("proc-index", po::value(&o.proc_index)->default_value(0), "")
        ("proc-count", po::value(&o.proc_count)->default_value(1), "")
        ("total-connections", po::value(&o.total_connections)->default_value(0), "")
        ("total-senders", po::value(&o.total_senders)->default_value(0), "");
    po::options_description hidden;
    hidden.add_options()("mode", po::value(&o.mode));
    po::positional_options_description positional;
    positional.add("mode", 1);

    po::options_description visible;
    visible.add(common).add(conn).add(echo).add(chat).add(tls).add(ws);
    po::options_description all;
    all.add(visible).add(internal).add(hidden);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        if (vm.count("help")) {
            std::cout << usage_text << "\n" << visible;
            std::exit(0);
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        usage_error(e.what());
    }
    split_list(sources, o.sources);
    if (vm.count("servers")) {
        std::stringstream ss(servers);
        std::string item;
        while (std::getline(ss, item, ',')) o.servers.push_back(item);
        if (servers.empty() || servers.back() == ',') o.servers.push_back("");  // a trailing empty entry
        for (const auto& entry : o.servers) {
            try {
                parse_server_address(entry);
            } catch (const std::invalid_argument& e) {
                usage_error(e.what());
            }
        }
    } else {
        if (!vm.count("port")) usage_error("--port (or --servers) is required");
        if (o.port == 0) usage_error("--port must be 1..65535");
        o.servers = {format_server_address(o.host, o.port)};
    }
    for (const auto& list : server_pids) {
        std::stringstream ss(list);
        std::string item;
        while (std::getline(ss, item, ',')) {
            if (item.empty()) continue;
            if (!all_digits(item) || item.size() > 9)
                usage_error("--server-pid takes process IDs (PID or PID,PID,...), got '" + item + "'");
            if (const auto pid = std::stol(item)) o.server_pids.push_back(static_cast<int>(pid));  // 0: none
        }
    }
    o.worker = vm.count("worker") > 0;
    o.progress = vm.count("no-progress") == 0 && !o.worker;
    if (vm.count("register-rate")) o.connect_rate = vm["register-rate"].as<double>();
    if (o.mode == "connect" && o.connect_rate == 0) o.connect_rate = o.rate;
    if (o.mode != "connect" && o.mode != "echo" && o.mode != "chat" && o.mode != "handshake")
        usage_error("MODE must be connect, echo, chat or handshake");
    if (vm.count("tls-ca") && o.tls_ca.empty()) usage_error("--tls-ca needs a file");
    o.tls = vm.count("tls") > 0 || !o.tls_ca.empty() || o.mode == "handshake";
    o.ws = vm.count("ws") > 0;
    if (o.ws && o.mode == "handshake") usage_error("--ws does not apply to handshake mode (TLS handshakes only)");
    if (o.max_handshakes == 0) usage_error("--max-handshakes must be at least 1");
    if (o.caps_every == 0) usage_error("--caps-every must be at least 1");
    if (o.procs == 0 || o.procs > 64) usage_error("--procs must be 1..64");
    if (o.procs > 1 && !host::supports_worker_processes())
        usage_error("--procs > 1 needs fork/exec (Linux); on Windows one process holds every connection");
    if (o.concurrency == 0) usage_error("--concurrency must be at least 1");
    if (o.depth == 0) usage_error("--depth must be at least 1");
    if ((o.size_min > 0) != (o.size_max > 0) || o.size_min > o.size_max)
        usage_error("--size-min and --size-max go together, min <= max");
    constexpr std::size_t max_size = 65000;  // one slice of the payload pattern
    if (o.size == 0 || o.size > max_size || o.size_max > max_size)
        usage_error("message sizes must be 1..65000 bytes");
    if (o.mode == "chat" && (o.channels == 0 || o.senders > o.connections))
        usage_error("chat needs --channels >= 1 and --senders <= --connections");
    if (o.total_connections == 0) o.total_connections = o.connections;
    if (o.total_senders == 0) o.total_senders = o.senders;
    return o;
}

std::vector<std::string> to_args(const Options& o) {
    auto num = [](auto v) {
        std::ostringstream ss;
        ss.precision(17);
        ss << v;
        return ss.str();
    };
    std::string sources, servers;
    for (const auto& s : o.sources) sources += (sources.empty() ? "" : ",") + s;
    for (const auto& s : o.servers) servers += (servers.empty() ? "" : ",") + s;
    std::vector<std::string> args = {
        o.mode, "--host", o.host, "--port", num(o.port), "--threads", num(o.threads),
        "--duration", num(o.duration_s), "--timeout", num(o.timeout_s),
        "--seed", num(o.seed), "--connections", num(o.connections),
        "--connect-rate", num(o.connect_rate), "--concurrency", num(o.concurrency),
        "--connect-timeout", num(o.connect_timeout_s), "--hold", num(o.hold_s),
        "--size", num(o.size), "--size-min", num(o.size_min), "--size-max", num(o.size_max),
        "--depth", num(o.depth), "--rate", num(o.rate), "--drain", num(o.drain_s),
        "--channels", num(o.channels), "--senders", num(o.senders),
        "--nick-prefix", o.nick_prefix,
        "--proc-index", num(o.proc_index), "--proc-count", num(o.proc_count),
        "--total-connections", num(o.total_connections),
        "--total-senders", num(o.total_senders), "--max-handshakes", num(o.max_handshakes)};
    if (!servers.empty()) args.insert(args.end(), {"--servers", servers});
    if (!sources.empty()) args.insert(args.end(), {"--sources", sources});
    if (!o.password.empty()) args.insert(args.end(), {"--password", o.password});
    if (!o.caps.empty()) args.insert(args.end(), {"--caps", o.caps, "--caps-every", num(o.caps_every)});
    if (o.tls) args.push_back("--tls");
    if (o.ws) args.push_back("--ws");
    if (!o.tls_ca.empty()) args.insert(args.end(), {"--tls-ca", o.tls_ca});
    if (o.worker) args.push_back("--worker");
    if (!o.progress) args.push_back("--no-progress");
    return args;
}

}  // namespace hiconn::load
