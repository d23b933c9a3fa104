#include "core/close_reason.hpp"

namespace hiconn::core {

const char* to_string(CloseReason reason) {
    static const char* names[] = {"peer_closed",     "io_error",       "first_data_timeout",
                                  "idle_timeout",    "send_stall",     "send_queue_full",
                                  "rejected_limit",  "rejected_per_ip", "server_stop",
                                  "workload",        "tls_error",      "proxy_error",
                                  "websocket_error"};
    static_assert(sizeof names / sizeof names[0] == close_reason_count);
    return names[static_cast<std::size_t>(reason)];
}

}  // namespace hiconn::core
