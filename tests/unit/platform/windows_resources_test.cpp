// Resource limits and accept-error classification on Windows.
#ifdef _WIN32

#include "platform/platform.hpp"

#include <boost/asio/error.hpp>
#include <catch2/catch.hpp>

#include <winsock2.h>
#include <windows.h>

#include <vector>

using namespace hiconn::platform;

TEST_CASE("Windows has no open-file limit to raise", "[platform]") {
    const OpenFileLimit limit = raise_open_file_limit();
    CHECK(limit.soft == 0);
    CHECK(limit.hard == 0);
    CHECK_FALSE(limit.raised);
}

TEST_CASE("the page size is a power of two from GetSystemInfo", "[platform]") {
    const std::size_t size = page_size();
    CHECK(size >= 4096);
    CHECK((size & (size - 1)) == 0);
}

TEST_CASE("the resource line names handles, memory and the page size", "[platform]") {
    const std::string line = describe_resource_limits();
    CHECK_THAT(line, Catch::Contains("handles: "));
    CHECK_THAT(line, Catch::Contains("MiB physical"));
    CHECK_THAT(line, Catch::Contains("page size " + std::to_string(page_size())));
}

TEST_CASE("out-of-resource accept errors are recognised, others are not", "[platform]") {
    // As the listener sees them: Asio's error codes converted to std::error_code.
    auto asio = [](boost::asio::error::basic_errors e) {
        return static_cast<std::error_code>(boost::system::error_code(e));
    };
    CHECK(is_accept_resource_error(asio(boost::asio::error::no_buffer_space)));   // WSAENOBUFS
    CHECK(is_accept_resource_error(asio(boost::asio::error::no_descriptors)));    // WSAEMFILE
    CHECK(is_accept_resource_error(std::error_code(ERROR_NO_SYSTEM_RESOURCES, std::system_category())));
    CHECK(is_accept_resource_error(std::error_code(WSAENOBUFS, std::system_category())));
    CHECK(is_accept_resource_error(std::make_error_code(std::errc::too_many_files_open)));

    CHECK_FALSE(is_accept_resource_error(std::error_code()));
    CHECK_FALSE(is_accept_resource_error(asio(boost::asio::error::connection_aborted)));
    CHECK_FALSE(is_accept_resource_error(asio(boost::asio::error::connection_reset)));
    CHECK_FALSE(is_accept_resource_error(asio(boost::asio::error::operation_aborted)));
    CHECK_FALSE(is_accept_resource_error(std::make_error_code(std::errc::connection_refused)));
}

TEST_CASE("handle count and working set follow the process", "[platform]") {
    CHECK(resident_bytes() > 0);
    const std::uint64_t before = open_files();
    if (before == 0) {
        // Wine 8's GetProcessHandleCount always reports 0: "unknown" by the interface.
        WARN("GetProcessHandleCount reports 0 handles (Wine): handle count not checked");
        CHECK_THAT(describe_resource_limits(), Catch::Contains("handles: count unknown"));
        return;
    }
    std::vector<HANDLE> events;
    for (int i = 0; i < 50; ++i) events.push_back(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    CHECK(open_files() >= before + 50);
    for (HANDLE h : events) CloseHandle(h);
}

#endif  // _WIN32
