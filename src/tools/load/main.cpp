// hiconn-load: the load generator and connection tester (see options.cpp for the modes).
#include "tools/load/host.hpp"
#include "tools/load/options.hpp"
#include "tools/load/run.hpp"

int main(int argc, char** argv) {
    hiconn::load::host::ignore_broken_pipes();
    const auto options = hiconn::load::parse_options(argc, argv);
    if (options.procs > 1 && !options.worker) return hiconn::load::run_parent(options);
    return hiconn::load::run_process(options);
}
