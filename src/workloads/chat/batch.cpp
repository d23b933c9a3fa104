#include "workloads/chat/batch.hpp"

#include "workloads/chat/irc_line.hpp"

#include <atomic>
#include <cstdint>

namespace hiconn::chat {

std::string next_batch_id() {
    // One counter for the process: ids never repeat on a connection, whatever thread asks.
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string id;
    do {
        id += digits[n % 62];
        n /= 62;
    } while (n != 0);
    return id;
}

std::string batch_start_line(std::string_view server, std::string_view id, std::string_view type) {
    return IrcLine(server, "BATCH").arg("+" + std::string(id)).arg(type).finish();
}

std::string batch_end_line(std::string_view server, std::string_view id) {
    return IrcLine(server, "BATCH").arg("-" + std::string(id)).finish();
}

}  // namespace hiconn::chat
