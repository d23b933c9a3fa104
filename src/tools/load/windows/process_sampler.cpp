// sample_process() on Windows: the working set (GetProcessMemoryInfo) stands for the RSS,
// kernel + user time (GetProcessTimes) for the CPU time. `pid` is a Windows process ID.
#include "tools/load/process_sampler.hpp"

#include <windows.h>
// windows.h first: psapi.h needs its types.
#include <psapi.h>

#include <chrono>

namespace hiconn::load {
namespace {

double seconds(const FILETIME& t) {  // FILETIME counts 100 ns units
    const ULONGLONG units = (static_cast<ULONGLONG>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
    return static_cast<double>(units) / 1e7;
}

}  // namespace

ProcessSample sample_process(int pid) {
    ProcessSample s;
    s.at_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    const HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE,
                                       static_cast<DWORD>(pid));
    if (!process) return s;
    DWORD exit_code = 0;
    FILETIME created, exited, kernel, user;
    PROCESS_MEMORY_COUNTERS memory{};
    memory.cb = sizeof memory;
    if (GetExitCodeProcess(process, &exit_code) && exit_code == STILL_ACTIVE &&
        GetProcessTimes(process, &created, &exited, &kernel, &user) &&
        K32GetProcessMemoryInfo(process, &memory, sizeof memory)) {
        s.rss_bytes = memory.WorkingSetSize;
        s.cpu_s = seconds(kernel) + seconds(user);
        s.ok = true;
    }
    CloseHandle(process);
    return s;
}

}  // namespace hiconn::load
