// The bytes echo messages carry: a fixed pseudo-random pattern of a prime length, stored
// twice so any slice up to its length is contiguous. Connection c's byte stream is the
// pattern starting at an offset of its own, so a byte moved, dropped, duplicated or swapped
// between connections shows up in the comparison (message boundaries never line up with
// the pattern's period).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hiconn::load::payload {

constexpr std::size_t period = 65521;  // largest prime below 64 KiB

/// The pattern, 2 * period bytes long.
const unsigned char* pattern();

/// Where stream position `offset` of a connection starting at `start` lies in pattern().
inline std::size_t position(std::uint64_t start, std::uint64_t offset) {
    return static_cast<std::size_t>((start + offset) % period);
}

/// Number of bytes of data[0..n) that differ from the stream at `offset`.
std::size_t count_mismatches(const unsigned char* data, std::size_t n, std::uint64_t start,
                             std::uint64_t offset);

}  // namespace hiconn::load::payload
