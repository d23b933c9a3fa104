// read_document(): the JSON document -> Config, validating every value against the field table.
#include "config/address_format.hpp"
#include "config/config_document.hpp"
#include "auth/password_hash.hpp"
#include "proxy/network.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

namespace hiconn::config::detail {
namespace {

std::size_t code_points(const std::string& utf8)
{
    std::size_t n = 0;
    for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
    return n;
}

std::size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

bool holds(std::uint64_t value, const std::string& op, std::uint64_t other)
{
    if (op == "<") return value < other;
    if (op == "<=") return value <= other;
    if (op == ">") return value > other;
    return value >= other;
}

class Reader {
public:
    Reader(std::string file, const std::vector<std::string>& overridden)
        : file_(std::move(file)), overridden_(overridden) {}

    Config read(const Json& doc)
    {
        if (!doc.is_object()) fail({""}, "expected a JSON object at the top level, got " + describe_value(doc));
        const auto workload = doc.find("workload");
        // Keys present in the document overwrite these; a bad "workload" fails below.
        Config config = defaults_for(workload != doc.end() && workload->is_string() ? workload->get<std::string>() : "");
        read_section(doc, "", config);
        check_rules(config);
        return config;
    }

private:
    [[noreturn]] void fail(std::initializer_list<std::string> paths, const std::string& message) const
    {
        throw ConfigError(source_of(paths), *paths.begin(), message);
    }

    /// The override that wrote one of `paths`, or a key inside one of them (the last one
    /// wins), else the file. Inside: --set federation.redis=... is what turns federation on.
    std::string source_of(std::initializer_list<std::string> paths) const
    {
        for (auto it = overridden_.rbegin(); it != overridden_.rend(); ++it)
            for (const auto& path : paths)
                if (path == *it || path.rfind(*it + ".", 0) == 0 || path.rfind(*it + "[", 0) == 0 ||
                    (!path.empty() && it->rfind(path + ".", 0) == 0))
                    return "--set " + *it;
        return file_;
    }

    void read_section(const Json& object, const std::string& section_path, Config& config)
    {
        const auto keys = child_keys(section_path);
        for (const auto& [key, value] : object.items()) {
            const std::string path = join_path(section_path, key);
            if (section_path.empty() && key == "$schema") {
                if (!value.is_string()) fail({path}, "expected a string (the schema's URI), got " + describe_value(value));
                continue;
            }
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                fail({path}, unknown_key_message(section_path, key));
            if (const Field* field = find_field(path)) {
                read_field(*field, value, config);
                continue;
            }
            const Section* section = find_section(path);
            if (section->present && value.is_null()) {
                section->set_present(config, false);
                continue;
            }
            if (!value.is_object())
                fail({path}, std::string("expected an object") + (section->present ? " or null" : "") +
                                 ", got " + describe_value(value));
            if (section->present) section->set_present(config, true);
            read_section(value, path, config);
        }
    }

    void read_field(const Field& field, const Json& value, Config& config)
    {
        switch (field.type) {
        case Type::integer: field.set(config, Json(read_integer(field, value))); break;
        case Type::string: check_string(field, field.path, value); field.set(config, value); break;
        case Type::string_list: check_list(field, value); field.set(config, value); break;
        case Type::boolean:
            if (!value.is_boolean()) fail({field.path}, "expected true or false, got " + describe_value(value));
            field.set(config, value);
            break;
        case Type::operator_list: check_operators(field, value); field.set(config, value); break;
        }
    }

    /// chat.operators: each entry an object of exactly name, password_hash (a hash string,
    /// never plain text) and hosts (at least one user@host mask); names unique.
    void check_operators(const Field& field, const Json& value) const
    {
        if (!value.is_array()) fail({field.path}, "expected " + expected_text(field) + ", got " + describe_value(value));
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string path = field.path + "[" + std::to_string(i) + "]";
            const Json& item = value[i];
            if (!item.is_object())
                fail({path}, "expected an object {\"name\", \"password_hash\", \"hosts\"}, got " + describe_value(item));
            for (const auto& [key, member] : item.items())
                if (key != "name" && key != "password_hash" && key != "hosts")
                    fail({path + "." + key}, "unknown key (known keys: name, password_hash, hosts)");
            for (const char* key : {"name", "password_hash", "hosts"})
                if (!item.contains(key)) fail({path + "." + key}, "expected this key, got none");
            const Json& name = item["name"];
            if (!name.is_string()) fail({path + ".name"}, "expected a string, got " + describe_value(name));
            check_format(Format::account_name, path + ".name", name.get<std::string>());
            for (std::size_t j = 0; j < i; ++j)
                if (value[j]["name"] == name)
                    fail({path + ".name"}, "expected each operator name once, got " + describe_value(name) +
                                               " again (as " + field.path + "[" + std::to_string(j) + "])");
            const Json& hash = item["password_hash"];
            if (!hash.is_string())
                fail({path + ".password_hash"}, "expected a string, got " + describe_value(hash));
            std::string why;
            // The value is not echoed: it may be a password typed where its hash belongs.
            if (!auth::parse_password_hash(hash.get<std::string>(), &why))
                fail({path + ".password_hash"}, "expected a hash string from hiconn hash-password "
                                                "($pbkdf2-sha256$i=N$SALT$HASH), got a string that is not one (" +
                                                    why + "); plain-text passwords are refused");
            const Json& hosts = item["hosts"];
            if (!hosts.is_array() || hosts.empty())
                fail({path + ".hosts"}, "expected an array of at least one \"user@host\" mask, got " +
                                            describe_value(hosts));
            for (std::size_t k = 0; k < hosts.size(); ++k) {
                const std::string host_path = path + ".hosts[" + std::to_string(k) + "]";
                if (!hosts[k].is_string()) fail({host_path}, "expected a string, got " + describe_value(hosts[k]));
                check_format(Format::host_mask, host_path, hosts[k].get<std::string>());
            }
        }
    }

    /// Integers as JSON Schema counts them: 5.0 and 5e3 are integers, 5.5 is not.
    std::uint64_t read_integer(const Field& field, const Json& value) const
    {
        const std::string expected = "expected " + expected_text(field) + ", got " + describe_value(value);
        if (value.is_number_unsigned()) {
            const auto n = value.get<std::uint64_t>();
            if (n < field.minimum || n > field.maximum) fail({field.path}, expected);
            return n;
        }
        if (value.is_number_integer()) fail({field.path}, expected);  // negative
        if (value.is_number_float()) {
            const double d = value.get<double>();
            if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(field.minimum) ||
                d > static_cast<double>(field.maximum))
                fail({field.path}, expected);
            return static_cast<std::uint64_t>(d);
        }
        fail({field.path}, expected);
    }

    void check_string(const Field& field, const std::string& path, const Json& value) const
    {
        const std::string expected = "expected " + expected_text(field) + ", got " + describe_value(value);
        if (!value.is_string()) fail({path}, expected);
        const auto& text = value.get_ref<const std::string&>();
        if (!field.choices.empty() &&
            std::find(field.choices.begin(), field.choices.end(), text) == field.choices.end())
            fail({path}, expected);
        const std::size_t length = code_points(text);
        if (length < field.min_length || (field.max_length > 0 && length > field.max_length))
            fail({path}, expected);
        check_format(field.format, path, text);
    }

    void check_format(Format format, const std::string& path, const std::string& text) const
    {
        const std::string expected = "expected " + format_text(format) + ", got " + describe_value(Json(text));
        switch (format) {
        case Format::any: return;
        case Format::ip_address:
            if (!is_ip_address(text)) fail({path}, expected);
            return;
        case Format::ip_network:
            if (!proxy::parse_network(text)) fail({path}, expected);
            return;
        case Format::listen_address:
            try {
                parse_listen_address(text);
            } catch (const std::invalid_argument& e) {
                fail({path}, expected + ": " + e.what());
            }
            return;
        case Format::redis_address: {
            // The listen syntax minus what only a listener can use.
            if (text.rfind(':') == 0) fail({path}, expected + ": missing address before ':'");
            std::uint16_t port = 0;
            try {
                const auto address = parse_listen_address(text);
                if (address.tls || address.proxy || address.websocket)
                    fail({path}, expected + ": Redis is reached over plain TCP (no tls://, no proxy://)");
                port = address.port;
            } catch (const std::invalid_argument& e) {
                fail({path}, expected + ": " + e.what());
            }
            if (text.rfind("*:", 0) == 0)
                fail({path}, expected + ": * (every address) is for listening; give the Redis server's address");
            if (port == 0)
                fail({path}, expected + ": port 0 (ephemeral) is for listening; give the Redis server's port");
            return;
        }
        case Format::name:
        case Format::printable:
        case Format::account_name:
        case Format::host_mask: {
            static const std::regex name(format_pattern(Format::name), std::regex::ECMAScript);
            static const std::regex printable(format_pattern(Format::printable), std::regex::ECMAScript);
            static const std::regex account(format_pattern(Format::account_name), std::regex::ECMAScript);
            static const std::regex mask(format_pattern(Format::host_mask), std::regex::ECMAScript);
            const std::regex& pattern = format == Format::name        ? name
                                        : format == Format::printable ? printable
                                        : format == Format::account_name ? account
                                                                         : mask;
            if (!std::regex_search(text, pattern)) fail({path}, expected);
            return;
        }
        }
    }

    void check_list(const Field& field, const Json& value) const
    {
        if (!value.is_array()) fail({field.path}, "expected " + expected_text(field) + ", got " + describe_value(value));
        if (value.size() < field.min_items)
            fail({field.path}, "expected at least " + std::to_string(field.min_items) + " entr" +
                                   (field.min_items == 1 ? "y" : "ies") + ", got " + describe_value(value));
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string path = field.path + "[" + std::to_string(i) + "]";
            if (!value[i].is_string()) fail({path}, "expected a string, got " + describe_value(value[i]));
            check_format(field.format, path, value[i].get<std::string>());
            for (std::size_t j = 0; j < i; ++j)
                if (value[j] == value[i])
                    fail({path}, "expected each entry once, got " + describe_value(value[i]) + " again (as " +
                                     field.path + "[" + std::to_string(j) + "])");
        }
    }

    void check_rules(const Config& config) const
    {
        for (const auto& rule : order_rules()) {
            const auto value = find_field(rule.path)->get(config).get<std::uint64_t>();
            const auto other = find_field(rule.other)->get(config).get<std::uint64_t>();
            if (!holds(value, rule.op, other))
                fail({rule.path, rule.other}, "expected a value " + rule.op + " " + rule.other + " (" +
                                                  std::to_string(other) + "), got " + std::to_string(value));
        }
        for (const auto& rule : exclusive_rules()) {
            const auto first = find_field(rule.first)->get(config).get<std::string>();
            const auto second = find_field(rule.second)->get(config);
            if (!first.empty() && !second.get<std::string>().empty())
                fail({rule.second, rule.first}, "expected an empty string when " + rule.first +
                                                    " is set (use one of them), got " + describe_value(second));
        }
        for (std::size_t i = 0; i < config.listen.size(); ++i)
            if (parse_listen_address(config.listen[i]).tls && !config.tls.enabled)
                fail({"listen[" + std::to_string(i) + "]", "tls"},
                     "a tls://, proxy+tls:// or wss:// listener needs the \"tls\" section (certificate and "
                     "private_key), got none");
        for (const auto& rule : only_with_rules()) {
            const auto value = find_field(rule.field)->get(config);
            if (find_section(rule.section)->present(config) && value != Json(rule.value))
                fail({rule.section, rule.field}, "expected null or absent unless " + rule.field + " is " +
                                                     describe_value(Json(rule.value)) + " (" + rule.reason +
                                                     "), got " + rule.field + " " + describe_value(value));
        }
    }

    std::string file_;
    const std::vector<std::string>& overridden_;
};

}  // namespace

std::string describe_value(const Json& value)
{
    std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > 60) {
        std::size_t cut = 57;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
        text = text.substr(0, cut) + "...";
    }
    return text;
}

std::string unknown_key_message(const std::string& section_path, const std::string& key)
{
    const auto keys = child_keys(section_path);
    std::string hint;
    // A key put in the wrong section ("max_connections" at the top) is the likeliest slip.
    for (const auto& field : fields()) {
        const auto dot = field.path.rfind('.');
        if (field.path.substr(dot == std::string::npos ? 0 : dot + 1) == key) hint = field.path;
    }
    if (hint.empty()) {
        std::size_t best = key.size() / 3 + 1;
        for (const auto& known : keys) {
            const std::size_t distance = edit_distance(key, known);
            if (distance <= best && distance < known.size()) {
                best = distance;
                hint = join_path(section_path, known);
            }
        }
    }
    std::string message = "unknown key (";
    if (!hint.empty()) message += "did you mean " + hint + "? ";
    message += "known keys: ";
    for (std::size_t i = 0; i < keys.size(); ++i) message += (i ? ", " : "") + keys[i];
    return message + ")";
}

Config read_document(const Json& doc, const std::string& file, const std::vector<std::string>& overridden)
{
    return Reader(file, overridden).read(doc);
}

}  // namespace hiconn::config::detail
