// Each kind of invalid config: the error names the file, the JSON path and what was expected.
#include "config_test_util.hpp"

using namespace hiconn::config;
using hiconn::config::test::error_of;
using Catch::Contains;

namespace {

void check_error(const std::string& text, const std::string& path, const std::string& expected_part)
{
    INFO(text);
    const ConfigError e = error_of(text);
    CHECK(e.file() == "test.json");
    CHECK(e.json_path() == path);
    CHECK_THAT(e.what(), Contains("test.json: " + path + ": "));
    CHECK_THAT(e.message(), Contains(expected_part));
}

}  // namespace

TEST_CASE("unknown keys are errors at every level", "[config][errors]")
{
    check_error(R"({"listn": []})", "listn", "unknown key (did you mean listen? known keys: workload, listen,");
    check_error(R"({"accept": {"low_watermarkk": 3}})", "accept.low_watermarkk",
                "unknown key (did you mean accept.low_watermark? known keys: low_watermark, high_watermark, "
                "backlog, on_limit, retry_backoff_ms)");
    check_error(R"({"stats": {"http": {"prot": 1}}})", "stats.http.prot", "unknown key");
    check_error(R"({"chat": {"flood": {"rate": 1}}})", "chat.flood.rate", "known keys: messages_per_second, burst, max_queued");
    // A key in the wrong section points at the right one.
    check_error(R"({"max_connections": 5})", "max_connections", "did you mean limits.max_connections?");
    // Dotted keys are not paths.
    check_error(R"({"accept.backlog": 5})", "accept.backlog", "unknown key");
    check_error(R"({"source_file": "x"})", "source_file", "unknown key");
    // Nothing close: no guess, only the list.
    const ConfigError e = error_of(R"({"zzzzzzzz": 1})");
    CHECK_THAT(e.message(), !Contains("did you mean"));
}

TEST_CASE("wrong types are errors", "[config][errors]")
{
    check_error(R"({"limits": {"max_connections": "many"}})", "limits.max_connections",
                "expected an integer 1..10000000, got \"many\"");
    check_error(R"({"threads": true})", "threads", "expected an integer 0..1024, got true");
    check_error(R"({"threads": 1.5})", "threads", "expected an integer 0..1024, got 1.5");
    check_error(R"({"threads": null})", "threads", "got null");
    check_error(R"({"workload": 1})", "workload", "expected one of \"echo\", \"chat\", got 1");
    check_error(R"({"listen": "127.0.0.1:7000"})", "listen", "expected an array of unique strings");
    check_error(R"({"listen": [7000]})", "listen[0]", "expected a string, got 7000");
    check_error(R"({"accept": 5})", "accept", "expected an object, got 5");
    check_error(R"({"accept": null})", "accept", "expected an object, got null");
    check_error(R"({"stats": {"http": true}})", "stats.http", "expected an object or null, got true");
    check_error(R"({"log": {"file": ["a"]}})", "log.file", "expected a string, got [\"a\"]");
    check_error(R"({"$schema": 1})", "$schema", "expected a string");
}

TEST_CASE("long values are shortened in messages, on a character boundary", "[config][errors]")
{
    std::string motd;
    for (int i = 0; i < 40; ++i) motd += "\xC3\xA9";  // 80 bytes of two-byte characters
    const ConfigError e = error_of(R"({"chat": {"motd": ")" + motd + R"(", "motd_file": "m"}})");
    CHECK(e.json_path() == "chat.motd_file");
    const ConfigError wrong = error_of(R"({"workload": ")" + motd + R"("})");
    const std::string message = wrong.message();
    CHECK_THAT(message, Contains("...") && Contains("got \"\xC3\xA9"));
    CHECK(message.size() < 120);
    CHECK((static_cast<unsigned char>(message[message.size() - 4]) & 0xC0) != 0xC0);  // no cut-off lead byte
}

TEST_CASE("the top level must be an object", "[config][errors]")
{
    const ConfigError e = error_of("[1, 2]");
    CHECK(e.json_path().empty());
    CHECK(std::string(e.what()) == "test.json: expected a JSON object at the top level, got [1,2]");
}

TEST_CASE("out-of-range values are errors", "[config][errors]")
{
    check_error(R"({"limits": {"max_connections": -5}})", "limits.max_connections",
                "expected an integer 1..10000000, got -5");
    CHECK(std::string(error_of(R"({"limits": {"max_connections": -5}})").what()) ==
          "test.json: limits.max_connections: expected an integer 1..10000000, got -5");
    check_error(R"({"limits": {"max_connections": 10000001}})", "limits.max_connections", "got 10000001");
    check_error(R"({"limits": {"max_connections": 0}})", "limits.max_connections", "got 0");
    check_error(R"({"limits": {"max_connections": 1e30}})", "limits.max_connections", "expected an integer");
    check_error(R"({"threads": 18446744073709551615})", "threads", "expected an integer 0..1024");
    check_error(R"({"accept": {"backlog": 65536}})", "accept.backlog", "1..65535");
    check_error(R"({"receive": {"max_buffer": 16777217}})", "receive.max_buffer", "512..16777216");
    check_error(R"({"send": {"coalesce_ms": 1001}})", "send.coalesce_ms", "0..1000");
    check_error(R"({"limits": {"max_send_queue_bytes": 4095}})", "limits.max_send_queue_bytes", "4096..");
    check_error(R"({"timeouts": {"idle_s": 604801}})", "timeouts.idle_s", "0..604800");
    check_error(R"({"chat": {"flood": {"burst": 0}}})", "chat.flood.burst", "1..100000");
    check_error(R"({"stats": {"http": {"port": 65536}}})", "stats.http.port", "0..65535");
    check_error(R"({"service": {"name": ""}})", "service.name", "of 1..80 characters");
    check_error(R"({"listen": []})", "listen", "expected at least 1 entry, got []");
}

TEST_CASE("string lengths count characters, not bytes", "[config][errors]")
{
    const std::string name63(63, 'a');
    CHECK(test::load(R"({"chat": {"server_name": ")" + name63 + R"("}})").chat.server_name == name63);
    check_error(R"({"chat": {"server_name": ")" + name63 + R"(a"}})", "chat.server_name", "1..63 characters");
    std::string display;  // 256 two-byte characters: 512 bytes, still within 1..256 characters
    for (int i = 0; i < 256; ++i) display += "\xC3\xA9";
    CHECK(test::load(R"({"service": {"display_name": ")" + display + R"("}})").service.display_name == display);
}

TEST_CASE("bad enumeration values are errors", "[config][errors]")
{
    check_error(R"({"workload": "http"})", "workload", "expected one of \"echo\", \"chat\", got \"http\"");
    check_error(R"({"receive": {"strategy": "iocp"}})", "receive.strategy", "one of \"zero_byte\", \"posted\"");
    check_error(R"({"accept": {"on_limit": "drop"}})", "accept.on_limit", "one of \"pause\", \"reject\"");
    check_error(R"({"log": {"level": "verbose"}})", "log.level",
                "one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", \"off\", got \"verbose\"");
    check_error(R"({"log": {"level": "INFO"}})", "log.level", "got \"INFO\"");
}

TEST_CASE("bad addresses are errors at their index", "[config][errors]")
{
    check_error(R"({"listen": ["127.0.0.1:7000", "localhost:7000"]})", "listen[1]",
                "expected \"ADDR:PORT\", \"tls://ADDR:PORT\", \"proxy://ADDR:PORT\", \"proxy+tls://ADDR:PORT\", "
                "\"ws://ADDR:PORT\" or \"wss://ADDR:PORT\" "
                "(numeric IPv4, [IPv6] or *; port 0..65535), got \"localhost:7000\": "
                "\"localhost\" is not a numeric IPv4 address");
    check_error(R"({"listen": ["127.0.0.1"]})", "listen[0]", "missing \":PORT\"");
    check_error(R"({"listen": ["127.0.0.1:70000"]})", "listen[0]", "out of range 0..65535");
    check_error(R"({"listen": ["::1:7000"]})", "listen[0]", "must be in brackets");
    check_error(R"({"listen": ["*:1", "*:1"]})", "listen[1]", "expected each entry once, got \"*:1\" again (as listen[0])");
    check_error(R"({"stats": {"http": {"address": "localhost"}}})", "stats.http.address",
                "expected a numeric IPv4 or IPv6 address, got \"localhost\"");
    check_error(R"({"stats": {"http": {"allow": ["10.0.0.1", "10.0.0"]}}})", "stats.http.allow[1]",
                "a numeric IPv4 or IPv6 address");
    check_error(R"({"chat": {"server_name": "irc server"}})", "chat.server_name", "expected a name");
}

TEST_CASE("cross-field rules are errors naming both keys", "[config][errors]")
{
    check_error(R"({"accept": {"low_watermark": 100}})", "accept.low_watermark",
                "expected a value <= accept.high_watermark (64), got 100");
    check_error(R"({"receive": {"initial_buffer": 8192, "max_buffer": 4096}})", "receive.initial_buffer",
                "expected a value <= receive.max_buffer (4096), got 8192");
    check_error(R"({"receive": {"initial_buffer": 8192, "max_read_per_wakeup": 4096}})", "receive.max_read_per_wakeup",
                "expected a value >= receive.initial_buffer (8192), got 4096");
    check_error(R"({"chat": {"motd": "hello", "motd_file": "/etc/motd"}})", "chat.motd_file",
                "expected an empty string when chat.motd is set (use one of them), got \"/etc/motd\"");
}

TEST_CASE("JSON syntax errors name the file, line and column", "[config][errors]")
{
    ConfigError e = error_of("{\n  \"threads\": 1,\n  \"listen\": [\"*:1\",]\n}");
    CHECK(e.file() == "test.json");
    CHECK(e.json_path().empty());
    CHECK_THAT(e.what(), Contains("test.json: line 3, column "));
    CHECK_THAT(e.what(), Contains("invalid JSON"));

    e = error_of("{\"threads\": 1 // comment\n}");
    CHECK_THAT(e.what(), Contains("test.json: line 1, column "));
    e = error_of("");
    CHECK_THAT(e.what(), Contains("test.json: line 1, column 1: invalid JSON"));
    e = error_of("{} {}");
    CHECK_THAT(e.what(), Contains("invalid JSON"));
}

TEST_CASE("a key repeated in one object is an error with its path", "[config][errors]")
{
    check_error("{\"accept\": {\"backlog\": 1,\n \"backlog\": 2}}", "accept.backlog", "duplicate key");
    check_error(R"({"threads": 1, "threads": 1})", "threads", "duplicate key");
    // The same key in different objects is fine.
    CHECK(test::load(R"({"stats": {"http": {"port": 1}}, "chat": {"flood": {"burst": 2}}})").chat.flood.burst == 2);
}

TEST_CASE("federation errors name the file, the key and what was expected", "[config][errors]")
{
    const auto with = [](const std::string& federation) {
        return R"({"workload": "chat", "federation": )" + federation + "}";
    };
    check_error(with("true"), "federation", "expected an object or null, got true");
    check_error(with(R"({"heartbeat": 5})"), "federation.heartbeat",
                "unknown key (did you mean federation.heartbeat_s? known keys: redis, password, heartbeat_s, "
                "node_timeout_s, key_prefix)");
    check_error(with(R"({"heartbeat_s": 0})"), "federation.heartbeat_s", "expected an integer 1..3600, got 0");
    check_error(with(R"({"heartbeat_s": 1, "node_timeout_s": 1})"), "federation.node_timeout_s",
                "expected an integer 2..86400, got 1");
    check_error(with(R"({"password": ")" + std::string(257, 'p') + R"("})"), "federation.password",
                "expected a string of 0..256 characters");
}

TEST_CASE("federation.redis must be a numeric address with a real host and port", "[config][errors]")
{
    const auto redis = [](const std::string& address) {
        return R"({"workload": "chat", "federation": {"redis": ")" + address + R"("}})";
    };
    const std::string expected = "expected \"ADDR:PORT\" (numeric IPv4 or [IPv6]; port 1..65535), got ";
    CHECK(std::string(error_of(redis("*:6379")).what()) ==
          "test.json: federation.redis: " + expected +
              "\"*:6379\": * (every address) is for listening; give the Redis server's address");
    CHECK(std::string(error_of(redis("127.0.0.1:0")).what()) ==
          "test.json: federation.redis: " + expected +
              "\"127.0.0.1:0\": port 0 (ephemeral) is for listening; give the Redis server's port");
    check_error(redis("[::1]:0"), "federation.redis", "port 0 (ephemeral) is for listening");
    check_error(redis("*:0"), "federation.redis", "* (every address) is for listening");
    check_error(redis("redis:6379"), "federation.redis",
                expected + "\"redis:6379\": \"redis\" is not a numeric IPv4 address (host names are not resolved)");
    check_error(redis("localhost:6379"), "federation.redis", "host names are not resolved");
    check_error(redis("127.0.0.1"), "federation.redis", "missing \":PORT\"");
    check_error(redis("127.0.0.1:65536"), "federation.redis", "out of range");
    check_error(redis("::1:6379"), "federation.redis", "must be in brackets");
    check_error(redis(":6379"), "federation.redis", expected + "\":6379\": missing address before ':'");
    check_error(redis(""), "federation.redis", expected + "\"\"");
    check_error(R"({"workload": "chat", "federation": {"redis": 6379}})", "federation.redis", expected + "6379");
}

TEST_CASE("federation.key_prefix is 1..64 printable ASCII characters without spaces", "[config][errors]")
{
    const auto prefix = [](const std::string& text) {
        return R"({"workload": "chat", "federation": {"key_prefix": ")" + text + R"("}})";
    };
    // The length is checked first, so its message has the range; the syntax message has not.
    const std::string length = "expected printable ASCII without spaces of 1..64 characters, got ";
    check_error(prefix(""), "federation.key_prefix", length + "\"\"");
    check_error(prefix(std::string(65, 'k')), "federation.key_prefix", length + "\"kkk");
    const std::string syntax = "expected printable ASCII without spaces, got ";
    check_error(prefix("my net:"), "federation.key_prefix", syntax + "\"my net:\"");
    check_error(prefix("tab\\t"), "federation.key_prefix", syntax + "\"tab\\t\"");
    check_error(prefix("caf\xC3\xA9:"), "federation.key_prefix", syntax + "\"caf\xC3\xA9:\"");
}

TEST_CASE("federation.node_timeout_s must be greater than federation.heartbeat_s", "[config][errors]")
{
    CHECK(std::string(error_of(R"({"workload": "chat", "federation": {"heartbeat_s": 10}})").what()) ==
          "test.json: federation.node_timeout_s: expected a value > federation.heartbeat_s (10), got 10");
    check_error(R"({"workload": "chat", "federation": {"heartbeat_s": 5, "node_timeout_s": 4}})",
                "federation.node_timeout_s", "expected a value > federation.heartbeat_s (5), got 4");
    CHECK(test::load(R"({"workload": "chat", "federation": {"heartbeat_s": 5, "node_timeout_s": 6}})")
              .federation.node_timeout_s == 6);
}

TEST_CASE("federation with the echo workload is an error at federation", "[config][errors]")
{
    const std::string message =
        "expected null or absent unless workload is \"chat\" (only the chat workload federates), got workload \"echo\"";
    CHECK(std::string(error_of(R"({"federation": {}})").what()) == "test.json: federation: " + message);
    check_error(R"({"workload": "echo", "federation": {"redis": "10.0.0.1:6379"}})", "federation", message);
}

TEST_CASE("a number too large for a double is a JSON error, not a crash (found by fuzz_config)", "[config][errors]")
{
    // The second is the input fuzz_config found (a bare number, its exponent past any double).
    for (const std::string text : {R"({"threads": 1e999})", "60006066600000003206000606660000000606660e0000032070320742"}) {
        INFO(text);
        const ConfigError e = error_of(text);
        CHECK(e.file() == "test.json");
        CHECK(e.json_path().empty());  // about the whole document, like a syntax error
        CHECK_THAT(e.what(), Catch::StartsWith("test.json: invalid JSON: number overflow parsing '"));
    }
}
