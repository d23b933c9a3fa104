// hiconn-load's latency histogram: exact below 64 us, then buckets about 3% wide; percentiles
// are the upper edge of the bucket holding the rank, capped at the maximum.
#include "tools/load/histogram.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using hiconn::load::Histogram;

namespace {
// The rank percentile() uses: the value at index floor(q * (n - 1)) of the sorted values.
std::uint64_t true_percentile(std::vector<std::uint64_t> values, double q) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}
}  // namespace

TEST_CASE("histogram: empty", "[load][histogram]") {
    Histogram h;
    CHECK(h.count() == 0);
    CHECK(h.max() == 0);
    CHECK(h.percentile(0.5) == 0);
    CHECK(h.percentile(1.0) == 0);
}

TEST_CASE("histogram: values below 64 us are exact", "[load][histogram]") {
    Histogram h;
    for (std::uint64_t v = 1; v <= 50; ++v) h.record(v);
    CHECK(h.count() == 50);
    CHECK(h.max() == 50);
    CHECK(h.percentile(0.0) == 1);
    CHECK(h.percentile(0.5) == 25);   // rank floor(0.5 * 49) + 1 = 25
    CHECK(h.percentile(0.9) == 45);   // rank floor(0.9 * 49) + 1 = 45
    CHECK(h.percentile(1.0) == 50);
}

TEST_CASE("histogram: one value is its own percentile (capped at the maximum)", "[load][histogram]") {
    for (std::uint64_t v : {0ull, 1ull, 63ull, 64ull, 65ull, 1000ull, 123456ull, 9999999ull, 1ull << 40}) {
        Histogram h;
        h.record(v);
        INFO("value " << v);
        CHECK(h.percentile(0.0) == v);
        CHECK(h.percentile(0.99) == v);
        CHECK(h.max() == v);
    }
}

TEST_CASE("histogram: percentiles within a bucket (about 3%) above the truth", "[load][histogram]") {
    std::mt19937_64 rng(7);
    std::vector<std::uint64_t> values;
    Histogram h;
    for (int i = 0; i < 20000; ++i) {
        // log-uniform from 1 us to ~10 s
        const double exponent = std::uniform_real_distribution<double>(0, 23)(rng);
        const auto v = static_cast<std::uint64_t>(std::exp2(exponent));
        values.push_back(v);
        h.record(v);
    }
    for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
        const std::uint64_t truth = true_percentile(values, q);
        const std::uint64_t got = h.percentile(q);
        INFO("q " << q << ": truth " << truth << ", histogram " << got);
        CHECK(got >= truth);
        CHECK(static_cast<double>(got) <= static_cast<double>(truth) * (1.0 + 1.0 / 32) + 1);
    }
}

TEST_CASE("histogram: merge equals recording everything in one", "[load][histogram]") {
    Histogram a, b, all;
    for (std::uint64_t v = 0; v < 5000; v += 7) {
        (v % 3 ? a : b).record(v * 13);
        all.record(v * 13);
    }
    a.merge(b);
    CHECK(a.count() == all.count());
    CHECK(a.max() == all.max());
    for (double q : {0.0, 0.25, 0.5, 0.75, 0.99, 1.0}) CHECK(a.percentile(q) == all.percentile(q));
}

TEST_CASE("histogram: JSON round trip (the RESULT lines of worker processes)", "[load][histogram]") {
    Histogram h;
    for (std::uint64_t v : {3ull, 3ull, 70ull, 5000ull, 5001ull, 800000ull}) h.record(v);
    const auto j = h.to_json();
    CHECK(j.at("max") == 800000);
    CHECK(j.at("buckets").size() == 4);  // sparse: 3 twice shares a bucket, so do 5000 and 5001
    const Histogram back = Histogram::from_json(j);
    CHECK(back.count() == h.count());
    CHECK(back.max() == h.max());
    for (double q : {0.0, 0.3, 0.5, 0.8, 1.0}) CHECK(back.percentile(q) == h.percentile(q));
    // Out-of-range bucket numbers from a broken line are ignored, not written past the end.
    nlohmann::json bad = {{"buckets", {{1u << 30, 5}, {3, 2}}}, {"max", 3}};
    const Histogram partial = Histogram::from_json(bad);
    CHECK(partial.count() == 2);
    CHECK(partial.percentile(1.0) == 3);
}
