#include "workloads/chat/federated/event_fields.hpp"

namespace hiconn::chat::event_fields {

const std::string* text(const Json& body, const char* key, std::size_t max) {
    if (!body.is_object()) return nullptr;
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) return nullptr;
    const std::string& value = it->get_ref<const std::string&>();
    if (value.size() > max || value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos)
        return nullptr;
    return &value;
}

const std::string* word(const Json& body, const char* key, std::size_t max) {
    const std::string* value = text(body, key, max);
    if (value == nullptr || value->empty() || value->find(' ') != std::string::npos) return nullptr;
    return value;
}

std::optional<std::uint64_t> number(const Json& body, const char* key) {
    if (!body.is_object()) return std::nullopt;
    auto it = body.find(key);
    if (it == body.end() || !it->is_number_unsigned()) return std::nullopt;
    return it->get<std::uint64_t>();
}

std::optional<bool> flag(const Json& body, const char* key) {
    if (!body.is_object()) return std::nullopt;
    auto it = body.find(key);
    if (it == body.end()) return false;
    if (!it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

const Json* array(const Json& body, const char* key) {
    if (!body.is_object()) return nullptr;
    auto it = body.find(key);
    return it != body.end() && it->is_array() ? &*it : nullptr;
}

}  // namespace hiconn::chat::event_fields
