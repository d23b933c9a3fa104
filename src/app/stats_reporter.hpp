// One stats log line every stats.interval_s: connections, accepts/s, closes/s by reason,
// outstanding accepts, posted sends and receives, send-slot waiters, bytes in/out per second.
#pragma once

#include "core/stats.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace hiconn::core { class Server; }

namespace hiconn::app {

class StatsReporter {
public:
    /// interval_s == 0: no lines (the figures stay available through the server's stats).
    StatsReporter(boost::asio::io_context& io, core::Server& server, std::uint32_t interval_s);
    void start();
    void stop();
    void set_interval(std::uint32_t interval_s);  ///< thread safe (posts)

    /// The line for two snapshots `seconds` apart (pure: unit tested).
    static std::string format(const core::StatsSnapshot& previous, const core::StatsSnapshot& now,
                              double seconds);

private:
    void do_wait();
    void on_timer();

    boost::asio::io_context& io_;
    core::Server& server_;
    boost::asio::steady_timer timer_;
    std::uint32_t interval_s_;
    core::StatsSnapshot last_;
    std::chrono::steady_clock::time_point last_time_;
};

}  // namespace hiconn::app
