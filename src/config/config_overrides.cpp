// apply_overrides(): "--set path=value" edits of the document, made before validation so an
// overridden value meets exactly the checks (and messages) a value in the file would.
#include "config/config_document.hpp"

namespace hiconn::config::detail {
namespace {

struct Override {
    std::string text;               ///< "limits.max_connections=10", for messages
    std::string path;               ///< "limits.max_connections", "listen[1]"
    std::vector<std::string> keys;  ///< "limits", "max_connections"
    bool has_index = false;         ///< path ends in [N] (only after a list key)
    std::size_t index = 0;
    std::string value;              ///< the text after '='
};

[[noreturn]] void fail_syntax(const std::string& text, const std::string& why)
{
    throw ConfigError("--set " + text, "", "expected PATH=VALUE such as limits.max_connections=5000 or "
                                           "listen[0]=\"[::1]:7000\": " + why);
}

Override parse_override(const std::string& text)
{
    Override o;
    o.text = text;
    const auto equals = text.find('=');
    if (equals == std::string::npos) fail_syntax(text, "missing '='");
    o.path = text.substr(0, equals);
    o.value = text.substr(equals + 1);
    std::string key;
    std::size_t i = 0;
    for (; i < o.path.size() && o.path[i] != '['; ++i) {
        if (o.path[i] == '.') {
            if (key.empty()) fail_syntax(text, "empty key in \"" + o.path + "\"");
            o.keys.push_back(key);
            key.clear();
        } else {
            key += o.path[i];
        }
    }
    if (key.empty()) fail_syntax(text, "empty key in \"" + o.path + "\"");
    o.keys.push_back(key);
    if (i < o.path.size()) {  // "[N]" must end the path
        const std::string digits = o.path.substr(i + 1, o.path.size() - i - 2);
        if (o.path.back() != ']' || digits.empty() || digits.size() > 6 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            fail_syntax(text, "an index is written [N] and ends the path");
        o.has_index = true;
        o.index = std::stoul(digits);
    }
    return o;
}

/// The field the override writes (nullptr for a whole section); throws for an unknown path.
const Field* resolve(const Override& o)
{
    std::string path;
    for (std::size_t k = 0; k < o.keys.size(); ++k) {
        const std::string parent = path;
        path = join_path(path, o.keys[k]);
        const auto keys = child_keys(parent);
        if (std::find(keys.begin(), keys.end(), o.keys[k]) == keys.end())
            throw ConfigError("--set " + o.path, path, unknown_key_message(parent, o.keys[k]));
        if (const Field* field = find_field(path)) {
            if (k + 1 < o.keys.size())
                throw ConfigError("--set " + o.path, path, "not an object: no key can follow it");
            if (o.has_index && field->type != Type::string_list)
                throw ConfigError("--set " + o.path, path, "not an array: it cannot take an [index]");
            return field;
        }
    }
    if (o.has_index) throw ConfigError("--set " + o.path, path, "an object: it cannot take an [index]");
    return nullptr;
}

/// The value as JSON when it parses as JSON, else as a string. A string key takes the text
/// as typed (so password=1234 stays a string); a list key takes a bare word as a one-entry list.
Json value_of(const Override& o, const Field* field)
{
    Json value = Json::parse(o.value, nullptr, /*allow_exceptions=*/false);
    const bool parsed = !value.is_discarded();
    const bool string_target = field && (field->type == Type::string || o.has_index);
    if (!parsed || (string_target && !value.is_string())) value = o.value;
    if (field && field->type == Type::string_list && !o.has_index && !parsed) value = Json::array({o.value});
    try {
        (void)value.dump();  // the command line may carry bytes a JSON document cannot
    } catch (const Json::type_error&) {
        throw ConfigError("--set " + o.path, o.path, "expected UTF-8 text");
    }
    return value;
}

}  // namespace

std::vector<std::string> apply_overrides(Json& doc, const std::vector<std::string>& overrides,
                                         const std::string& file)
{
    std::vector<std::string> written;
    for (const auto& text : overrides) {
        const Override o = parse_override(text);
        const Field* field = resolve(o);
        Json* node = &doc;
        std::string path;
        bool fresh = false;  // `node` was created by this override
        for (const auto& key : o.keys) {
            // Only an optional section (stats.http) may be null: setting a key in it turns it on.
            const Section* section = find_section(path);
            const bool may_be_null = fresh || (!path.empty() && section && section->present);
            if (!node->is_object() && !(node->is_null() && may_be_null))
                throw ConfigError(file, path, std::string(path.empty() ? "expected a JSON object at the top level"
                                                                       : "expected an object") +
                                                  ", got " + describe_value(*node));
            if (node->is_null()) *node = Json::object();
            fresh = !node->contains(key);
            path = join_path(path, key);
            node = &(*node)[key];
        }
        if (o.has_index) {
            if (node->is_null()) *node = field->get(Config{});  // index into the default list
            if (!node->is_array()) throw ConfigError(file, path, "expected an array, got " + describe_value(*node));
            if (o.index > node->size())
                throw ConfigError("--set " + o.path, o.path, "index out of range: " + path + " has " +
                                                               std::to_string(node->size()) + " entries");
            if (o.index == node->size())
                node->push_back(value_of(o, field));
            else
                (*node)[o.index] = value_of(o, field);
        } else {
            *node = value_of(o, field);
        }
        written.push_back(o.path);
    }
    return written;
}

}  // namespace hiconn::config::detail
