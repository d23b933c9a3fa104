// "Try again later" from a non-blocking socket call, under either of its names.
#pragma once

#include <boost/asio/error.hpp>

namespace hiconn::core {

inline bool would_block(const boost::system::error_code& ec) {
    return ec == boost::asio::error::would_block || ec == boost::asio::error::try_again;
}

}  // namespace hiconn::core
