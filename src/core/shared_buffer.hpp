// An immutable byte buffer that can be queued to many connections without a copy (chat
// fan-out: formatted once, shared by every recipient).
#pragma once

#include <memory>
#include <string>

namespace hiconn::core {

using SharedBuffer = std::shared_ptr<const std::string>;
inline SharedBuffer make_shared_buffer(std::string bytes) {
    return std::make_shared<const std::string>(std::move(bytes));
}

}  // namespace hiconn::core
