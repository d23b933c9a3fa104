#include "workloads/echo/echo_workload.hpp"

#include "core/connection.hpp"

namespace hiconn::echo {

void EchoWorkload::on_data(core::Connection& connection, std::string_view data) {
    connection.send(data);
}

}  // namespace hiconn::echo
