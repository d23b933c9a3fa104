// A Redis reply as a plain value, copied out of hiredis's redisReply so that nothing above
// the connection sees hiredis types or owns its memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace hiconn::federation
