// Small Win32 helpers shared by the Windows platform files: string conversion, error text,
// an owning SC_HANDLE. Internal to src/platform/windows.
#pragma once

#include <windows.h>
#include <winsvc.h>

#include <string>

namespace hiconn::platform::windows {

/// Narrow strings are in the ANSI code page, as main()'s argv is on Windows.
std::wstring to_wide(const std::string& text);
std::string to_narrow(const std::wstring& text);

/// "The system cannot find the file specified (error 2)". Under Wine some texts are
/// missing; the number is always there.
std::string error_text(DWORD error);

/// Absolute path of this executable (GetModuleFileNameW).
std::wstring module_path();

/// Owns an SC_HANDLE (service or SCM), closed with CloseServiceHandle.
class ScHandle {
public:
    ScHandle() = default;
    explicit ScHandle(SC_HANDLE handle) : handle_(handle) {}
    ~ScHandle() { reset(); }
    ScHandle(ScHandle&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
    ScHandle& operator=(ScHandle&& other) noexcept {
        if (this != &other) { reset(); handle_ = other.handle_; other.handle_ = nullptr; }
        return *this;
    }
    ScHandle(const ScHandle&) = delete;
    ScHandle& operator=(const ScHandle&) = delete;

    SC_HANDLE get() const { return handle_; }
    explicit operator bool() const { return handle_ != nullptr; }
    void reset() { if (handle_) CloseServiceHandle(handle_); handle_ = nullptr; }

private:
    SC_HANDLE handle_ = nullptr;
};

}  // namespace hiconn::platform::windows
