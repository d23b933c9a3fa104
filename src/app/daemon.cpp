#include "app/daemon.hpp"

#include "app/admin_http.hpp"      // ops: stats.http endpoint
#include "app/engine_settings.hpp"
#include "tls/context.hpp"
#include "app/metrics_source.hpp"  // ops
#include "app/stats_history.hpp"   // ops: the status page's ten minutes
#include "app/stats_reporter.hpp"
#include "core/endpoint_text.hpp"
#include "core/io_pool.hpp"
#include "core/log.hpp"
#include "core/server.hpp"
#include "core/workload.hpp"
#include "platform/crash_report.hpp"
#include "platform/platform.hpp"
#include "workloads/workload_factory.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <sstream>

namespace hiconn::app {
namespace asio = boost::asio;

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string startup_line(const config::Config& c, std::size_t threads) {
    std::ostringstream line;
    line << "hiconn " << HICONN_VERSION << ": workload " << c.workload << " on " << join(c.listen)
         << "; " << threads << " I/O threads; receive " << c.receive.strategy << " ("
         << c.receive.initial_buffer << ".." << c.receive.max_buffer << " B, "
         << c.receive.max_read_per_wakeup << " B per wake-up); accepts " << c.accept.low_watermark
         << ".." << c.accept.high_watermark << " posted, backlog " << c.accept.backlog
         << ", on limit " << c.accept.on_limit << "; max " << c.limits.max_connections
         << " connections";
    if (c.limits.max_connections_per_ip) line << " (" << c.limits.max_connections_per_ip << " per IP)";
    line << ", " << c.limits.max_outstanding_sends << " posted sends, send queue "
         << c.limits.max_send_queue_bytes << " B";
    if (c.receive.strategy == "posted") line << ", " << c.limits.max_outstanding_receives << " posted receives";
    if (c.workload == "chat" && c.federation.enabled)
        line << "; federation: node " << c.chat.server_name << " of network " << c.chat.network_name
             << " through Redis " << c.federation.redis << " (key prefix \"" << c.federation.key_prefix << "\")";
    else if (c.workload == "chat")
        line << "; standalone (no federation)";
    return line.str();
}

}  // namespace

struct Daemon::Impl {
    Impl(config::Config c, std::vector<std::string> o)
        : config(std::move(c)), overrides(std::move(o)), guard(control.get_executor()), tick_timer(control) {}

    void do_tick() {
        tick_timer.expires_after(std::chrono::seconds(1));
        tick_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            if (hooks.tick) hooks.tick();
            record_history();
            log::flush_limited();  // ops: summaries of rate-limited log lines
            do_tick();
        });
    }

    // One point a second for the status page, from the reading /stats serves. The tick's
    // period drifts by its handler's time; the rates use the measured interval.
    void record_history() {
        if (!history) return;
        const auto wall = std::chrono::system_clock::now().time_since_epoch();
        history->record(sample(), std::chrono::steady_clock::now(),
                        std::chrono::duration_cast<std::chrono::milliseconds>(wall).count());
    }
    MetricsSample sample() const { return collect_sample(*server, workload_name); }

    void finish_stop() {
        tick_timer.cancel();
        if (admin) admin->stop();  // ops
        if (reporter) reporter->stop();
        pool->stop();  // every connection is gone: nothing is left to run
        const auto s = server->stats().snapshot();
        log::info("stopped: " + std::to_string(s.accepts) + " connections served, " +
                  std::to_string(s.bytes_in) + " bytes in, " + std::to_string(s.bytes_out) +
                  " bytes out");
        guard.reset();
        control.stop();
    }

    mutable std::mutex mutex;  // config and reload
    config::Config config;
    std::vector<std::string> overrides;
    asio::io_context control;  // signals, stats, admin: never the I/O threads
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    asio::steady_timer tick_timer;
    std::unique_ptr<core::IoPool> pool;
    std::unique_ptr<core::Workload> workload;
    std::unique_ptr<core::Server> server;
    std::unique_ptr<StatsReporter> reporter;
    std::unique_ptr<AdminHttp> admin;  // ops: stats.http, runs on `control`
    std::unique_ptr<StatsHistory> history;  // ops: with stats.http; written by the tick only
    std::string workload_name;  // fixed while running (a reload keeps it)
    Hooks hooks;
    std::atomic<bool> stopping{false};
};

Daemon::Daemon(config::Config config, std::vector<std::string> overrides)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(overrides))) {
    // A fatal signal, an unhandled exception or std::terminate leaves one line with its cause
    // (and a backtrace) before the process dies as it would have. Console and service alike.
    platform::install_crash_reporter();
}

Daemon::~Daemon() {
    if (impl_->pool) impl_->pool->stop();
}

void Daemon::set_hooks(Hooks hooks) { impl_->hooks = std::move(hooks); }

core::Server& Daemon::server() { return *impl_->server; }
const config::Config& Daemon::config() const { return impl_->config; }
asio::io_context& Daemon::control_context() { return impl_->control; }

void Daemon::start() {
    auto& d = *impl_;
    const auto& c = d.config;
    log::configure(log::parse_level(c.log.level), c.log.file, c.log.max_size_mb, c.log.max_files);
    platform::set_crash_log_file(c.log.file);  // log.file needs a restart: set once, here

    const auto files = platform::raise_open_file_limit();
    d.pool = std::make_unique<core::IoPool>(c.threads);
    log::info(startup_line(c, d.pool->size()));
    log::info("resources: " + platform::describe_resource_limits() +
              (files.raised ? " (soft open-file limit raised to the hard limit)" : ""));
    // Each connection is one descriptor; keep some for listeners, logs and the runtime.
    constexpr std::uint64_t reserve_fds = 64;
    if (files.soft > 0 && c.limits.max_connections + reserve_fds > files.soft) {
        log::warn("limits.max_connections = " + std::to_string(c.limits.max_connections) +
                  " cannot be reached: the open-file limit is " + std::to_string(files.soft) +
                  "; about " + std::to_string(files.soft > reserve_fds ? files.soft - reserve_fds : 0) +
                  " connections can be held, further accepts pause until one closes");
    }

    d.workload = workloads::make_workload(c);
    auto settings = engine_settings(c);  // throws ConfigError for a TLS file (exit 2)
    if (settings.tls) log::info("tls: " + settings.tls->description());
    d.server = std::make_unique<core::Server>(*d.pool, settings, *d.workload);
    d.pool->start();
    d.workload->start(*d.pool);  // e.g. joins the federation; throws ConfigError if refused
    d.server->start();

    std::vector<std::string> bound;
    for (const auto& l : d.server->local_listeners())
        bound.push_back(l.scheme() + core::to_text(l.endpoint));
    log::info("listening on " + join(bound));
    for (const auto& l : settings.listen)
        if (l.proxy && settings.proxy_trusted.empty()) {
            log::warn("a proxy listener (" + std::string(l.scheme()) + core::to_text(l.endpoint) +
                      ") with an empty proxy_protocol.trusted closes every connection");
            break;
        }
    d.reporter = std::make_unique<StatsReporter>(d.control, *d.server, c.stats.interval_s);
    d.reporter->start();
    // --- ops: the admin/metrics endpoint (docs/operations.md); same calls as the signals ---
    d.workload_name = c.workload;
    if (c.stats.http.enabled) {
        d.history = std::make_unique<StatsHistory>();
        d.record_history();  // the page has a first point at once
        AdminCallbacks callbacks{[&d] { return d.sample(); }, [&d] { return d.history->render_json(); },
                                 [this] { pause(); }, [this] { resume(); }, [this] { return reload(); }, {}};
        if (c.workload == "chat")  // echo has no routes of its own: /chat/... is 404 there
            callbacks.workload = [&d](const core::AdminRequest& r) { return d.workload->admin_request(r); };
        d.admin = std::make_unique<AdminHttp>(d.control, c.stats.http, std::move(callbacks));
        d.admin->start();  // logs the bound address; throws (exit 1) when it cannot listen
    }
    // --- end ops ---
    d.do_tick();
    if (d.hooks.ready) d.hooks.ready();
}

int Daemon::wait() {
    impl_->control.run();
    return 0;
}

void Daemon::stop() {
    auto& d = *impl_;
    asio::post(d.control, [&d] {
        if (d.stopping.exchange(true) || !d.server) return;
        if (d.hooks.stopping) d.hooks.stopping();
        log::info("stopping: listeners closed, flushing and closing " +
                  std::to_string(d.server->stats().snapshot().connections) + " connections");
        d.server->stop([&d] {
            d.workload->stop([&d] { asio::post(d.control, [&d] { d.finish_stop(); }); });
        });
    });
}

void Daemon::pause() {
    if (impl_->server) impl_->server->pause();
}

void Daemon::resume() {
    if (impl_->server) impl_->server->resume();
}

bool Daemon::reload() {
    auto& d = *impl_;
    std::lock_guard lock(d.mutex);
    if (d.hooks.reloading) d.hooks.reloading();
    bool ok = false;
    try {
        config::Config next = d.config.source_file.empty()
                                  ? config::from_json_text("{}", "<defaults>", d.overrides)
                                  : config::load_file(d.config.source_file, d.overrides);
        // These shape the running engine; they take effect at the next start.
        const auto keep = [](const char* name, auto& next_value, const auto& old_value) {
            if (next_value != old_value) {
                log::warn(std::string("reload: ") + name + " changed; it needs a restart, keeping the running value");
                next_value = old_value;
            }
        };
        keep("workload", next.workload, d.config.workload);
        keep("listen", next.listen, d.config.listen);
        keep("threads", next.threads, d.config.threads);
        keep("receive.strategy", next.receive.strategy, d.config.receive.strategy);
        keep("log.file", next.log.file, d.config.log.file);
        // A node's name and its link are the network's view of it: fixed while it runs.
        const auto& f = next.federation;
        const auto& g = d.config.federation;
        if (f.enabled != g.enabled || f.redis != g.redis || f.password != g.password ||
            f.heartbeat_s != g.heartbeat_s || f.node_timeout_s != g.node_timeout_s ||
            f.key_prefix != g.key_prefix) {
            log::warn("reload: federation changed; it needs a restart, keeping the running value");
            next.federation = g;
        }
        if (g.enabled) {
            keep("chat.server_name", next.chat.server_name, d.config.chat.server_name);
            keep("chat.network_name", next.chat.network_name, d.config.chat.network_name);
        }
        auto settings = engine_settings(next);  // the certificate and key as they are now
        log::set_level(log::parse_level(next.log.level));
        log::reopen();
        if (settings.tls) log::info("reload: tls: " + settings.tls->description() + " for new connections");
        if (d.server) {
            d.server->apply(settings);
            d.workload->reload(next);
        }
        if (d.reporter) d.reporter->set_interval(next.stats.interval_s);
        if (d.admin) d.admin->apply(next.stats.http);  // ops: new allow list / token
        d.config = std::move(next);
        log::info("reload: configuration applied (limits, timeouts, accept watermarks, log level)");
        ok = true;
    } catch (const config::ConfigError& e) {
        log::error(std::string("reload: invalid configuration, keeping the running one: ") + e.what());
    } catch (const std::exception& e) {
        log::error(std::string("reload failed, keeping the running configuration: ") + e.what());
    }
    if (d.hooks.reloaded) d.hooks.reloaded();
    return ok;
}

}  // namespace hiconn::app
