// Latency histogram: log-linear buckets (exact below 64 us, then 32 per power of two, about
// 3% wide), so it is cheap to record, mergeable across threads and worker processes, and
// its percentiles are within a bucket's width of the truth. Not thread safe: one per thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace hiconn::load {

class Histogram {
public:
    Histogram();
    void record(std::uint64_t value_us);
    void merge(const Histogram& other);

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t max() const noexcept { return max_; }
    /// Value at quantile q (0..1): the upper edge of the bucket holding it, capped at max().
    std::uint64_t percentile(double q) const;

    /// Sparse form for RESULT lines: [[bucket, count], ...] plus the exact max.
    nlohmann::json to_json() const;
    static Histogram from_json(const nlohmann::json& j);

private:
    static std::size_t bucket_of(std::uint64_t v);
    static std::uint64_t upper_edge(std::size_t bucket);
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace hiconn::load
