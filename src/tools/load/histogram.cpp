#include "tools/load/histogram.hpp"

#include <algorithm>

namespace hiconn::load {
namespace {
constexpr std::size_t exact = 64;       // values below this have their own bucket
constexpr unsigned sub_bits = 5;        // 32 buckets per power of two above it
constexpr std::size_t bucket_count = exact + (64 - 6) * (1u << sub_bits);

unsigned log2_floor(std::uint64_t v) { return 63u - static_cast<unsigned>(__builtin_clzll(v)); }
}  // namespace

Histogram::Histogram() : buckets_(bucket_count, 0) {}

std::size_t Histogram::bucket_of(std::uint64_t v) {
    if (v < exact) return static_cast<std::size_t>(v);
    const unsigned e = log2_floor(v);  // >= 6
    const std::uint64_t sub = (v >> (e - sub_bits)) & ((1u << sub_bits) - 1);
    return exact + (e - 6) * (1u << sub_bits) + static_cast<std::size_t>(sub);
}

std::uint64_t Histogram::upper_edge(std::size_t bucket) {
    if (bucket < exact) return bucket;
    const std::size_t i = bucket - exact;
    const unsigned e = static_cast<unsigned>(i >> sub_bits) + 6;
    const std::uint64_t sub = i & ((1u << sub_bits) - 1);
    return ((std::uint64_t{1} << sub_bits | sub) + 1) << (e - sub_bits);
}

void Histogram::record(std::uint64_t v) {
    ++buckets_[bucket_of(v)];
    ++count_;
    max_ = std::max(max_, v);
}

void Histogram::merge(const Histogram& other) {
    for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

std::uint64_t Histogram::percentile(double q) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::min(upper_edge(i), max_);
    }
    return max_;
}

nlohmann::json Histogram::to_json() const {
    auto sparse = nlohmann::json::array();
    for (std::size_t i = 0; i < buckets_.size(); ++i)
        if (buckets_[i]) sparse.push_back({i, buckets_[i]});
    return {{"buckets", sparse}, {"max", max_}};
}

Histogram Histogram::from_json(const nlohmann::json& j) {
    Histogram h;
    for (const auto& pair : j.at("buckets")) {
        const auto i = pair.at(0).get<std::size_t>();
        const auto n = pair.at(1).get<std::uint64_t>();
        if (i < h.buckets_.size()) {
            h.buckets_[i] += n;
            h.count_ += n;
        }
    }
    h.max_ = j.at("max").get<std::uint64_t>();
    return h;
}

}  // namespace hiconn::load
