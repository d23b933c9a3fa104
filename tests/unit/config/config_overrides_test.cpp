// "--set path=value" overrides: applied before validation, so the same checks and messages hold.
#include "config_test_util.hpp"

using namespace hiconn::config;
using hiconn::config::test::error_of;
using hiconn::config::test::load;
using Catch::Contains;

TEST_CASE("--set changes a value, parsed as JSON", "[config][set]")
{
    const Config c = load(R"({"limits": {"max_connections": 50}})",
                          {"limits.max_connections=10", "threads=4", "accept.on_limit=\"reject\""});
    CHECK(c.limits.max_connections == 10);
    CHECK(c.threads == 4);
    CHECK(c.accept.on_limit == "reject");
}

TEST_CASE("--set with a value that is not JSON takes it as a string", "[config][set]")
{
    const Config c = load("{}", {"log.level=debug", "workload=chat", "log.file=/var/log/hiconn.log"});
    CHECK(c.log.level == "debug");
    CHECK(c.workload == "chat");
    CHECK(c.log.file == "/var/log/hiconn.log");
}

TEST_CASE("--set of a string key keeps text that looks like JSON as typed", "[config][set]")
{
    const Config c = load("{}", {"chat.password=1234", "chat.motd=true", "chat.network_name=\"Net\""});
    CHECK(c.chat.password == "1234");
    CHECK(c.chat.motd == "true");
    CHECK(c.chat.network_name == "Net");
}

TEST_CASE("--set of lists, list entries, sections and null", "[config][set]")
{
    CHECK(load("{}", {R"(listen=["[::1]:1","*:2"])"}).listen == std::vector<std::string>{"[::1]:1", "*:2"});
    CHECK(load("{}", {"listen=[::1]:7001"}).listen == std::vector<std::string>{"[::1]:7001"});
    CHECK(load(R"({"listen": ["*:1", "*:2"]})", {"listen[1]=*:3"}).listen == std::vector<std::string>{"*:1", "*:3"});
    CHECK(load(R"({"listen": ["*:1"]})", {"listen[1]=*:3"}).listen == std::vector<std::string>{"*:1", "*:3"});
    // An index into a list the file does not set starts from the default list.
    CHECK(load("{}", {"listen[1]=[::1]:7000"}).listen ==
          std::vector<std::string>{"127.0.0.1:7000", "[::1]:7000"});
    const Config http = load("{}", {"stats.http.port=8080"});
    CHECK(http.stats.http.enabled);
    CHECK(http.stats.http.port == 8080);
    CHECK_FALSE(load(R"({"stats": {"http": {"port": 1}}})", {"stats.http=null"}).stats.http.enabled);
    CHECK(load("{}", {R"(accept={"backlog": 7})"}).accept.backlog == 7);
    CHECK(load("{}", {"threads=1", "threads=2"}).threads == 2);  // the last one wins
}

TEST_CASE("--set of an unknown path is an error from '--set PATH'", "[config][set]")
{
    ConfigError e = error_of("{}", {"limits.nope=1"});
    CHECK(e.file() == "--set limits.nope");
    CHECK(e.json_path() == "limits.nope");
    CHECK_THAT(e.what(), Contains("--set limits.nope: limits.nope: unknown key (known keys: max_connections,"));

    e = error_of("{}", {"max_connections=5"});
    CHECK_THAT(e.message(), Contains("did you mean limits.max_connections?"));
    e = error_of("{}", {"nope.max_connections=5"});
    CHECK(e.json_path() == "nope");
    e = error_of("{}", {"threads.x=5"});
    CHECK(e.json_path() == "threads");
    CHECK_THAT(e.message(), Contains("not an object"));
    e = error_of("{}", {"threads[0]=5"});
    CHECK_THAT(e.message(), Contains("not an array"));
    e = error_of("{}", {"listen[3]=*:1"});
    CHECK(e.file() == "--set listen[3]");
    CHECK_THAT(e.message(), Contains("index out of range"));
}

TEST_CASE("--set that is not PATH=VALUE is an error", "[config][set]")
{
    for (const char* text : {"threads", "=5", "a..b=1", "listen[x]=1", "listen[1]x=1", ".a=1"}) {
        INFO(text);
        const ConfigError e = error_of("{}", {text});
        CHECK(e.file() == std::string("--set ") + text);
        CHECK_THAT(e.message(), Contains("expected PATH=VALUE"));
    }
}

TEST_CASE("an overridden value meets the same validation, reported against --set", "[config][set]")
{
    ConfigError e = error_of("{}", {"limits.max_connections=-5"});
    CHECK(std::string(e.what()) ==
          "--set limits.max_connections: limits.max_connections: expected an integer 1..10000000, got -5");
    e = error_of("{}", {"receive.strategy=iocp"});
    CHECK(e.file() == "--set receive.strategy");
    CHECK_THAT(e.message(), Contains("got \"iocp\""));
    e = error_of("{}", {"listen[0]=localhost:1"});
    CHECK(e.file() == "--set listen[0]");
    CHECK(e.json_path() == "listen[0]");
    // A cross-field rule broken by an override is blamed on the override.
    e = error_of("{}", {"accept.high_watermark=2"});
    CHECK(e.file() == "--set accept.high_watermark");
    CHECK(e.json_path() == "accept.low_watermark");
    // Errors elsewhere still name the file.
    e = error_of(R"({"threads": -1})", {"limits.max_connections=5"});
    CHECK(e.file() == "test.json");
    // The file's own type errors on the way to an override name the file.
    e = error_of(R"({"accept": 5})", {"accept.backlog=5"});
    CHECK(e.file() == "test.json");
    CHECK(e.json_path() == "accept");
    e = error_of(R"({"accept": null})", {"accept.backlog=5"});
    CHECK(e.file() == "test.json");
    CHECK(e.message() == "expected an object, got null");
    e = error_of("null", {"threads=1"});
    CHECK(e.file() == "test.json");
    CHECK(e.message() == "expected a JSON object at the top level, got null");
}

TEST_CASE("--set refuses bytes that are not UTF-8", "[config][set]")
{
    const ConfigError e = error_of("{}", {"chat.motd=\xff\xfe"});
    CHECK(e.file() == "--set chat.motd");
    CHECK(e.message() == "expected UTF-8 text");
    CHECK(load("{}", {"chat.motd=caf\xC3\xA9"}).chat.motd == "caf\xC3\xA9");
}

TEST_CASE("--set of a federation key turns federation on, like stats.http", "[config][set]")
{
    const Config c = load(R"({"workload": "chat"})", {"federation.redis=127.0.0.1:7777"});
    CHECK(c.federation.enabled);
    CHECK(c.federation.redis == "127.0.0.1:7777");
    CHECK(c.federation.heartbeat_s == 2);  // the others keep their defaults
    CHECK(c.federation.key_prefix == "hiconn:");
    // Over a null section too, and with the workload from another override (--workload chat).
    const Config null = load(R"({"federation": null})", {"workload=chat", "federation.node_timeout_s=30"});
    CHECK(null.federation.enabled);
    CHECK(null.federation.node_timeout_s == 30);
    CHECK(load("{}", {"workload=chat", "federation={}"}).federation.enabled);
    CHECK_FALSE(load(R"({"workload": "chat", "federation": {}})", {"federation=null"}).federation.enabled);
    // A string key takes the text as typed.
    CHECK(load(R"({"workload": "chat"})", {"federation.key_prefix=123", "federation.password=true"})
              .federation.key_prefix == "123");
}

TEST_CASE("federation errors caused by an override are blamed on it", "[config][set]")
{
    ConfigError e = error_of("{}", {"federation.redis=127.0.0.1:7777"});  // the default workload is echo
    CHECK(e.file() == "--set federation.redis");
    CHECK(e.json_path() == "federation");
    CHECK_THAT(e.message(), Contains("only the chat workload federates"));
    e = error_of(R"({"workload": "chat", "federation": {}})", {"workload=echo"});
    CHECK(e.file() == "--set workload");
    CHECK(e.json_path() == "federation");
    e = error_of(R"({"workload": "chat"})", {"federation.redis=*:6379"});
    CHECK(std::string(e.what()) ==
          "--set federation.redis: federation.redis: expected \"ADDR:PORT\" (numeric IPv4 or [IPv6]; port "
          "1..65535), got \"*:6379\": * (every address) is for listening; give the Redis server's address");
    e = error_of(R"({"workload": "chat", "federation": {}})", {"federation.heartbeat_s=10"});
    CHECK(e.file() == "--set federation.heartbeat_s");
    CHECK(e.json_path() == "federation.node_timeout_s");
    // An override elsewhere leaves the blame with the file.
    e = error_of(R"({"federation": {}})", {"threads=2"});
    CHECK(e.file() == "test.json");
    e = error_of(R"({"workload": "chat"})", {"federation.nope=1"});
    CHECK(e.file() == "--set federation.nope");
    CHECK_THAT(e.message(), Contains("unknown key (known keys: redis, password, heartbeat_s, node_timeout_s, key_prefix)"));
}
