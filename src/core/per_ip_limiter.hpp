// Connections per client address (limits.max_connections_per_ip). Thread safe: accepts
// happen on the listener's thread, releases on any I/O thread.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace hiconn::core {

class PerIpLimiter {
public:
    /// Counts one more connection from `address` unless that would pass `limit`
    /// (0 = unlimited: nothing is counted and it returns true).
    bool try_add(const boost::asio::ip::address& address, std::uint32_t limit);
    /// Undoes a successful try_add() that counted (limit was not 0).
    void remove(const boost::asio::ip::address& address);
    std::uint32_t count(const boost::asio::ip::address& address) const;

private:
    struct Hash {
        std::size_t operator()(const boost::asio::ip::address& a) const noexcept;
    };
    mutable std::mutex mutex_;
    std::unordered_map<boost::asio::ip::address, std::uint32_t, Hash> counts_;
};

}  // namespace hiconn::core
