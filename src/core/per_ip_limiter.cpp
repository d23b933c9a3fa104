#include "core/per_ip_limiter.hpp"

#include <functional>

namespace hiconn::core {

std::size_t PerIpLimiter::Hash::operator()(const boost::asio::ip::address& a) const noexcept {
    if (a.is_v4()) return std::hash<std::uint32_t>{}(a.to_v4().to_uint());
    const auto bytes = a.to_v6().to_bytes();
    std::size_t h = 1469598103934665603ull;
    for (unsigned char b : bytes) h = (h ^ b) * 1099511628211ull;
    return h;
}

bool PerIpLimiter::try_add(const boost::asio::ip::address& address, std::uint32_t limit) {
    if (limit == 0) return true;
    std::lock_guard lock(mutex_);
    auto& n = counts_[address];
    if (n >= limit) {
        if (n == 0) counts_.erase(address);
        return false;
    }
    ++n;
    return true;
}

void PerIpLimiter::remove(const boost::asio::ip::address& address) {
    std::lock_guard lock(mutex_);
    const auto it = counts_.find(address);
    if (it == counts_.end()) return;
    if (--it->second == 0) counts_.erase(it);
}

std::uint32_t PerIpLimiter::count(const boost::asio::ip::address& address) const {
    std::lock_guard lock(mutex_);
    const auto it = counts_.find(address);
    return it == counts_.end() ? 0 : it->second;
}

}  // namespace hiconn::core
