// hiconn-load's layout of a run: which server each connection goes to, its source address,
// each server's share, the chat channels (every channel has members on every server), and
// the per-connection send interval of a total --rate.
#include "tools/load/chat_mode.hpp"
#include "tools/load/echo_mode.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/per_server.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <vector>

namespace load = hiconn::load;

TEST_CASE("layout: targets and source addresses by family", "[load][layout]") {
    const load::Target t = load::make_target({"127.0.0.1:7000", "[::1]:7001", "127.0.0.1:7002"},
                                             {"127.0.0.2", "::1", "127.0.0.3"});
    REQUIRE(t.servers.size() == 3);
    CHECK(t.names[1] == "[::1]:7001");
    CHECK(t.servers[1].address().is_v6());
    CHECK(t.servers[2].port() == 7002);
    REQUIRE(t.sources[0].size() == 2);
    CHECK(t.sources[0][1].to_string() == "127.0.0.3");
    CHECK(t.sources[1].size() == 1);
    CHECK(t.sources[2] == t.sources[0]);
    CHECK(t.server_of(0) == 0);
    CHECK(t.server_of(4) == 1);
    CHECK(t.server_of(8) == 2);

    CHECK(load::make_target({"127.0.0.1:7000"}, {}).sources[0].empty());
    CHECK_THROWS_WITH(load::make_target({"127.0.0.1:7000"}, {"::1"}), Catch::Contains("address family"));
    CHECK_THROWS_WITH(load::make_target({"127.0.0.1:7000", "[::1]:7001"}, {"127.0.0.2"}),
                      Catch::Contains("[::1]:7001"));
    CHECK_THROWS_WITH(load::make_target({"127.0.0.1:7000"}, {"not-an-ip"}), Catch::Contains("not-an-ip"));
    CHECK_THROWS_WITH(load::make_target({"127.0.0.1"}, {}), Catch::Contains("no port"));
    CHECK_THROWS(load::make_target({}, {}));
}

TEST_CASE("layout: each process's share of each server", "[load][layout]") {
    const load::Target t = load::make_target({"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"}, {});
    load::Options o;
    o.connections = 10;  // one process: 4, 3, 3
    CHECK(load::assigned_per_server(o, t) == std::vector<std::uint64_t>{4, 3, 3});
    // Two workers of 10 each (20 in all): global indices 0,2,4,...,18 and 1,3,...,19.
    o.proc_count = 2;
    o.proc_index = 0;
    const auto first = load::assigned_per_server(o, t);
    o.proc_index = 1;
    const auto second = load::assigned_per_server(o, t);
    CHECK(first == std::vector<std::uint64_t>{4, 3, 3});   // 0,6,12,18 | 4,10,16 | 2,8,14
    CHECK(second == std::vector<std::uint64_t>{3, 4, 3});  // 3,9,15 | 1,7,13,19 | 5,11,17

    struct Shard {
        explicit Shard(std::size_t servers) : per_server(servers) {}
        load::PerServer<2> per_server;
    };
    std::vector<std::unique_ptr<Shard>> shards;
    shards.push_back(std::make_unique<Shard>(3));
    shards.push_back(std::make_unique<Shard>(3));
    shards[0]->per_server.add(0, 0, 2);
    shards[1]->per_server.add(0, 0, 1);
    shards[1]->per_server.add(2, 1);
    const auto list = load::per_server_raw<2>(o, t, "assigned", std::array<const char*, 2>{"connected", "failed"}, shards);
    REQUIRE(list.size() == 3);
    CHECK(list[0].at("server") == "127.0.0.1:1");
    CHECK(list[0].at("assigned") == 3);
    CHECK(list[0].at("connected") == 3);
    CHECK(list[0].at("failed") == 0);
    CHECK(list[2].at("failed") == 1);
}

TEST_CASE("layout: chat channels, counted member by member", "[load][layout]") {
    hiconn::core::IoPool pool(1);  // not started: the modes are only asked about the layout
    for (std::size_t servers : {1, 2, 3}) {
        for (std::uint64_t channels : {1, 4, 7}) {
            for (std::uint64_t total : {1, 10, 99}) {
                std::vector<std::string> names;
                for (std::size_t s = 0; s < servers; ++s) names.push_back("127.0.0.1:" + std::to_string(7000 + s));
                const load::Target t = load::make_target(names, {});
                load::Options o;
                o.mode = "chat";
                o.channels = channels;
                o.connections = total;
                o.total_connections = total;
                o.senders = 0;
                load::ChatMode mode(o, pool, t);
                std::vector<std::vector<std::uint64_t>> count(channels, std::vector<std::uint64_t>(servers, 0));
                for (std::uint64_t g = 0; g < total; ++g) {
                    const auto c = mode.channel_of(g);
                    REQUIRE(c < channels);
                    ++count[c][t.server_of(g)];
                }
                INFO(servers << " servers, " << channels << " channels, " << total << " clients");
                for (std::uint64_t c = 0; c < channels; ++c) {
                    std::uint64_t all = 0;
                    for (std::size_t s = 0; s < servers; ++s) {
                        CHECK(mode.channel_members_on(c, s) == count[c][s]);
                        all += count[c][s];
                    }
                    CHECK(mode.channel_members(c) == all);
                }
                if (servers == 1)
                    for (std::uint64_t g = 0; g < total; ++g) CHECK(mode.channel_of(g) == g % channels);
            }
        }
    }
}

TEST_CASE("layout: a total --rate shared out per connection and per sender", "[load][layout]") {
    hiconn::core::IoPool pool(1);
    const load::Target t = load::make_target({"127.0.0.1:7000"}, {});
    load::Options o;
    o.connections = 50;
    o.senders = 10;
    o.channels = 5;
    o.total_connections = 50;
    o.rate = 0;
    CHECK(load::EchoMode(o, pool, t).interval_s() == 0);  // depth-bound
    CHECK(load::ChatMode(o, pool, t).send_interval_s() == 0);
    o.rate = 200;
    CHECK(load::EchoMode(o, pool, t).interval_s() == Approx(0.25));     // 50 connections at 200/s
    CHECK(load::ChatMode(o, pool, t).send_interval_s() == Approx(0.05));  // 10 senders at 200/s
}
