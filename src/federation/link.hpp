// What a workload needs from the network: publish its events in order, claim and release
// names network-wide, and count the other live nodes. Node is the real one (Redis); unit
// tests join two workloads with a fake one.
#pragma once

#include "federation/envelope.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

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

    /// Shared state that outlives the nodes (chat: the server bans), kept in the hash
    /// KEY_PREFIX + `hash`: sets or deletes one field. Lost while the link is down (the
    /// caller says so). Thread safe. The defaults (test links) keep nothing.
    virtual void hash_set(std::string /*hash*/, std::string /*field*/, std::string /*value*/) {}
    virtual void hash_delete(std::string /*hash*/, std::string /*field*/) {}
    using HashEntries = std::vector<std::pair<std::string, std::string>>;
    /// Every field and value of the hash (untrusted: the caller validates them); `done`
    /// runs on the link's thread, with nullopt when the link is down or the reply is not a
    /// hash of at most `max_fields` string fields.
    virtual void hash_read(std::string /*hash*/, std::size_t /*max_fields*/,
                           std::function<void(std::optional<HashEntries>)> done) {
        done(std::nullopt);
    }
    /// Whether events published now reach the other nodes. Thread safe.
    virtual bool link_up() const { return true; }
};

}  // namespace hiconn::federation
