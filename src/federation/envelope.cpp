#include "federation/envelope.hpp"

#include <algorithm>

namespace hiconn::federation {

bool valid_node_name(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
    }
    return true;
}

namespace {
/// The deepest [ / { nesting outside strings, in one pass, stopping past `limit`.
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) break;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}
}  // namespace

std::optional<Envelope> decode(std::string_view payload, std::string& error) {
    if (payload.size() > max_payload_bytes) {
        error = "payload of " + std::to_string(payload.size()) + " bytes is too large";
        return std::nullopt;
    }
    if (nesting_depth(payload, max_payload_depth) > max_payload_depth) {
        error = "nested deeper than " + std::to_string(max_payload_depth) + " levels";
        return std::nullopt;
    }
    Json body = Json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    auto text = [&](const char* key, std::size_t max) -> const std::string* {
        auto it = body.find(key);
        if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
            it->get_ref<const std::string&>().size() > max)
            return nullptr;
        return &it->get_ref<const std::string&>();
    };
    const std::string* node = text("n", 63);
    const std::string* incarnation = text("i", 32);
    const std::string* type = text("t", 16);
    auto seq = body.find("s");
    auto alnum = [](const std::string& s) {
        for (char c : s)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
        return true;
    };
    if (node == nullptr || !valid_node_name(*node) || incarnation == nullptr || !alnum(*incarnation) ||
        type == nullptr ||
        seq == body.end() || !seq->is_number_unsigned() || seq->get<std::uint64_t>() == 0) {
        error = "no valid n/i/s/t frame fields";
        return std::nullopt;
    }
    Envelope e;
    e.node = *node;
    e.incarnation = *incarnation;
    e.type = *type;
    e.seq = seq->get<std::uint64_t>();
    e.body = std::move(body);
    return e;
}

std::string encode(Json body, const std::string& node, const std::string& incarnation,
                   std::uint64_t seq, std::string_view type) {
    body["n"] = node;
    body["i"] = incarnation;
    body["s"] = seq;
    body["t"] = type;
    // Invalid UTF-8 from a client (IRC is bytes) is replaced rather than throwing.
    return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace hiconn::federation
