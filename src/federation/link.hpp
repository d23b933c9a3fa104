// What a workload needs from the network: publish its events in order, claim and release
// names network-wide, and count the other live nodes. Node is the real one (Redis); unit
// tests join two workloads with a fake one.
#pragma once

#include "federation/envelope.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hiconn::federation {

class Link {
public:
    virtual ~Link() = default;
    /// One event of this node, numbered in call order. Thread safe.
    virtual void publish(std::string_view type, Json body) = 0;
    /// Claims `name` for `value` (claim_value()); `done(ok)` runs later, on the link's thread.
    /// A live holder keeps its name, except against a `reclaim` (after an outage) of an
    /// earlier nick: the rule for clashes between nodes that could not see each other.
    virtual void claim(std::string name, std::string value, bool reclaim, std::function<void(bool ok)> done) = 0;
    /// Releases `name` if `value` still holds it.
    virtual void release(std::string name, std::string value) = 0;
    /// "NODE|INCARNATION|NICK_MS|ID": who holds a claim, and since when.
    virtual std::string claim_value(std::uint64_t id, std::int64_t nick_ms) const = 0;
    /// Other live nodes heard. Thread safe.
    virtual std::size_t peers() const = 0;
};

}  // namespace hiconn::federation
