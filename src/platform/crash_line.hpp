// Shared by the POSIX and Windows crash reporters (crash_report.hpp): a line built in a fixed
// buffer with no allocation and no locale (usable in a signal handler), the log's time stamp
// computed by hand (gmtime_r is not async-signal-safe), and the description of the exception
// std::terminate was called for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <typeinfo>

#if defined(__GNUC__)
#include <cxxabi.h>
#endif

namespace hiconn::platform::crash {

class Line {
public:
    Line& text(const char* s) {
        while (s && *s && size_ < capacity - 1) buf_[size_++] = *s++;
        return *this;
    }
    /// Client-independent text that may hold anything (an exception's what()): control
    /// characters become '?', so the report stays one line; cut at `max` bytes.
    Line& printable(const char* s, std::size_t max) {
        for (std::size_t i = 0; s && s[i] && i < max && size_ < capacity - 1; ++i) {
            const unsigned char c = static_cast<unsigned char>(s[i]);
            buf_[size_++] = (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
        }
        return *this;
    }
    Line& dec(std::uint64_t v, int min_digits = 1) {
        char digits[24];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v && n < 24);
        while (n < min_digits && n < 24) digits[n++] = '0';
        while (n > 0 && size_ < capacity - 1) buf_[size_++] = digits[--n];
        return *this;
    }
    Line& hex(std::uint64_t v) {
        static const char digits[] = "0123456789abcdef";
        char out[16];
        int n = 0;
        do {
            out[n++] = digits[v & 0xf];
            v >>= 4;
        } while (v && n < 16);
        text("0x");
        while (n > 0 && size_ < capacity - 1) buf_[size_++] = out[--n];
        return *this;
    }
    /// "2026-12-02T10:04:05.123Z " from seconds since 1970 (UTC) and milliseconds.
    Line& timestamp(std::int64_t unix_seconds, unsigned millis) {
        const std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
        const std::int64_t secs = unix_seconds - days * 86400;
        // Howard Hinnant's civil_from_days.
        const std::int64_t z = days + 719468;
        const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        const std::int64_t doe = z - era * 146097;
        const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const std::int64_t mp = (5 * doy + 2) / 153;
        const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
        const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
        const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day),
                     static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60),
                     static_cast<unsigned>(secs % 60), millis);
    }
    Line& civil(std::int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                unsigned second, unsigned millis) {
        dec(static_cast<std::uint64_t>(year < 0 ? 0 : year), 4).text("-").dec(month, 2).text("-").dec(day, 2);
        text("T").dec(hour, 2).text(":").dec(minute, 2).text(":").dec(second, 2);
        return text(".").dec(millis % 1000, 3).text("Z ");
    }
    const char* data() const { return buf_; }
    std::size_t size() const { return size_; }
    /// Ends the line with '\n' (always room for it).
    Line& end() {
        buf_[size_++] = '\n';
        return *this;
    }

    static constexpr std::size_t capacity = 2048;

private:
    char buf_[capacity];
    std::size_t size_ = 0;
};

/// "fatal uncaught exception std::runtime_error: what()" for the exception being handled when
/// std::terminate was called, or "std::terminate called without an active exception".
/// Runs in the terminate handler (not a signal handler): it may use the C++ runtime.
inline void describe_terminate(Line& line) {
    const std::exception_ptr current = std::current_exception();
    if (!current) {
        line.text("fatal std::terminate called without an active exception");
        return;
    }
    line.text("fatal uncaught exception ");
#if defined(__GNUC__)
    if (const std::type_info* type = abi::__cxa_current_exception_type()) {
        int status = -1;
        char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
        line.printable(status == 0 && name ? name : type->name(), 256);
        std::free(name);
    } else {
        line.text("(unknown type)");
    }
#else
    line.text("(type unknown)");
#endif
    try {
        std::rethrow_exception(current);
    } catch (const std::exception& e) {
        line.text(": ").printable(e.what(), 1024);
    } catch (...) {
        line.text(" (not a std::exception)");
    }
}

}  // namespace hiconn::platform::crash
