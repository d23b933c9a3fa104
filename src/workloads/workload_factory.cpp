#include "workloads/workload_factory.hpp"

#include "workloads/chat/chat_workload.hpp"
#include "workloads/echo/echo_workload.hpp"

#include <stdexcept>

namespace hiconn::workloads {

std::unique_ptr<core::Workload> make_workload(const config::Config& config) {
    if (config.workload == "echo") return std::make_unique<echo::EchoWorkload>();
    if (config.workload == "chat") return chat::make_chat_workload(config);
    throw std::invalid_argument("unknown workload '" + config.workload + "'");
}

}  // namespace hiconn::workloads
