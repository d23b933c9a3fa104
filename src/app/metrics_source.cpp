#include "app/metrics_source.hpp"

#include "core/server.hpp"
#include "core/workload.hpp"
#include "platform/platform.hpp"

namespace hiconn::app {

MetricsSample collect_sample(core::Server& server, const std::string& workload_name) {
    MetricsSample sample;
    sample.stats = server.stats().snapshot();
    server.workload().collect_metrics(sample.workload);
    sample.workload_name = workload_name;
    sample.version = HICONN_VERSION;
    sample.resident_bytes = platform::resident_bytes();
    sample.open_files = platform::open_files();
    return sample;
}

}  // namespace hiconn::app
