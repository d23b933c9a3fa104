// hiconn-load's command line: parsing, the server address syntax, the derived deadline, and
// to_args(), which must give a worker process back exactly the options its parent parsed.
#include "tools/load/options.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using hiconn::load::Options;

namespace {
Options parse(std::vector<std::string> args) {
    args.insert(args.begin(), "hiconn-load");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return hiconn::load::parse_options(static_cast<int>(args.size()), argv.data());
}

void check_same(const Options& a, const Options& b) {
    CHECK(a.mode == b.mode);
    CHECK(a.host == b.host);
    CHECK(a.port == b.port);
    CHECK(a.servers == b.servers);
    CHECK(a.sources == b.sources);
    CHECK(a.threads == b.threads);
    CHECK(a.duration_s == b.duration_s);
    CHECK(a.timeout_s == b.timeout_s);
    CHECK(a.seed == b.seed);
    CHECK(a.connections == b.connections);
    CHECK(a.connect_rate == b.connect_rate);
    CHECK(a.concurrency == b.concurrency);
    CHECK(a.connect_timeout_s == b.connect_timeout_s);
    CHECK(a.hold_s == b.hold_s);
    CHECK(a.size == b.size);
    CHECK(a.size_min == b.size_min);
    CHECK(a.size_max == b.size_max);
    CHECK(a.depth == b.depth);
    CHECK(a.rate == b.rate);
    CHECK(a.drain_s == b.drain_s);
    CHECK(a.channels == b.channels);
    CHECK(a.senders == b.senders);
    CHECK(a.nick_prefix == b.nick_prefix);
    CHECK(a.password == b.password);
    CHECK(a.tls == b.tls);
    CHECK(a.tls_ca == b.tls_ca);
    CHECK(a.ws == b.ws);
    CHECK(a.max_handshakes == b.max_handshakes);
    CHECK(a.worker == b.worker);
    CHECK(a.proc_index == b.proc_index);
    CHECK(a.proc_count == b.proc_count);
    CHECK(a.total_connections == b.total_connections);
    CHECK(a.total_senders == b.total_senders);
    CHECK(a.progress == b.progress);
}
}  // namespace

TEST_CASE("load options: defaults and --port", "[load][options]") {
    const Options o = parse({"echo", "--port", "7000"});
    CHECK(o.mode == "echo");
    CHECK(o.servers == std::vector<std::string>{"127.0.0.1:7000"});
    CHECK(o.connections == 100);
    CHECK(o.size == 64);
    CHECK_FALSE(o.random_sizes());
    CHECK(o.total_connections == 100);  // a process on its own is the whole run
    CHECK(o.total_senders == o.senders);
    CHECK(o.progress);
    CHECK_FALSE(o.worker);
    CHECK_FALSE(o.tls);  // plain TCP unless asked
    CHECK(o.tls_ca.empty());
    const Options v6 = parse({"connect", "--host", "::1", "-p", "7001"});
    CHECK(v6.servers == std::vector<std::string>{"[::1]:7001"});
}

TEST_CASE("load options: every mode's own flags", "[load][options]") {
    const Options e = parse({"echo", "--servers", "127.0.0.1:7000,[::1]:7001", "--sources", "127.0.0.2,127.0.0.3",
                             "-c", "300", "--size-min", "1", "--size-max", "4096", "--depth", "4",
                             "-r", "1000", "-d", "2.5", "--drain", "1", "--seed", "42", "-t", "3", "--no-progress"});
    CHECK(e.servers == std::vector<std::string>{"127.0.0.1:7000", "[::1]:7001"});
    CHECK(e.sources == std::vector<std::string>{"127.0.0.2", "127.0.0.3"});
    CHECK(e.connections == 300);
    CHECK(e.random_sizes());
    CHECK(e.size_min == 1);
    CHECK(e.size_max == 4096);
    CHECK(e.depth == 4);
    CHECK(e.rate == 1000);
    CHECK(e.duration_s == 2.5);
    CHECK(e.threads == 3);
    CHECK(e.seed == 42);
    CHECK_FALSE(e.progress);

    const Options c = parse({"connect", "-p", "7000", "-r", "250", "--hold", "3", "--concurrency", "50"});
    CHECK(c.connect_rate == 250);  // connect: --rate is the connect rate
    CHECK(c.hold_s == 3);
    CHECK(c.concurrency == 50);

    const Options chat = parse({"chat", "-p", "6667", "-c", "60", "--channels", "6", "--senders", "12",
                                "--register-rate", "100", "--nick-prefix", "zz", "--password", "pw",
                                "--server-pid", "10,11", "--server-pid", "12"});
    CHECK(chat.channels == 6);
    CHECK(chat.senders == 12);
    CHECK(chat.connect_rate == 100);
    CHECK(chat.rate == 0);
    CHECK(chat.nick_prefix == "zz");
    CHECK(chat.password == "pw");
    CHECK(chat.server_pids == std::vector<int>{10, 11, 12});
}

TEST_CASE("load options: to_args round-trips everything (worker processes)", "[load][options]") {
    Options o = parse({"chat", "--servers", "127.0.0.1:6667,127.0.0.1:6668", "--sources", "127.0.0.2",
                       "-c", "1001", "--channels", "7", "--senders", "33", "-r", "123.456", "--connect-rate", "0.5",
                       "--timeout", "99", "--hold", "0.25", "--password", "secret", "--nick-prefix", "w"});
    o.worker = true;
    o.progress = false;
    o.proc_index = 2;
    o.proc_count = 4;
    o.connections = 250;
    o.total_connections = 1001;
    o.total_senders = 33;
    std::vector<std::string> args = hiconn::load::to_args(o);
    const Options back = parse(args);
    check_same(o, back);

    Options echo = parse({"echo", "-p", "7000", "--size", "1000", "--depth", "8", "--seed", "18446744073709551615"});
    check_same(echo, parse(hiconn::load::to_args(echo)));
    CHECK(echo.seed == 18446744073709551615ull);
}

TEST_CASE("load options: TLS", "[load][options]") {
    for (const char* mode : {"connect", "echo", "chat"}) {
        INFO(mode);
        const Options o = parse({mode, "-p", "7000", "--tls"});
        CHECK(o.mode == mode);
        CHECK(o.tls);
        CHECK(o.tls_ca.empty());  // no certificate check by default
    }
    const Options ca = parse({"echo", "-p", "7000", "--tls-ca", "ca.pem"});
    CHECK(ca.tls);  // --tls-ca implies --tls
    CHECK(ca.tls_ca == "ca.pem");

    const Options h = parse({"handshake", "-p", "7000", "-c", "20", "-d", "3"});
    CHECK(h.mode == "handshake");
    CHECK(h.tls);  // handshake implies --tls
    CHECK(h.connections == 20);
    CHECK(h.duration_s == 3);
    CHECK(h.max_handshakes == 1000000);  // bounded by default
    CHECK(parse({"handshake", "-p", "7000", "--max-handshakes", "500"}).max_handshakes == 500);
}

TEST_CASE("load options: to_args round-trips the TLS options", "[load][options]") {
    Options plain = parse({"connect", "-p", "7000"});
    check_same(plain, parse(hiconn::load::to_args(plain)));
    CHECK_FALSE(parse(hiconn::load::to_args(plain)).tls);

    Options tls = parse({"chat", "-p", "6697", "--tls-ca", "/tmp/ca.pem", "-c", "10", "--senders", "2"});
    check_same(tls, parse(hiconn::load::to_args(tls)));

    Options worker = parse({"echo", "--servers", "127.0.0.1:6697,[::1]:6698", "-c", "8", "--tls"});
    worker.worker = true;
    worker.progress = false;
    worker.proc_index = 1;
    worker.proc_count = 2;
    worker.connections = 4;
    const Options back = parse(hiconn::load::to_args(worker));
    check_same(worker, back);
    CHECK(back.tls);

    Options h = parse({"handshake", "-p", "6697", "-c", "8", "--max-handshakes", "77"});
    h.worker = true;
    h.progress = false;
    h.connections = 4;
    h.max_handshakes = 39;  // a worker's share
    const Options hb = parse(hiconn::load::to_args(h));
    check_same(h, hb);
    CHECK(hb.max_handshakes == 39);
    CHECK(hb.tls);
}

TEST_CASE("load options: --ws, alone and with --tls, round-trips to the workers", "[load][options]") {
    CHECK_FALSE(parse({"echo", "-p", "7000"}).ws);  // no WebSocket unless asked
    for (const char* mode : {"connect", "echo", "chat"}) {
        INFO(mode);
        const Options o = parse({mode, "-p", "8080", "--ws"});
        CHECK(o.ws);
        CHECK_FALSE(o.tls);
        const Options back = parse(hiconn::load::to_args(o));
        CHECK(back.ws);
        check_same(o, back);
    }
    const Options wss = parse({"echo", "-p", "8443", "--ws", "--tls"});
    CHECK(wss.ws);
    CHECK(wss.tls);
    check_same(wss, parse(hiconn::load::to_args(wss)));
}

TEST_CASE("load options: a worker's global index", "[load][options]") {
    Options o;
    o.proc_index = 1;
    o.proc_count = 3;
    CHECK(o.global_index(0) == 1);
    CHECK(o.global_index(1) == 4);
    CHECK(o.global_index(10) == 31);
}

TEST_CASE("load options: the derived deadline covers every phase", "[load][options]") {
    Options o;
    o.connections = 1000;
    o.connect_rate = 100;       // 10 s of paced connects
    o.connect_timeout_s = 5;
    o.duration_s = 20;
    o.hold_s = 2;
    o.drain_s = 3;
    CHECK(o.effective_timeout_s() == 60 + 10 + 5 + 20 + 2 + 3);
    o.connect_rate = 0;
    CHECK(o.effective_timeout_s() == 60 + 5 + 20 + 2 + 3);
    o.timeout_s = 7;
    CHECK(o.effective_timeout_s() == 7);
}

TEST_CASE("load options: server addresses", "[load][options]") {
    using hiconn::load::parse_server_address;
    auto a = parse_server_address("127.0.0.1:6667");
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 6667);
    a = parse_server_address("[::1]:1");
    CHECK(a.host == "::1");
    CHECK(a.port == 1);
    a = parse_server_address("example.test:65535");
    CHECK(a.host == "example.test");
    CHECK(a.port == 65535);
    const std::vector<std::pair<const char*, const char*>> bad = {
        {"", "empty"}, {"127.0.0.1", "no port"}, {":7000", "empty host"}, {"::1:7000", "needs brackets"},
        {"[::1]", "no ':PORT'"}, {"[::1]7000", "no ':PORT'"}, {"[:7000", "no closing"}, {"[]:7000", "empty address"},
        {"h:0", "1..65535"}, {"h:65536", "1..65535"}, {"h:123456", "1..65535"}, {"h:7x", "1..65535"}, {"h:", "1..65535"},
        {"h:-1", "1..65535"}};
    for (const auto& [entry, why] : bad) {
        INFO(entry);
        CHECK_THROWS_WITH(parse_server_address(entry), Catch::Contains(why) && Catch::Contains(entry));
    }
    CHECK(hiconn::load::format_server_address("10.0.0.1", 80) == "10.0.0.1:80");
    CHECK(hiconn::load::format_server_address("::1", 6667) == "[::1]:6667");
    CHECK(hiconn::load::format_server_address("name", 1) == "name:1");
}
