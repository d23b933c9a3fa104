// Resource limits and usage on Windows. There is no open-file limit to raise: handles are
// bounded by memory (and 2^24 per process), sockets by non-paged pool, which shows up as
// WSAENOBUFS / ERROR_NO_SYSTEM_RESOURCES on accept rather than as a per-process limit.
#include "platform/platform.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <winsock2.h>  // before windows.h
#include <windows.h>
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2  // GetProcessMemoryInfo from kernel32 (K32...), no psapi.lib
#endif
#include <psapi.h>

#include <cstring>
#include <sstream>

namespace hiconn::platform {

OpenFileLimit raise_open_file_limit() { return {}; }

void prepare_listen_socket(boost::asio::ip::tcp::acceptor& acceptor) {
    // Another process must not be able to bind our port: SO_EXCLUSIVEADDRUSE, never
    // SO_REUSEADDR (which on Windows means "share this port").
    BOOL on = TRUE;
    if (setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
                   reinterpret_cast<const char*>(&on), sizeof on) == SOCKET_ERROR)
        throw boost::system::system_error(WSAGetLastError(), boost::asio::error::get_system_category(),
                                          "setsockopt(SO_EXCLUSIVEADDRUSE)");
}

std::uint64_t open_files() {
    DWORD handles = 0;
    if (!GetProcessHandleCount(GetCurrentProcess(), &handles)) return 0;
    return handles;
}

std::string describe_resource_limits() {
    constexpr std::uint64_t mib = 1024 * 1024;
    std::ostringstream out;
    // Wine 8 answers GetProcessHandleCount with 0: say "unknown" rather than 0.
    const std::uint64_t handles = open_files();
    out << "handles: " << (handles ? std::to_string(handles) + " open" : std::string("count unknown"))
        << " (no per-process open-file limit; at most 16777216)";
    MEMORYSTATUSEX memory{};
    memory.dwLength = sizeof memory;
    if (GlobalMemoryStatusEx(&memory)) {
        out << "; memory: " << memory.ullTotalPhys / mib << " MiB physical, "
            << memory.ullAvailPhys / mib << " MiB available, commit limit "
            << memory.ullTotalPageFile / mib << " MiB";
    }
    SYSTEM_INFO system{};
    GetSystemInfo(&system);
    out << "; page size " << system.dwPageSize << ", allocation granularity "
        << system.dwAllocationGranularity << ", " << system.dwNumberOfProcessors << " processors";
    return out.str();
}

std::size_t page_size() {
    SYSTEM_INFO system{};
    GetSystemInfo(&system);
    return system.dwPageSize ? system.dwPageSize : 4096;
}

bool is_accept_resource_error(const std::error_code& ec) {
    if (!ec) return false;
    const int v = ec.value();
    if (ec.category() == std::generic_category()) {
        return v == static_cast<int>(std::errc::too_many_files_open) ||
               v == static_cast<int>(std::errc::too_many_files_open_in_system) ||
               v == static_cast<int>(std::errc::no_buffer_space) ||
               v == static_cast<int>(std::errc::not_enough_memory);
    }
    // Win32 and Winsock codes travel in the system category (std's or Boost's, converted by
    // Asio's error_code -> std::error_code; both are named "system").
    if (std::strcmp(ec.category().name(), "system") != 0) return false;
    return v == WSAENOBUFS || v == WSAEMFILE || v == ERROR_NO_SYSTEM_RESOURCES ||
           v == ERROR_NOT_ENOUGH_MEMORY || v == ERROR_OUTOFMEMORY || v == ERROR_TOO_MANY_OPEN_FILES;
}

std::uint64_t resident_bytes() {
    PROCESS_MEMORY_COUNTERS counters{};
    counters.cb = sizeof counters;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters)) return 0;
    return counters.WorkingSetSize;
}



}  // namespace hiconn::platform
