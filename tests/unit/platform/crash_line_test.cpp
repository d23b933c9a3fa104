// The crash reporter's line builder (src/platform/crash_line.hpp): no allocation, so it formats
// numbers and the log's UTC time stamp by hand. Checked against known dates.
#include "platform/crash_line.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using hiconn::platform::crash::Line;

namespace {
std::string text(const Line& line) { return std::string(line.data(), line.size()); }
}  // namespace

TEST_CASE("crash line: the log's time stamp from Unix seconds", "[platform][crash]") {
    CHECK(text(Line().timestamp(0, 0)) == "1970-01-01T00:00:00.000Z ");
    CHECK(text(Line().timestamp(951782400, 7)) == "2000-02-29T00:00:00.007Z ");  // a leap day
    CHECK(text(Line().timestamp(1764644645, 123)) == "2025-12-02T03:04:05.123Z ");
    CHECK(text(Line().timestamp(4102444799, 999)) == "2099-12-31T23:59:59.999Z ");
    CHECK(text(Line().civil(2026, 1, 2, 3, 4, 5, 6)) == "2026-01-02T03:04:05.006Z ");
}

TEST_CASE("crash line: numbers, text and client text", "[platform][crash]") {
    CHECK(text(Line().dec(0)) == "0");
    CHECK(text(Line().dec(18446744073709551615ull)) == "18446744073709551615");
    CHECK(text(Line().dec(7, 3)) == "007");
    CHECK(text(Line().hex(0)) == "0x0");
    CHECK(text(Line().hex(0xc0000005)) == "0xc0000005");
    CHECK(text(Line().hex(0xffffffffffffffffull)) == "0xffffffffffffffff");
    CHECK(text(Line().text("a").text(nullptr).text("b")) == "ab");
    CHECK(text(Line().printable("two\nlines\x7f\t", 100)) == "two?lines??");
    CHECK(text(Line().printable("abcdef", 3)) == "abc");
    CHECK(text(Line().text("x").end()) == "x\n");
}

TEST_CASE("crash line: one line at most, even for a huge what()", "[platform][crash]") {
    const std::string huge(10000, 'w');
    Line line;
    line.text("fatal ").printable(huge.c_str(), huge.size()).text(" more").end();
    CHECK(line.size() == Line::capacity);
    CHECK(line.data()[line.size() - 1] == '\n');
}

TEST_CASE("crash line: what std::terminate was called for", "[platform][crash]") {
    Line none;
    hiconn::platform::crash::describe_terminate(none);
    CHECK(text(none) == "fatal std::terminate called without an active exception");
    try {
        throw std::runtime_error("boom\nwith a newline");
    } catch (...) {
        Line line;
        hiconn::platform::crash::describe_terminate(line);
        CHECK(text(line) == "fatal uncaught exception std::runtime_error: boom?with a newline");
    }
    try {
        throw 42;
    } catch (...) {
        Line line;
        hiconn::platform::crash::describe_terminate(line);
        CHECK(text(line) == "fatal uncaught exception int (not a std::exception)");
    }
}
