#include "app/engine_settings.hpp"

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace hiconn::app {
namespace asio = boost::asio;

namespace {
asio::ip::tcp::endpoint listen_endpoint(const std::string& text) {
    try {
        const auto address = config::parse_listen_address(text);
        return {asio::ip::make_address(address.host), address.port};
    } catch (const std::exception&) {
        throw std::runtime_error("cannot listen on " + text + ": not a numeric address");
    }
}
}  // namespace

core::EngineSettings engine_settings(const config::Config& c) {
    core::EngineSettings s;
    for (const auto& text : c.listen) s.listen.push_back(listen_endpoint(text));
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
