#include "app/engine_settings.hpp"

#include "app/chat_page.hpp"
#include "tls/context.hpp"

#include <boost/asio/ip/address.hpp>

#include <filesystem>
#include <stdexcept>

namespace hiconn::app {
namespace asio = boost::asio;

namespace {
core::EngineSettings::Listen listen_spec(const std::string& text) {
    try {
        const auto address = config::parse_listen_address(text);
        return {{asio::ip::make_address(address.host), address.port}, address.tls, address.proxy,
                address.websocket};
    } catch (const std::exception&) {
        throw std::runtime_error("cannot listen on " + text + ": not a numeric address");
    }
}

using config::beside_config;

/// The tls section as a loaded context; null when the section is absent. Throws ConfigError.
std::shared_ptr<const tls::Context> tls_context(const config::Config& c) {
    if (!c.tls.enabled) return nullptr;
    const auto& t = c.tls;
    try {
        return tls::Context::load({beside_config(c, t.certificate), beside_config(c, t.private_key),
                                   t.min_version, t.ciphers, t.ciphersuites, beside_config(c, t.client_ca)});
    } catch (const tls::LoadError& e) {
        throw config::ConfigError(c.source_file.empty() ? "--set" : c.source_file, e.key(), e.what());
    }
}
}  // namespace

core::EngineSettings engine_settings(const config::Config& c) {
    core::EngineSettings s;
    for (const auto& text : c.listen) s.listen.push_back(listen_spec(text));
    s.tls = tls_context(c);
    for (const auto& text : c.proxy_protocol.trusted)
        if (const auto network = proxy::parse_network(text)) s.proxy_trusted.push_back(*network);  // validated
    s.websocket.allowed_origins = c.websocket.allowed_origins;
    s.websocket.max_message_bytes = c.websocket.max_message_bytes;
    s.websocket.lines = c.workload == "chat";
    if (c.workload == "chat" && c.chat.web_client) s.websocket.page = chat_page_response;
    s.accept = {c.accept.low_watermark, c.accept.high_watermark, c.accept.backlog,
                c.accept.on_limit == "reject" ? core::LimitAction::reject : core::LimitAction::pause,
                c.accept.retry_backoff_ms};
    s.receive = {c.receive.strategy == "posted" ? core::ReceiveStrategy::posted : core::ReceiveStrategy::zero_byte,
                 c.receive.initial_buffer, c.receive.max_buffer, c.receive.max_read_per_wakeup};
    s.coalesce_ms = c.send.coalesce_ms;
    s.limits = {c.limits.max_connections, c.limits.max_connections_per_ip,
                c.limits.max_outstanding_sends, c.limits.max_outstanding_receives,
                c.limits.max_send_queue_bytes};
    s.timeouts = {c.timeouts.first_data_s, c.timeouts.idle_s, c.timeouts.send_stall_s, c.timeouts.linger_s};
    return s;
}

}  // namespace hiconn::app
