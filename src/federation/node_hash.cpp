// Node's shared hashes (Link::hash_set/hash_delete/hash_read): state that must outlive every
// node, such as the chat workload's server bans. The commands go on the command
// connection, in order with the events published after them.
#include "federation/node.hpp"

#include "federation/redis_connection.hpp"
#include "federation/redis_reply.hpp"

#include <boost/asio/post.hpp>

namespace hiconn::federation {

namespace asio = boost::asio;

void Node::hash_set(std::string hash, std::string field, std::string value) {
    asio::post(io_, [this, hash = std::move(hash), field = std::move(field), value = std::move(value)] {
        if (up_ && cmd_) cmd_->command({"HSET", settings_.key_prefix + hash, field, value});
    });
}

void Node::hash_delete(std::string hash, std::string field) {
    asio::post(io_, [this, hash = std::move(hash), field = std::move(field)] {
        if (up_ && cmd_) cmd_->command({"HDEL", settings_.key_prefix + hash, field});
    });
}

void Node::hash_read(std::string hash, std::size_t max_fields,
                     std::function<void(std::optional<HashEntries>)> done) {
    asio::post(io_, [this, hash = std::move(hash), max_fields, done = std::move(done)] {
        if (!up_ || !cmd_) return done(std::nullopt);
        cmd_->command({"HGETALL", settings_.key_prefix + hash}, [max_fields, done](const RedisReply* reply) {
            // What Redis returns is untrusted: a flat array of string pairs, bounded.
            if (reply == nullptr || reply->type != RedisReply::Type::array ||
                reply->elements.size() % 2 != 0 || reply->elements.size() / 2 > max_fields)
                return done(std::nullopt);
            HashEntries entries;
            entries.reserve(reply->elements.size() / 2);
            for (std::size_t i = 0; i < reply->elements.size(); i += 2) {
                const RedisReply& field = reply->elements[i];
                const RedisReply& value = reply->elements[i + 1];
                if (field.type != RedisReply::Type::string || value.type != RedisReply::Type::string)
                    return done(std::nullopt);
                entries.emplace_back(field.str, value.str);
            }
            done(std::move(entries));
        });
    });
}

}  // namespace hiconn::federation
