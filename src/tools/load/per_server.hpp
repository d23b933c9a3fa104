// Counters kept per server (--servers): one table per shard (one I/O thread writes it),
// `Fields` counters for each server, summed into the raw result's "per_server" list:
//   [{"server": "127.0.0.1:6667", "<field>": n, ...}, ...]   in --servers order
// which merge_raw() sums element by element across worker processes.
#pragma once

#include "tools/load/counter.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/options.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace hiconn::load {

template <std::size_t Fields>
class PerServer {
public:
    explicit PerServer(std::size_t servers) : counters_(servers) {}
    void add(std::size_t server, std::size_t field, std::uint64_t n = 1) { counters_[server][field].add(n); }
    std::uint64_t get(std::size_t server, std::size_t field) const { return counters_[server][field].get(); }

private:
    std::vector<std::array<Counter, Fields>> counters_;
};

/// How many of this process's `options.connections` go to each server of `target`.
inline std::vector<std::uint64_t> assigned_per_server(const Options& options, const Target& target) {
    std::vector<std::uint64_t> n(target.servers.size(), 0);
    for (std::uint64_t local = 0; local < options.connections; ++local)
        ++n[target.server_of(options.global_index(local))];
    return n;
}

/// The raw "per_server" list: `assigned_name` (this process's share of each server), then
/// each field summed over `shards` (each with a `per_server` member).
template <std::size_t Fields, class Shards>
nlohmann::json per_server_raw(const Options& options, const Target& target, const char* assigned_name,
                              const std::array<const char*, Fields>& names, const Shards& shards) {
    const auto assigned = assigned_per_server(options, target);
    auto list = nlohmann::json::array();
    for (std::size_t s = 0; s < target.servers.size(); ++s) {
        nlohmann::json entry = {{"server", target.names[s]}, {assigned_name, assigned[s]}};
        for (std::size_t f = 0; f < Fields; ++f) {
            std::uint64_t total = 0;
            for (const auto& shard : shards) total += shard->per_server.get(s, f);
            entry[names[f]] = total;
        }
        list.push_back(std::move(entry));
    }
    return list;
}

}  // namespace hiconn::load
