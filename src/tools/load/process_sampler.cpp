#include "tools/load/process_sampler.hpp"

namespace hiconn::load {

nlohmann::json to_json(const ProcessSample& s) {
    return {{"ok", s.ok}, {"rss_bytes", s.rss_bytes}, {"cpu_s", s.cpu_s}, {"at_s", s.at_s}};
}

}  // namespace hiconn::load
