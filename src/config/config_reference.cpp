// The schema and the key reference, derived from the field table (config_fields.cpp).
#include "config/config_reference.hpp"

#include "config/config_fields.hpp"

namespace hiconn::config::detail {
namespace {

/// `a op b` read from b's side: "<=" -> ">=", ">" -> "<".
std::string mirrored(const std::string& op)
{
    std::string out = op;
    out[0] = op[0] == '<' ? '>' : '<';
    return out;
}

/// The cross-field rules that concern `path` (a key or a section), as sentences.
std::string rule_sentences(const std::string& path)
{
    std::string out;
    for (const auto& rule : order_rules()) {
        if (rule.path == path) out += " Must be " + rule.op + " " + rule.other + ".";
        if (rule.other == path) out += " Must be " + mirrored(rule.op) + " " + rule.path + ".";
    }
    for (const auto& rule : exclusive_rules()) {
        if (rule.first == path) out += " Cannot be set together with " + rule.second + ".";
        if (rule.second == path) out += " Cannot be set together with " + rule.first + ".";
    }
    for (const auto& rule : only_with_rules()) {
        if (rule.section == path) out += " Only with " + rule.field + " \"" + rule.value + "\".";
        if (rule.field == path) out += " Must be \"" + rule.value + "\" when " + rule.section + " is set.";
    }
    for (const auto& d : workload_defaults())
        if (d.path == path) out += " Default with workload \"" + d.workload + "\": " + d.value.dump() + ".";
    return out;
}

std::string leaf(const std::string& path)
{
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

Json field_schema(const Field& field)
{
    Json s = Json::object();
    s["description"] = field.description + rule_sentences(field.path);
    switch (field.type) {
    case Type::integer:
        s["type"] = "integer";
        s["minimum"] = field.minimum;
        s["maximum"] = field.maximum;
        break;
    case Type::string:
        s["type"] = "string";
        if (!field.choices.empty()) s["enum"] = field.choices;
        if (field.min_length > 0) s["minLength"] = field.min_length;
        if (field.max_length > 0) s["maxLength"] = field.max_length;
        if (field.format != Format::any) s["pattern"] = format_pattern(field.format);
        break;
    case Type::boolean:
        s["type"] = "boolean";
        break;
    case Type::string_list:
        s["type"] = "array";
        s["items"] = {{"type", "string"}, {"pattern", format_pattern(field.format)}};
        if (field.min_items > 0) s["minItems"] = field.min_items;
        s["uniqueItems"] = true;
        break;
    case Type::operator_list: {
        Json name = {{"type", "string"}, {"pattern", format_pattern(Format::account_name)}};
        Json hash = {{"type", "string"}, {"pattern", "^[$]pbkdf2-sha256[$]i=[0-9]+[$]"},
                     {"description", "From hiconn hash-password; plain text is refused."}};
        Json hosts = {{"type", "array"}, {"minItems", 1}};
        hosts["items"] = {{"type", "string"}, {"pattern", format_pattern(Format::host_mask)}};
        Json item = {{"type", "object"}, {"additionalProperties", false}};
        item["required"] = Json::array({"name", "password_hash", "hosts"});
        item["properties"] = {{"name", name}, {"password_hash", hash}, {"hosts", hosts}};
        s["type"] = "array";
        s["items"] = item;
        break;
    }
    }
    s["default"] = field.get(Config{});
    return s;
}

Json section_schema(const std::string& path)
{
    const Section* section = find_section(path);
    Json s = Json::object();
    if (path.empty()) {
        s["$schema"] = "http://json-schema.org/draft-07/schema#";
        s["title"] = "hiconn configuration";
    }
    s["description"] = section->description + rule_sentences(path);
    s["type"] = section->present ? Json::array({"object", "null"}) : Json("object");
    s["additionalProperties"] = false;
    Json properties = Json::object();
    if (path.empty())
        properties["$schema"] = {{"description", "URI of this schema, for editors; ignored by hiconn."},
                                 {"type", "string"}};
    for (const auto& key : child_keys(path)) {
        const std::string child = join_path(path, key);
        const Field* field = find_field(child);
        properties[key] = field ? field_schema(*field) : section_schema(child);
    }
    s["properties"] = std::move(properties);
    for (const auto& rule : exclusive_rules()) {
        if (parent_path(rule.first) != path || parent_path(rule.second) != path) continue;
        const std::string a = leaf(rule.first), b = leaf(rule.second);
        s["not"] = {{"required", {a, b}},
                    {"properties", {{a, {{"minLength", 1}}}, {b, {{"minLength", 1}}}}}};
    }
    return s;
}

std::string cell(std::string text)
{
    for (std::size_t i = 0; (i = text.find('|', i)) != std::string::npos; i += 2) text.replace(i, 1, "\\|");
    return text;
}

std::string type_text(const Field& field)
{
    switch (field.type) {
    case Type::integer: return "integer";
    case Type::string: return "string";
    case Type::string_list: return "array of strings";
    case Type::boolean: return "boolean";
    case Type::operator_list: return "array of objects";
    }
    return "";
}

std::string allowed_text(const Field& field)
{
    switch (field.type) {
    case Type::integer: return std::to_string(field.minimum) + ".." + std::to_string(field.maximum);
    case Type::string: {
        if (!field.choices.empty()) {
            std::string out;
            for (const auto& c : field.choices) out += (out.empty() ? "`\"" : ", `\"") + c + "\"`";
            return out;
        }
        std::string out = format_text(field.format);
        if (field.max_length > 0)
            out += std::string(out.empty() ? "" : ", ") + std::to_string(field.min_length) + ".." +
                   std::to_string(field.max_length) + " characters";
        return out.empty() ? "any" : out;
    }
    case Type::boolean:
        return "`true`, `false`";
    case Type::string_list:
        return "unique entries, each " + format_text(field.format) +
               (field.min_items > 0 ? "; at least " + std::to_string(field.min_items) : "");
    case Type::operator_list:
        return "`name`: " + format_text(Format::account_name) + "; `password_hash`: from `hiconn hash-password`; "
               "`hosts`: at least one " + format_text(Format::host_mask);
    }
    return "";
}

}  // namespace

std::string json_schema_text()
{
    return section_schema("").dump(2) + "\n";
}

std::string keys_markdown()
{
    std::string out = "| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n";
    std::string last_section;
    for (const auto& field : fields()) {
        const std::string section = parent_path(field.path);
        const Section* s = find_section(section);
        if (section != last_section && s && s->present)
            out += "| `" + section + "` | object or null | `null` (off) | | " +
                   cell(s->description + rule_sentences(section)) + " |\n";
        last_section = section;
        out += "| `" + field.path + "` | " + type_text(field) + " | `" + cell(field.get(Config{}).dump()) +
               "` | " + cell(allowed_text(field)) + " | " + cell(field.description + rule_sentences(field.path)) +
               " |\n";
    }
    return out;
}

}  // namespace hiconn::config::detail
