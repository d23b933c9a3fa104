// fuzz_proxy_header: bytes at the start of a proxy:// connection through the PROXY header
// parser, whole and as every prefix. Findings: a crash or UB; a verdict that contradicts the
// parser's promises (done past the input or past max_header, need_more beyond max_header,
// malformed without a reason); or a prefix of a whole header that is not need_more (the
// engine re-parses growing prefixes and must never see a premature verdict).
#include "proxy/proxy_header.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using hiconn::proxy::HeaderResult;
using hiconn::proxy::max_header;
using hiconn::proxy::parse_header;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const HeaderResult whole = parse_header(input);
    switch (whole.status) {
    case HeaderResult::Status::done:
        if (whole.consumed == 0 || whole.consumed > size || whole.consumed > max_header) std::abort();
        // Every shorter prefix asks for more; the header alone parses the same.
        for (std::size_t n = 0; n < whole.consumed; ++n)
            if (parse_header(input.substr(0, n)).status != HeaderResult::Status::need_more) std::abort();
        {
            const HeaderResult exact = parse_header(input.substr(0, whole.consumed));
            if (exact.status != HeaderResult::Status::done || exact.consumed != whole.consumed ||
                exact.source != whole.source)
                std::abort();
        }
        break;
    case HeaderResult::Status::need_more:
        if (size >= max_header) std::abort();
        break;
    case HeaderResult::Status::malformed:
        if (whole.reason.empty()) std::abort();
        break;
    }
    return 0;
}
