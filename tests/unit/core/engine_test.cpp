// The engine over real loopback sockets: Server, Listener, Worker and Connection together, with
// the echo workload or a small recording one. Waits are bounded; nothing asserts a time.
#include "app/engine_settings.hpp"
#include "config/config.hpp"
#include "core/connection.hpp"
#include "core/io_pool.hpp"
#include "core/server.hpp"
#include "core/workload.hpp"
#include "workloads/echo/echo_workload.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

using namespace hiconn;
using namespace hiconn::core;
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

EngineSettings test_settings() {
    EngineSettings s = app::engine_settings(config::Config{});
    s.listen = {EngineSettings::Listen{tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), false}};
    s.accept.low_watermark = 1;
    s.accept.high_watermark = 1;
    s.timeouts.linger_s = 1;  // closes wait at most that long for the test client's FIN
    return s;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

/// A running engine on one I/O thread, stopped gracefully at the end.
struct Engine {
    IoPool pool{1};
    std::unique_ptr<Server> server;

    Engine(Workload& workload, const EngineSettings& settings)
        : server(std::make_unique<Server>(pool, settings, workload)) {
        pool.start();
        server->start();
    }
    ~Engine() {
        std::promise<void> stopped;
        server->stop([&stopped] { stopped.set_value(); });
        stopped.get_future().wait_for(15s);
        pool.stop();
    }
    tcp::endpoint endpoint() const { return server->local_endpoints().at(0); }
    StatsSnapshot stats() const { return server->stats().snapshot(); }
};

/// The test's side: blocking-free client I/O on its own io_context, each call bounded.
struct Client {
    asio::io_context io;
    tcp::socket socket{io};

    explicit Client(const tcp::endpoint& server) { socket.connect(server); }

    void write(const std::string& bytes) { asio::write(socket, asio::buffer(bytes)); }

    /// Up to `n` bytes, or fewer at EOF; gives up after `limit`. With `send`, writes it at the
    /// same time, on the same thread (an Asio socket must not be used from two threads).
    std::string read(std::size_t n, std::chrono::milliseconds limit = 10s, const std::string* send = nullptr) {
        std::string out(n, '\0');
        std::size_t got = 0;
        bool finished = false;
        io.restart();
        if (send) asio::async_write(socket, asio::buffer(*send), [](const boost::system::error_code&, std::size_t) {});
        asio::async_read(socket, asio::buffer(out), [&](const boost::system::error_code&, std::size_t bytes) {
            got = bytes;
            finished = true;
        });
        io.run_for(limit);
        if (!finished) {
            socket.cancel();
            io.restart();
            io.run_for(1s);
        }
        out.resize(got);
        return out;
    }
    /// Everything until the server's FIN.
    std::string read_to_eof() { return read(64 << 20); }
};

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
}

/// Records what the engine tells it; the handlers below decide what it does with data.
struct RecordingWorkload : Workload {
    std::function<void(Connection&, std::string_view)> data;
    std::atomic<int> opens{0}, closes{0}, queue_full{0}, queue_full_inside_send{0};
    std::atomic<bool> in_send{false};
    std::string rejection;

    void on_open(Connection&) override { ++opens; }
    void on_data(Connection& c, std::string_view bytes) override {
        if (data) data(c, bytes);
    }
    void on_send_queue_full(Connection&) override {
        ++queue_full;
        if (in_send) ++queue_full_inside_send;
    }
    void on_close(Connection&, CloseReason) override { ++closes; }
    std::string rejection_message(CloseReason) override { return rejection; }
};

}  // namespace

TEST_CASE("engine: echo over loopback is byte-exact and counted", "[engine]") {
    echo::EchoWorkload echo;
    Engine engine(echo, test_settings());
    Client client(engine.endpoint());
    const std::string payload = pattern(300'000);  // past the 64 KiB buffer and one wake-up's reads
    const std::string back = client.read(payload.size(), 10s, &payload);
    CHECK(back == payload);
    CHECK(wait_until([&] { return engine.stats().bytes_out == payload.size(); }));
    CHECK(engine.stats().bytes_in == payload.size());
    CHECK(engine.stats().accepts == 1);
    CHECK(engine.stats().connections == 1);
}

TEST_CASE("engine: at the limit in pause mode the next connection waits, then is served", "[engine]") {
    echo::EchoWorkload echo;
    EngineSettings s = test_settings();
    s.limits.max_connections = 1;
    Engine engine(echo, s);
    auto first = std::make_unique<Client>(engine.endpoint());
    first->write("one");
    CHECK(first->read(3) == "one");
    Client second(engine.endpoint());  // completes in the kernel's backlog
    second.write("two");
    const auto limit = static_cast<std::size_t>(AcceptPauseCause::limit);
    CHECK(wait_until([&] { return engine.stats().accept_pauses[limit] >= 1; }));
    CHECK(engine.stats().accepts == 1);
    CHECK(engine.server->budget().slots_in_use() == 1);
    first.reset();  // closes: its slot lets the second one in
    CHECK(second.read(3) == "two");
    CHECK(engine.stats().accepts == 2);
}

TEST_CASE("engine: reject mode sends the workload's rejection and closes", "[engine]") {
    RecordingWorkload workload;
    workload.rejection = "full\r\n";
    EngineSettings s = test_settings();
    s.limits.max_connections = 1;
    s.accept.on_limit = LimitAction::reject;
    Engine engine(workload, s);
    Client first(engine.endpoint());
    CHECK(wait_until([&] { return workload.opens == 1; }));
    Client second(engine.endpoint());
    CHECK(second.read_to_eof() == "full\r\n");
    const auto rejected = static_cast<std::size_t>(CloseReason::rejected_limit);
    CHECK(wait_until([&] { return engine.stats().closes[rejected] == 1; }));
    CHECK(workload.opens == 1);   // a rejected connection is never the workload's
    CHECK(workload.closes == 0);
    CHECK(engine.stats().connections == 1);
}

TEST_CASE("engine: a full send queue stops reading and tells the workload after the send", "[engine]") {
    RecordingWorkload workload;
    // Far more than loopback's socket buffers take.
    const auto reply = make_shared_buffer(std::string(32 << 20, 'x'));
    workload.data = [&](Connection& c, std::string_view) {
        workload.in_send = true;
        c.send(reply);  // the client does not read: most of it stays queued
        workload.in_send = false;
    };
    EngineSettings s = test_settings();
    s.limits.max_send_queue_bytes = 4096;
    Engine engine(workload, s);
    Client client(engine.endpoint());
    client.write("go");
    CHECK(wait_until([&] { return workload.queue_full >= 1; }));
    CHECK(workload.queue_full_inside_send == 0);  // posted, never re-entered from send()
    CHECK(engine.stats().send_queue_bytes > 4096);
}

TEST_CASE("engine: a graceful close flushes everything queued, then FIN", "[engine]") {
    RecordingWorkload workload;
    const std::string big = pattern(2 << 20);
    workload.data = [&](Connection& c, std::string_view) {
        c.enqueue(make_shared_buffer(big));
        c.close();
    };
    Engine engine(workload, test_settings());
    Client client(engine.endpoint());
    client.write("?");
    CHECK(client.read_to_eof() == big);
    const auto by_workload = static_cast<std::size_t>(CloseReason::workload);
    CHECK(wait_until([&] { return engine.stats().closes[by_workload] == 1; }));
    CHECK(workload.closes == 1);
    CHECK(engine.stats().send_queue_bytes == 0);
}

TEST_CASE("engine: stop closes every connection, then reports", "[engine]") {
    echo::EchoWorkload echo;
    IoPool pool(1);
    Server server(pool, test_settings(), echo);
    pool.start();
    server.start();
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(std::make_unique<Client>(server.local_endpoints().at(0)));
    CHECK(wait_until([&] { return server.stats().snapshot().connections == 3; }));
    std::promise<void> stopped;
    server.stop([&stopped] { stopped.set_value(); });
    for (auto& c : clients) CHECK(c->read_to_eof().empty());
    CHECK(stopped.get_future().wait_for(15s) == std::future_status::ready);
    const auto stop = static_cast<std::size_t>(CloseReason::server_stop);
    CHECK(server.stats().snapshot().closes[stop] == 3);
    CHECK(server.stats().snapshot().connections == 0);
    pool.stop();
}
