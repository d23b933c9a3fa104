#include "core/workload.hpp"

#include "core/connection.hpp"

namespace hiconn::core {

void Workload::on_idle(Connection& connection) { connection.close(CloseReason::idle_timeout); }

}  // namespace hiconn::core
