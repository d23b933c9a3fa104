#include "tools/load/payload.hpp"

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace hiconn::load::payload {

const unsigned char* pattern() {
    static const std::vector<unsigned char> bytes = [] {
        std::vector<unsigned char> b(2 * period);
        std::mt19937 rng(862);  // RFC 862, echo
        for (std::size_t i = 0; i < period; ++i) b[i] = static_cast<unsigned char>(rng());
        std::copy(b.begin(), b.begin() + period, b.begin() + period);
        return b;
    }();
    return bytes.data();
}

std::size_t count_mismatches(const unsigned char* data, std::size_t n, std::uint64_t start,
                             std::uint64_t offset) {
    std::size_t bad = 0;
    while (n > 0) {
        const std::size_t chunk = std::min(n, period);
        const unsigned char* expected = pattern() + position(start, offset);
        if (std::memcmp(data, expected, chunk) != 0)  // the fast path: equal
            for (std::size_t i = 0; i < chunk; ++i) bad += data[i] != expected[i];
        data += chunk;
        offset += chunk;
        n -= chunk;
    }
    return bad;
}

}  // namespace hiconn::load::payload
