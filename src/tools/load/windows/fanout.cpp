// --procs on Windows: parse_options() already refuses it (host::supports_worker_processes);
// this only keeps main() whole.
#include "tools/load/run.hpp"

#include <iostream>

namespace hiconn::load {

int run_parent(const Options&) {
    std::cerr << "hiconn-load: --procs > 1 is not supported on Windows\n";  // unreachable
    return 2;
}

}  // namespace hiconn::load
