// fuzz_admin_http: bytes as what a client sends on one connection to the admin endpoint,
// through serve_http_bytes() (the session's reading with its limits, then respond(): routing,
// access and token checks, the metrics rendering). Each input is served twice: from
// 127.0.0.1 with no token configured, and from another address on the allow list with a
// bearer token required. The callbacks do nothing (a reload alternates success and
// failure), except the workload's: the chat moderation routes (/chat/..., their JSON
// bodies) run against a real ChatServer without clients (no bans file), so bans are set,
// listed and lifted. A crash, UB or an exception out of serve_http_bytes() is a finding;
// so is an output that does not start with an HTTP status line.
#include "app/admin_http.hpp"
#include "app/stats_history.hpp"

#include "core/log.hpp"
#include "workloads/chat/chat_admin.hpp"
#include "workloads/chat/chat_server.hpp"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace hiconn;

namespace {

app::MetricsSample sample() {
    app::MetricsSample s;
    s.workload_name = "chat";
    s.version = HICONN_VERSION;
    s.resident_bytes = 12345678;
    s.open_files = 42;
    s.stats.connections = 3;
    s.workload.push_back({"chat_clients", "Connected chat clients", false, 3});
    s.workload.push_back({"chat_messages_total", "Messages", true, 17});
    return s;
}

app::AdminCallbacks callbacks() {
    app::AdminCallbacks c;
    c.sample = [] { return sample(); };
    c.history = [] {
        app::StatsHistory history(4);
        const auto t = std::chrono::steady_clock::time_point{};
        for (int i = 0; i < 6; ++i) history.record(sample(), t + std::chrono::seconds(i), i * 1000);
        return history.render_json();
    };
    c.pause = [] {};
    c.resume = [] {};
    c.reload = [] {
        static bool ok = false;
        return ok = !ok;
    };
    c.workload = [](const core::AdminRequest& request) {
        static chat::ChatServer server([] {
            config::Config config;
            config.workload = "chat";
            config.chat.bans_file.clear();
            return config;
        }());
        return chat::serve_chat_admin(server, request);
    };
    return c;
}

void serve(std::string_view bytes, const char* peer, const app::AdminAccess& access,
           const app::AdminCallbacks& cb) {
    const std::string out = app::serve_http_bytes(bytes, boost::asio::ip::make_address(peer), access, cb);
    if (!out.empty() && out.rfind("HTTP/1.", 0) != 0) {
        std::fprintf(stderr, "a response that is not HTTP: %.200s\n", out.c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const app::AdminAccess open_access({}, "");
    static const app::AdminAccess token_access({"10.1.0.0/16", "2001:db8::1"}, "s3cret-token");
    static const app::AdminCallbacks cb = callbacks();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    serve(bytes, "127.0.0.1", open_access, cb);
    serve(bytes, "::ffff:10.1.2.3", token_access, cb);
    return 0;
}
