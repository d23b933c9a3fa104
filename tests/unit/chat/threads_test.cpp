// ChatServer driven from several real threads, each owning its clients the way the engine's
// I/O threads do (deliveries to another thread's clients arrive as posted tasks). Under
// ThreadSanitizer this shows the shared state is race-free; in any build it checks that
// every message reaches every other member exactly once.
#include "chat_harness.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

using namespace hiconn::chat;

namespace {

class Loop {
public:
    Loop() : thread_([this] { run(); }) {}
    ~Loop() {
        post(nullptr);
        thread_.join();
    }
    void post(std::function<void()> task) {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_.push_back(std::move(task));
        cv_.notify_one();
    }

private:
    void run() {
        while (true) {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                cv_.wait(lock, [&] { return !tasks_.empty(); });
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            if (!task) return;
            task();
        }
    }
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> tasks_;
    std::thread thread_;
};

struct Record {
    std::string written;  // only touched on the owning loop
    std::atomic<bool> closed{false};
};

class ThreadLink final : public ClientLink {
public:
    ThreadLink(Loop& loop, std::size_t index, Record& record, std::atomic<std::size_t>& messages)
        : loop_(loop), index_(index), record_(record), messages_(messages) {}
    void enqueue(SharedBuffer bytes) override {
        record_.written += *bytes;
        std::size_t n = 0;
        for (std::size_t at = bytes->find(" PRIVMSG #s "); at != std::string::npos;
             at = bytes->find(" PRIVMSG #s ", at + 1))
            ++n;
        messages_ += n;
    }
    void close(hiconn::core::CloseReason) override { record_.closed = true; }
    void set_timer(std::uint32_t) override {}
    void cancel_timer() override {}
    std::size_t thread_index() const override { return index_; }
    void post(std::function<void()> task) override { loop_.post(std::move(task)); }
    std::string remote_ip() const override { return "127.0.0.1"; }

private:
    Loop& loop_;
    std::size_t index_;
    Record& record_;
    std::atomic<std::size_t>& messages_;
};

// Runs `fn` on `loop` and waits for it.
void run_on(Loop& loop, std::function<void()> fn) {
    std::promise<void> done;
    loop.post([&] {
        fn();
        done.set_value();
    });
    done.get_future().wait();
}

}  // namespace

TEST_CASE("threads: fan-out across four I/O threads, every message once", "[chat][threads]") {
    constexpr std::size_t threads = 4, per_thread = 15, messages_each = 10;
    constexpr std::size_t clients = threads * per_thread;
    ChatServer server(test::test_config());
    std::vector<std::unique_ptr<Loop>> loops;
    for (std::size_t t = 0; t < threads; ++t) loops.push_back(std::make_unique<Loop>());
    std::vector<std::unique_ptr<Record>> records(clients);
    std::vector<Client*> handles(clients);
    std::atomic<std::size_t> received{0};

    // Register and join, each client on its own thread, all threads at once.
    std::vector<std::thread> starters;
    for (std::size_t t = 0; t < threads; ++t)
        starters.emplace_back([&, t] {
            run_on(*loops[t], [&, t] {
                for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i) {
                    records[i] = std::make_unique<Record>();
                    handles[i] = &server.open(std::make_unique<ThreadLink>(*loops[t], t, *records[i], received));
                    std::string nick = "n" + std::to_string(i);
                    server.on_data(*handles[i], "NICK " + nick + "\r\nUSER " + nick + " 0 * :x\r\nJOIN #s\r\n");
                }
            });
        });
    for (auto& s : starters) s.join();

    // Everyone talks at once.
    std::vector<std::thread> talkers;
    for (std::size_t t = 0; t < threads; ++t)
        talkers.emplace_back([&, t] {
            for (std::size_t m = 0; m < messages_each; ++m)
                run_on(*loops[t], [&, t, m] {
                    for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i)
                        server.on_data(*handles[i], "PRIVMSG #s :m" + std::to_string(m) + "\r\n");
                });
        });
    for (auto& s : talkers) s.join();

    const std::size_t expected = clients * messages_each * (clients - 1);
    for (int i = 0; i < 3000 && received.load() < expected; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(received.load() == expected);

    // Half quit, the other half drop; each remaining peer sees every QUIT exactly once.
    for (std::size_t t = 0; t < threads; ++t)
        run_on(*loops[t], [&, t] {
            for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i) {
                if (i % 2 == 0) server.on_data(*handles[i], "QUIT :bye\r\n");
                else server.on_close(*handles[i], hiconn::core::CloseReason::peer_closed);
            }
        });
    for (std::size_t t = 0; t < threads; ++t)
        run_on(*loops[t], [&, t] {
            for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i)
                if (i % 2 == 0) server.on_close(*handles[i], hiconn::core::CloseReason::workload);
        });
    for (auto& loop : loops) run_on(*loop, [] {});  // drain what was posted
    for (auto& loop : loops) run_on(*loop, [] {});
    CHECK(server.client_count() == 0);
    std::vector<hiconn::core::Metric> metrics;
    server.collect_metrics(metrics);
    CHECK(metrics[0].value == 0);
    CHECK(metrics[1].value == 0);
    CHECK(metrics[3].value == double(expected));
    loops.clear();
    for (auto& r : records) CHECK(r->written.find(":irc.test 001 ") != std::string::npos);

    // The clients left in index order, each thread's in turn, and a delivery to another
    // thread is posted before that thread's own clients leave: client j was still there when
    // each i < j left and gone when each i > j did. So j saw the QUIT of every i < j exactly
    // once (whether i sent QUIT or dropped), and none of i > j nor its own.
    std::size_t quits_seen = 0;
    for (std::size_t j = 0; j < clients; ++j) {
        std::vector<std::size_t> seen(clients, 0);
        const std::string& out = records[j]->written;
        for (std::size_t at = out.find(" QUIT "); at != std::string::npos; at = out.find(" QUIT ", at + 1)) {
            const std::size_t line = out.rfind('\n', at) == std::string::npos ? 0 : out.rfind('\n', at) + 1;
            // ":n<i>!n<i>@... QUIT :..."
            REQUIRE(out.compare(line, 2, ":n") == 0);
            const std::size_t bang = out.find('!', line);
            REQUIRE(bang < at);
            const std::size_t i = std::stoul(out.substr(line + 2, bang - line - 2));
            REQUIRE(i < clients);
            ++seen[i];
            ++quits_seen;
        }
        for (std::size_t i = 0; i < clients; ++i) {
            INFO("client n" << j << " saw the QUIT of n" << i << " " << seen[i] << " times");
            CHECK(seen[i] == (i < j ? 1u : 0u));
        }
    }
    CHECK(quits_seen == clients * (clients - 1) / 2);
}
