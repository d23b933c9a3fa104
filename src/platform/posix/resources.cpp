// POSIX resource limits and process figures.
#include "platform/platform.hpp"

#include <boost/asio/error.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <dirent.h>
#include <fstream>
#include <string>

namespace hiconn::platform {

OpenFileLimit raise_open_file_limit() {
    OpenFileLimit result;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return result;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
            result.raised = true;
        }
    }
    result.soft = limit.rlim_cur == RLIM_INFINITY ? 0 : limit.rlim_cur;
    result.hard = limit.rlim_max == RLIM_INFINITY ? 0 : limit.rlim_max;
    return result;
}

std::string describe_resource_limits() {
    rlimit limit{};
    std::string text = "open files: ";
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
        text += std::to_string(limit.rlim_cur) + " (hard " + std::to_string(limit.rlim_max) + ")";
    else
        text += "unknown";
    text += ", page size " + std::to_string(page_size());
    return text;
}

void prepare_listen_socket(boost::asio::ip::tcp::acceptor& acceptor) {
    acceptor.set_option(boost::asio::socket_base::reuse_address(true));
}

std::size_t page_size() {
    const long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? static_cast<std::size_t>(size) : 4096;
}

bool is_accept_resource_error(const std::error_code& ec) {
    // Asio reports accept() failures as errno values; a boost::system::error_code converted
    // to std::error_code keeps the value but wraps the category, so compare values only.
    switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM: return true;
    default: return false;
    }
}

std::uint64_t resident_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            std::uint64_t kib = 0;
            status >> kib;
            return kib * 1024;
        }
        status.ignore(4096, '\n');
    }
    return 0;
}

std::uint64_t open_files() {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return 0;
    std::uint64_t count = 0;
    while (const dirent* entry = readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    closedir(dir);
    return count > 0 ? count - 1 : 0;  // minus the directory stream itself
}

}  // namespace hiconn::platform
