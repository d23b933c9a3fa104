// An endpoint as people write it, and as `listen` takes it: "127.0.0.1:7000", "[::1]:7000".
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace hiconn::core {

inline std::string to_text(const boost::asio::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    std::string host = address.to_string();
    if (address.is_v6()) host = "[" + host + "]";
    return host + ":" + std::to_string(endpoint.port());
}

}  // namespace hiconn::core
