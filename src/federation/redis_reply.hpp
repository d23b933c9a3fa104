// A Redis reply as a plain value, copied out of hiredis's redisReply so that nothing above
// the connection sees hiredis types or owns its memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct redisReader;

namespace hiconn::federation {

struct RedisReply {
    enum class Type { string, array, integer, nil, status, error };
    Type type = Type::nil;
    std::string str;                  ///< string, status and error replies
    long long integer = 0;
    std::vector<RedisReply> elements; ///< arrays

    bool is_error() const noexcept { return type == Type::error; }
    bool is_array(std::size_t min_size = 0) const noexcept {
        return type == Type::array && elements.size() >= min_size;
    }
};

/// hiredis's reply reader over the bytes read from Redis (untrusted input), giving the
/// replies as RedisReply values. RedisConnection reads through it; so does a fuzz target.
class RedisReplyReader {
public:
    RedisReplyReader();
    ~RedisReplyReader();
    RedisReplyReader(const RedisReplyReader&) = delete;
    RedisReplyReader& operator=(const RedisReplyReader&) = delete;

    /// Appends bytes from the socket; false when the reader refuses them.
    bool feed(const char* data, std::size_t size);
    /// The next complete reply into `reply`: false when none is complete yet, or on a
    /// protocol error (then failed() and error() say so; the stream cannot go on).
    bool next(RedisReply& reply);
    bool failed() const noexcept { return failed_; }
    const std::string& error() const noexcept { return error_; }

private:
    std::unique_ptr<redisReader, void (*)(redisReader*)> reader_;
    bool failed_ = false;
    std::string error_;
};

/// A subscribed connection's pushed message: ["message", channel, payload].
bool is_push(const RedisReply& reply);

}  // namespace hiconn::federation
