#include "platform/platform.hpp"

namespace hiconn::platform {

std::tm utc_time(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

std::tm local_time(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

}  // namespace hiconn::platform
