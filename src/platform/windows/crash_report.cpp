// crash_report.hpp on Windows: an unhandled-exception filter and a terminate handler. The
// filter formats into a stack buffer and writes with WriteFile (the heap may be what broke);
// the frames come from unwinding the exception's own context (RtlLookupFunctionEntry +
// RtlVirtualUnwind), printed as addresses and as offsets into hiconn.exe
// (addr2line -f -C -e hiconn.exe <image base + offset> names them). It returns
// EXCEPTION_CONTINUE_SEARCH: Windows then ends the process as it would have, with the
// exception code as its exit status, and the service recovery actions apply.
#include "platform/crash_report.hpp"

#include "platform/crash_line.hpp"

#include <atomic>
#include <cstdlib>
#include <exception>

#include <windows.h>

namespace hiconn::platform {
namespace {

std::atomic<int> g_reporting{0};
std::atomic<int> g_reported{0};
std::atomic<bool> g_installed{false};
char g_log_path[MAX_PATH * 4];
std::atomic<bool> g_have_log_path{false};

const char* exception_name(DWORD code) {
    switch (code) {
    case EXCEPTION_ACCESS_VIOLATION: return "access violation";
    case EXCEPTION_STACK_OVERFLOW: return "stack overflow";
    case EXCEPTION_INT_DIVIDE_BY_ZERO: return "integer divide by zero";
    case EXCEPTION_ILLEGAL_INSTRUCTION: return "illegal instruction";
    case EXCEPTION_PRIV_INSTRUCTION: return "privileged instruction";
    case EXCEPTION_IN_PAGE_ERROR: return "in-page error";
    case EXCEPTION_DATATYPE_MISALIGNMENT: return "misaligned data";
    case EXCEPTION_BREAKPOINT: return "breakpoint";
    case EXCEPTION_FLT_DIVIDE_BY_ZERO: return "floating-point divide by zero";
    case EXCEPTION_FLT_INVALID_OPERATION: return "invalid floating-point operation";
    case EXCEPTION_NONCONTINUABLE_EXCEPTION: return "non-continuable exception";
    case 0xC0000409: return "stack buffer overrun / fast fail";
    case 0xC0000374: return "heap corruption";
    default: return "exception";
    }
}

void write_all(HANDLE h, const char* p, std::size_t n) {
    while (n > 0 && h != nullptr && h != INVALID_HANDLE_VALUE) {
        DWORD written = 0;
        if (!WriteFile(h, p, static_cast<DWORD>(n), &written, nullptr) || written == 0) return;
        p += written;
        n -= written;
    }
}

void stamp(crash::Line& line) {
    SYSTEMTIME t;
    GetSystemTime(&t);
    line.civil(t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds);
    line.text("error ");
}

struct Image {
    std::uintptr_t base = 0;
    std::uintptr_t size = 0;
};

Image main_image() {
    Image image;
    const auto* dos = reinterpret_cast<const IMAGE_DOS_HEADER*>(GetModuleHandleW(nullptr));
    if (dos == nullptr || dos->e_magic != IMAGE_DOS_SIGNATURE) return image;
    const auto* nt = reinterpret_cast<const IMAGE_NT_HEADERS*>(reinterpret_cast<const char*>(dos) + dos->e_lfanew);
    image.base = reinterpret_cast<std::uintptr_t>(dos);
    image.size = nt->OptionalHeader.SizeOfImage;
    return image;
}

void frame_line(crash::Line& out, std::uintptr_t pc, const Image& image) {
    out.text("  ").hex(pc);
    if (image.base != 0 && pc >= image.base && pc < image.base + image.size)
        out.text(" hiconn.exe+").hex(pc - image.base);
    out.end();
}

// The frames to write: from the exception's context (the faulting instruction first), or
// from here (terminate).
int collect_frames(CONTEXT* context, std::uintptr_t* frames, int max) {
    int n = 0;
#if defined(_M_X64) || defined(__x86_64__)
    if (context != nullptr) {
        CONTEXT c = *context;
        while (n < max && c.Rip != 0) {
            frames[n++] = static_cast<std::uintptr_t>(c.Rip);
            DWORD64 image_base = 0;
            PRUNTIME_FUNCTION function = RtlLookupFunctionEntry(c.Rip, &image_base, nullptr);
            if (function == nullptr) {  // a leaf function: the return address is on top
                if (c.Rsp == 0) break;
                c.Rip = *reinterpret_cast<DWORD64*>(c.Rsp);
                c.Rsp += 8;
            } else {
                PVOID handler_data = nullptr;
                DWORD64 establisher = 0;
                RtlVirtualUnwind(UNW_FLAG_NHANDLER, image_base, c.Rip, function, &c, &handler_data,
                                 &establisher, nullptr);
            }
        }
        return n;
    }
#endif
    void* raw[62];
    const USHORT count = RtlCaptureStackBackTrace(1, 62, raw, nullptr);
    for (USHORT i = 0; i < count && n < max; ++i) frames[n++] = reinterpret_cast<std::uintptr_t>(raw[i]);
    return n;
}

void emit(crash::Line& line, CONTEXT* context) {
    line.end();
    HANDLE targets[2] = {GetStdHandle(STD_ERROR_HANDLE), INVALID_HANDLE_VALUE};
    if (g_have_log_path.load(std::memory_order_acquire))
        targets[1] = CreateFileA(g_log_path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                 nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    std::uintptr_t frames[64];
    const int count = collect_frames(context, frames, 64);
    const Image image = main_image();
    for (HANDLE h : targets) {
        if (h == nullptr || h == INVALID_HANDLE_VALUE) continue;
        write_all(h, line.data(), line.size());
        for (int i = 0; i < count; ++i) {
            crash::Line frame;
            frame_line(frame, frames[i], image);
            write_all(h, frame.data(), frame.size());
        }
        static const char end[] = "end of backtrace\n";
        write_all(h, end, sizeof end - 1);
    }
    if (targets[1] != INVALID_HANDLE_VALUE) CloseHandle(targets[1]);
}

void wait_for_first_report() {
    for (int i = 0; i < 500 && !g_reported.load(); ++i) Sleep(10);
}

LONG WINAPI on_unhandled_exception(EXCEPTION_POINTERS* info) {
    if (g_reporting.exchange(1) == 0) {
        crash::Line line;
        stamp(line);
        const EXCEPTION_RECORD* record = info != nullptr ? info->ExceptionRecord : nullptr;
        const DWORD code = record != nullptr ? record->ExceptionCode : 0;
        line.text("fatal exception ").hex(code).text(" (").text(exception_name(code)).text(")");
        if (record != nullptr) {
            const Image image = main_image();
            const auto at = reinterpret_cast<std::uintptr_t>(record->ExceptionAddress);
            line.text(" at ").hex(at);
            if (image.base != 0 && at >= image.base && at < image.base + image.size)
                line.text(" (hiconn.exe+").hex(at - image.base).text(")");
            if (code == EXCEPTION_ACCESS_VIOLATION && record->NumberParameters >= 2) {
                const ULONG_PTR kind = record->ExceptionInformation[0];
                line.text(kind == 0 ? ", reading " : kind == 1 ? ", writing " : ", executing ")
                    .hex(record->ExceptionInformation[1]);
            }
        }
        line.text(" in thread ").dec(GetCurrentThreadId()).text("; backtrace:");
        emit(line, info != nullptr ? info->ContextRecord : nullptr);
        g_reported = 1;
    } else {
        wait_for_first_report();
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

[[noreturn]] void on_terminate() {
    if (g_reporting.exchange(1) == 0) {
        crash::Line line;
        stamp(line);
        crash::describe_terminate(line);
        line.text(" in thread ").dec(GetCurrentThreadId()).text("; backtrace:");
        emit(line, nullptr);
        g_reported = 1;
    } else {
        wait_for_first_report();
    }
    std::abort();
}

}  // namespace

void install_crash_reporter() {
    if (g_installed.exchange(true)) return;
    SetUnhandledExceptionFilter(on_unhandled_exception);
    std::set_terminate(on_terminate);
}

void set_crash_log_file(const std::string& path) {
    g_have_log_path.store(false, std::memory_order_release);
    if (path.empty() || path.size() >= sizeof g_log_path) return;
    for (std::size_t i = 0; i <= path.size(); ++i) g_log_path[i] = path.c_str()[i];
    g_have_log_path.store(true, std::memory_order_release);
}

}  // namespace hiconn::platform
