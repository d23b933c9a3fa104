#include "tools/load/run.hpp"

#include "core/io_pool.hpp"
#include "platform/platform.hpp"
#include "tools/load/chat_mode.hpp"
#include "tools/load/connect_mode.hpp"
#include "tools/load/coordinator.hpp"
#include "tools/load/echo_mode.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/handshake_mode.hpp"
#include "tools/load/tls_client.hpp"
#include "tools/load/ws_client.hpp"

#include <iostream>
#include <thread>

namespace hiconn::load {
namespace {

// `tls`: null = plain TCP (never for handshake, which implies --tls); `ws`: null = no
// WebSocket (always for handshake).
std::unique_ptr<Mode> make_mode(const Options& o, core::IoPool& pool, const Target& target, TlsClient* tls,
                                WsClient* ws) {
    if (o.mode == "connect") return std::make_unique<ConnectMode>(o, pool, target, tls, ws);
    if (o.mode == "echo") return std::make_unique<EchoMode>(o, pool, target, tls, ws);
    if (o.mode == "handshake") return std::make_unique<HandshakeMode>(o, pool, target, *tls);
    return std::make_unique<ChatMode>(o, pool, target, tls, ws);
}

// The phases of mode.hpp, each bounded: a wait that reaches its limit moves on.
Json drive(const Options& o, Mode& mode, core::IoPool& pool, Coordinator& coordinator) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(o.effective_timeout_s()));
    auto wait_until = [&](auto done, Clock::time_point until) {
        while (!done()) {
            if (Clock::now() >= until) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            coordinator.on_progress(mode.progress());
        }
        return true;
    };
    auto seconds_from_now = [&](double s) {
        return std::min(deadline, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                     std::chrono::duration<double>(s)));
    };
    bool timed_out = false;

    coordinator.at_start();
    mode.start_establish();
    timed_out |= !wait_until([&] { return mode.established(); }, deadline);
    coordinator.at_ready(deadline);

    mode.start_measure();
    timed_out |= !wait_until([&] { return mode.measure_settled(); }, deadline);
    const auto hold_until = seconds_from_now(mode.measure_hold_s());
    wait_until([&] { return mode.measure_over(); }, hold_until);
    timed_out |= Clock::now() >= deadline;
    mode.stop_measure();
    // The server's end sample comes after the drain: the replies/deliveries still under way
    // are counted, so the CPU they cost must be too.
    wait_until([&] { return mode.drained(); }, seconds_from_now(o.drain_s));
    coordinator.at_measured(deadline);
    mode.close_all();
    // Closing is local work: give it a few seconds even past the deadline.
    wait_until([&] { return mode.closed(); }, Clock::now() + std::chrono::seconds(5));
    pool.stop();
    // Run what the stop left queued (completions of the closed sockets) on this thread, so
    // no session outlives the mode it points to.
    for (std::size_t i = 0; i < pool.size(); ++i) {
        pool.context(i).restart();
        pool.context(i).poll();
    }

    Json raw = mode.raw_result();
    raw["timed_out"] = timed_out;
    return raw;
}

}  // namespace

int run_process(const Options& o) {
    const auto limit = platform::raise_open_file_limit();
    Target target;
    std::unique_ptr<TlsClient> tls;
    std::unique_ptr<WsClient> ws;
    try {
        target = make_target(o.servers, o.sources);
        if (o.tls) tls = std::make_unique<TlsClient>(o, target);
        if (o.ws) ws = std::make_unique<WsClient>(o, target);
    } catch (const std::exception& e) {
        std::cerr << "hiconn-load: " << e.what() << "\n";
        return 2;
    }
    auto coordinator = o.worker ? make_worker_coordinator(o) : make_local_coordinator(o);
    if (!o.worker && limit.soft && o.connections + 64 > limit.soft)
        std::cerr << "hiconn-load: " << o.connections << " connections exceed this process's "
                  << "open-file limit (" << limit.soft << "): use --procs\n";

    core::IoPool pool(o.threads);
    auto mode = make_mode(o, pool, target, tls.get(), ws.get());
    pool.start();
    Json raw = drive(o, *mode, pool, *coordinator);
    raw["max"]["fd_limit"] = static_cast<double>(limit.soft);
    return coordinator->finish(raw);
}

}  // namespace hiconn::load
