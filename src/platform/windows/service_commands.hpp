// The Windows service commands, one file per family: install/uninstall
// (service_install.cpp), start/stop/pause/continue/status/reload (service_control.cpp)
// and the SCM entry (service_main.cpp). Each returns the process exit status:
//   0 done, 1 failed (the reason was printed), 2 usage error.
#pragma once

#include "platform/service.hpp"
#include "platform/windows/service_options.hpp"

namespace hiconn::platform::windows {

int install_service(const ServiceOptions& options);
int uninstall_service(const ServiceOptions& options);
/// start, stop, pause, continue, status, reload.
int control_service(const ServiceOptions& options);
/// `hiconn service`: runs under the SCM's dispatcher until the service stops.
int run_service_entry(const ServiceOptions& options, const ServiceAppFactory& factory);

}  // namespace hiconn::platform::windows
