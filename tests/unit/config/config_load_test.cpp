#include "config_test_util.hpp"

#include "config/config_fields.hpp"

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>

using namespace hiconn::config;
using hiconn::config::test::load;

TEST_CASE("an empty object gives the defaults of config.hpp", "[config]")
{
    const Config c = load("{}");
    const Config defaults;
    CHECK(c.source_file == "test.json");
    CHECK(c.workload == "echo");
    CHECK(c.listen == std::vector<std::string>{"127.0.0.1:7000"});
    CHECK(c.threads == 0);
    CHECK(c.accept.low_watermark == 4);
    CHECK(c.accept.high_watermark == 64);
    CHECK(c.accept.on_limit == "pause");
    CHECK(c.receive.strategy == "zero_byte");
    CHECK(c.limits.max_connections == 100000);
    CHECK(c.timeouts.idle_s == 300);
    CHECK(c.log.level == "info");
    CHECK(c.stats.interval_s == 10);
    CHECK_FALSE(c.stats.http.enabled);
    CHECK(c.chat.flood.burst == 20);
    CHECK_FALSE(c.federation.enabled);
    Config expected = defaults;
    expected.source_file = "test.json";
    CHECK(c == expected);
}

TEST_CASE("the $schema key is accepted and ignored", "[config]")
{
    CHECK(load(R"({"$schema": "./hiconn.schema.json"})").workload == "echo");
}

TEST_CASE("every section is read", "[config]")
{
    const Config c = load(R"({
      "workload": "chat",
      "listen": ["*:6667", "[::1]:6667", "10.1.2.3:0"],
      "threads": 3,
      "accept": {"low_watermark": 2, "high_watermark": 8, "backlog": 100, "on_limit": "reject",
                 "retry_backoff_ms": 250},
      "receive": {"strategy": "posted", "initial_buffer": 1024, "max_buffer": 8192,
                  "max_read_per_wakeup": 16384},
      "send": {"coalesce_ms": 15},
      "limits": {"max_connections": 5000000, "max_connections_per_ip": 7, "max_outstanding_sends": 50,
                 "max_outstanding_receives": 60, "max_send_queue_bytes": 8192},
      "timeouts": {"first_data_s": 1, "idle_s": 2, "send_stall_s": 0, "linger_s": 4},
      "log": {"level": "debug", "file": "/tmp/x.log", "max_size_mb": 7, "max_files": 2},
      "stats": {"interval_s": 0, "http": {"address": "::1", "port": 8080, "allow": ["10.0.0.1"],
                                           "token": "s3cret"}},
      "service": {"name": "hiconn-test", "display_name": "Test", "description": ""},
      "chat": {"server_name": "irc.example.org", "network_name": "ExampleNet", "motd": "hi\nthere",
               "motd_file": "", "password": "pw", "max_channels_per_client": 3, "max_nick_length": 9,
               "max_channel_length": 20, "max_line_bytes": 512, "ping_timeout_s": 10,
               "flood": {"messages_per_second": 2, "burst": 4, "max_queued": 8}},
      "federation": {"redis": "[::1]:6380", "password": "redis-pw", "heartbeat_s": 3,
                     "node_timeout_s": 4, "key_prefix": "net1:"}
    })");
    CHECK(c.workload == "chat");
    CHECK(c.listen == std::vector<std::string>{"*:6667", "[::1]:6667", "10.1.2.3:0"});
    CHECK(c.threads == 3);
    CHECK(c.accept.low_watermark == 2);
    CHECK(c.accept.high_watermark == 8);
    CHECK(c.accept.backlog == 100);
    CHECK(c.accept.on_limit == "reject");
    CHECK(c.accept.retry_backoff_ms == 250);
    CHECK(c.receive.strategy == "posted");
    CHECK(c.receive.initial_buffer == 1024);
    CHECK(c.receive.max_buffer == 8192);
    CHECK(c.receive.max_read_per_wakeup == 16384);
    CHECK(c.send.coalesce_ms == 15);
    CHECK(c.limits.max_connections == 5000000);
    CHECK(c.limits.max_connections_per_ip == 7);
    CHECK(c.limits.max_outstanding_sends == 50);
    CHECK(c.limits.max_outstanding_receives == 60);
    CHECK(c.limits.max_send_queue_bytes == 8192);
    CHECK(c.timeouts.first_data_s == 1);
    CHECK(c.timeouts.idle_s == 2);
    CHECK(c.timeouts.send_stall_s == 0);
    CHECK(c.timeouts.linger_s == 4);
    CHECK(c.log.level == "debug");
    CHECK(c.log.file == "/tmp/x.log");
    CHECK(c.log.max_size_mb == 7);
    CHECK(c.log.max_files == 2);
    CHECK(c.stats.interval_s == 0);
    CHECK(c.stats.http.enabled);
    CHECK(c.stats.http.address == "::1");
    CHECK(c.stats.http.port == 8080);
    CHECK(c.stats.http.allow == std::vector<std::string>{"10.0.0.1"});
    CHECK(c.stats.http.token == "s3cret");
    CHECK(c.service.name == "hiconn-test");
    CHECK(c.service.display_name == "Test");
    CHECK(c.service.description.empty());
    CHECK(c.chat.server_name == "irc.example.org");
    CHECK(c.chat.network_name == "ExampleNet");
    CHECK(c.chat.motd == "hi\nthere");
    CHECK(c.chat.password == "pw");
    CHECK(c.chat.max_channels_per_client == 3);
    CHECK(c.chat.max_nick_length == 9);
    CHECK(c.chat.max_channel_length == 20);
    CHECK(c.chat.max_line_bytes == 512);
    CHECK(c.chat.ping_timeout_s == 10);
    CHECK(c.chat.flood.messages_per_second == 2);
    CHECK(c.chat.flood.burst == 4);
    CHECK(c.chat.flood.max_queued == 8);
    CHECK(c.federation.enabled);
    CHECK(c.federation.redis == "[::1]:6380");
    CHECK(c.federation.password == "redis-pw");
    CHECK(c.federation.heartbeat_s == 3);
    CHECK(c.federation.node_timeout_s == 4);
    CHECK(c.federation.key_prefix == "net1:");
}

TEST_CASE("stats.http: an object turns it on with defaults, null or absence leaves it off", "[config]")
{
    const Config on = load(R"({"stats": {"http": {}}})");
    CHECK(on.stats.http.enabled);
    CHECK(on.stats.http.address == "127.0.0.1");
    CHECK(on.stats.http.port == 0);
    CHECK_FALSE(load(R"({"stats": {"http": null}})").stats.http.enabled);
    CHECK_FALSE(load(R"({"stats": {"interval_s": 5}})").stats.http.enabled);
}

TEST_CASE("federation: an object turns it on with defaults, null or absence = standalone", "[config]")
{
    const Config on = load(R"({"workload": "chat", "federation": {}})");
    CHECK(on.federation.enabled);
    CHECK(on.federation.redis == "127.0.0.1:6379");
    CHECK(on.federation.password.empty());
    CHECK(on.federation.heartbeat_s == 2);
    CHECK(on.federation.node_timeout_s == 10);
    CHECK(on.federation.key_prefix == "hiconn:");
    const Config null = load(R"({"workload": "chat", "federation": null})");
    CHECK_FALSE(null.federation.enabled);
    CHECK(null == load(R"({"workload": "chat"})"));
    // Standalone keeps the defaults, so switching it on later starts from them.
    CHECK(null.federation.redis == FederationConfig{}.redis);
    // null is standalone for echo too: only a present section needs the chat workload.
    CHECK_FALSE(load(R"({"federation": null})").federation.enabled);
}

TEST_CASE("federation accepts the edges of its ranges", "[config]")
{
    const Config c = load(R"({"workload": "chat", "federation": {"redis": "10.0.0.1:65535",
        "heartbeat_s": 1, "node_timeout_s": 2, "key_prefix": "!~"}})");
    CHECK(c.federation.redis == "10.0.0.1:65535");
    CHECK(c.federation.node_timeout_s == 2);
    CHECK(c.federation.key_prefix == "!~");
    CHECK(load(R"({"workload": "chat", "federation": {"redis": "127.0.0.1:1", "heartbeat_s": 3600,
        "node_timeout_s": 86400}})").federation.heartbeat_s == 3600);
    const std::string prefix64(64, 'k');
    CHECK(load(R"({"workload": "chat", "federation": {"key_prefix": ")" + prefix64 + R"("}})")
              .federation.key_prefix == prefix64);
    const std::string password256(256, 'p');
    CHECK(load(R"({"workload": "chat", "federation": {"password": ")" + password256 + R"("}})")
              .federation.password == password256);
}

TEST_CASE("integers may be written as JSON Schema counts them (5.0, 1e3)", "[config]")
{
    const Config c = load(R"({"threads": 2.0, "limits": {"max_connections": 1e3}})");
    CHECK(c.threads == 2);
    CHECK(c.limits.max_connections == 1000);
}

TEST_CASE("range limits are inclusive", "[config]")
{
    CHECK(load(R"({"limits": {"max_connections": 1}})").limits.max_connections == 1);
    CHECK(load(R"({"limits": {"max_connections": 10000000}})").limits.max_connections == 10000000);
    CHECK(load(R"({"receive": {"initial_buffer": 512, "max_buffer": 512, "max_read_per_wakeup": 512}})")
              .receive.max_buffer == 512);
    CHECK(load(R"({"accept": {"low_watermark": 64, "high_watermark": 64}})").accept.low_watermark == 64);
}

TEST_CASE("to_json_text round-trips: load(to_json(c)) == c", "[config]")
{
    const char* documents[] = {
        "{}",
        R"({"stats": {"http": {"port": 9000, "allow": ["::1", "10.0.0.2"], "token": "t"}}})",
        R"({"workload": "chat", "listen": ["[::]:6667"], "chat": {"motd_file": "/etc/motd",
            "flood": {"burst": 1}}, "receive": {"strategy": "posted"}, "log": {"file": "a b.log"}})",
        R"({"workload": "chat", "federation": {"redis": "[2001:db8::7]:6379", "password": "p w",
            "heartbeat_s": 5, "node_timeout_s": 30, "key_prefix": "{net}:"}})",
        R"({"workload": "chat", "federation": {}})",
    };
    for (const char* document : documents) {
        INFO(document);
        const Config c = load(document);
        const std::string text = to_json_text(c);
        CHECK(load(text) == c);
        CHECK(to_json_text(load(text)) == text);
    }
}

TEST_CASE("to_json_text prints every section and key", "[config]")
{
    const std::string text = to_json_text(Config{});
    for (const char* key : {"\"workload\"", "\"listen\"", "\"threads\"", "\"accept\"", "\"low_watermark\"",
                            "\"receive\"", "\"limits\"", "\"timeouts\"", "\"log\"", "\"stats\"", "\"http\"",
                            "\"service\"", "\"chat\"", "\"flood\"", "\"max_queued\"", "\"federation\""})
        CHECK(text.find(key) != std::string::npos);
    CHECK(text.find("source_file") == std::string::npos);
}

TEST_CASE("to_json_text prints federation as null when standalone, else every key", "[config]")
{
    CHECK(to_json_text(Config{}).find("\"federation\": null") != std::string::npos);
    Config c;
    c.workload = "chat";
    c.federation.enabled = true;
    c.federation.key_prefix = "x:";
    const std::string text = to_json_text(c);
    for (const char* key : {"\"redis\": \"127.0.0.1:6379\"", "\"password\": \"\"", "\"heartbeat_s\": 2",
                            "\"node_timeout_s\": 10", "\"key_prefix\": \"x:\""})
        CHECK(text.find(key) != std::string::npos);
    CHECK(text.find("\"federation\": null") == std::string::npos);
}

TEST_CASE("operator== sees a change in every field and every optional section", "[config]")
{
    using namespace hiconn::config::detail;
    const Config base;
    CHECK(Config{} == base);
    for (const auto& field : fields()) {
        INFO(field.path);
        Json other;
        switch (field.type) {
        case Type::integer:
            other = field.get(base).get<std::uint64_t>() == field.minimum ? field.maximum : field.minimum;
            break;
        case Type::string:
            other = field.choices.empty() ? "changed" : "";
            for (const auto& choice : field.choices)
                if (choice != field.get(base).get<std::string>()) other = choice;
            break;
        case Type::string_list:
            other = std::vector<std::string>{"127.0.0.1:1", "127.0.0.2:2"};
            break;
        case Type::boolean:
            other = !field.get(base).get<bool>();
            break;
        }
        REQUIRE(other != field.get(base));
        Config c = base;
        field.set(c, other);
        CHECK(c != base);
        CHECK_FALSE(c == base);
    }
    for (const auto& section : sections()) {
        if (!section.present) continue;
        INFO(section.path);
        Config c = base;
        section.set_present(c, !section.present(base));
        CHECK(c != base);
    }
    Config c = base;
    c.source_file = "x";
    CHECK(c != base);
}

TEST_CASE("load_file reads a file and names it in errors", "[config]")
{
    const std::string path = "hiconn_config_load_test.json";
    {
        std::ofstream out(path);
        out << R"({"threads": 2, "limits": {"max_connections": 0}})";
    }
    try {
        load_file(path);
        FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
        CHECK(e.file() == path);
        CHECK(e.json_path() == "limits.max_connections");
        CHECK(std::string(e.what()) == path + ": limits.max_connections: expected an integer 1..10000000, got 0");
    }
    {
        std::ofstream out(path);
        out << R"({"threads": 2})";
    }
    const Config c = load_file(path, {"threads=5"});
    CHECK(c.threads == 5);
    CHECK(c.source_file == path);
    std::remove(path.c_str());
}

TEST_CASE("a missing file or a directory is an error naming it", "[config]")
{
    try {
        load_file("/nonexistent/hiconn.json");
        FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
        CHECK(e.file() == "/nonexistent/hiconn.json");
        CHECK(std::string(e.what()).find("/nonexistent/hiconn.json: cannot open") == 0);
    }
    CHECK_THROWS_WITH(load_file("."), Catch::Contains(".: cannot read: is a directory"));
}

TEST_CASE("the chat workload has its own defaults, and a key in the document wins", "[config]")
{
    const Config echo = from_json_text("{}", "t.json");
    CHECK(echo.send.coalesce_ms == 0);
    CHECK(echo.accept.on_limit == "pause");
    const Config chat = from_json_text(R"({"workload": "chat"})", "t.json");
    CHECK(chat.send.coalesce_ms == 10);
    CHECK(chat.accept.on_limit == "reject");
    const Config flag = from_json_text("{}", "t.json", {"workload=chat"});  // --workload chat
    CHECK(flag.send.coalesce_ms == 10);
    const Config given = from_json_text(R"({"workload": "chat", "send": {"coalesce_ms": 0}})", "t.json");
    CHECK(given.send.coalesce_ms == 0);
    CHECK(given.accept.on_limit == "reject");
    for (const auto& d : hiconn::config::detail::workload_defaults()) {
        INFO(d.path);
        CHECK(hiconn::config::detail::find_field(d.path) != nullptr);
        CHECK(d.value != hiconn::config::detail::find_field(d.path)->get(Config{}));  // really differs
    }
}
