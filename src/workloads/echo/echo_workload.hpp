// The echo workload (RFC 862 behaviour): every byte comes back, in order. It keeps no
// per-connection state; back-pressure (stop reading while the send queue is over its cap)
// and the stall close are the engine's defaults.
#pragma once

#include "core/workload.hpp"

namespace hiconn::echo {

class EchoWorkload final : public core::Workload {
public:
    void on_data(core::Connection& connection, std::string_view data) override;
};

}  // namespace hiconn::echo
