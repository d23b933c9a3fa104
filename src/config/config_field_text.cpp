// The words of the field table: the schema pattern and the human description of each string
// format, and the "expected ..." text of each field, used by errors, the schema and the docs.
#include "config/config_fields.hpp"

#include "config/address_format.hpp"

namespace hiconn::config::detail {

const std::string& format_pattern(Format format)
{
    static const std::string none;
    static const std::string name = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
    static const std::string printable = "^[!-~]*$";  // '!' (0x21) to '~' (0x7E)
    static const std::string account_name = "^[A-Za-z0-9_.\\[\\]{}\\\\`^|-]{1,32}$";
    static const std::string host_mask = "^[!-?A-~]+@[!-?A-~]+$";  // printable but '@' and ' ', around one '@'
    switch (format) {
    case Format::any: return none;
    case Format::name: return name;
    case Format::ip_address: return ip_address_pattern();
    case Format::listen_address: return listen_address_pattern();
    case Format::redis_address: return redis_address_pattern();
    case Format::printable: return printable;
    case Format::ip_network: return ip_network_pattern();
    case Format::account_name: return account_name;
    case Format::host_mask: return host_mask;
    }
    return none;
}

std::string format_text(Format format)
{
    switch (format) {
    case Format::any: return "";
    case Format::name: return "a name (letters, digits, '.', '_', '-'; starting with a letter or digit)";
    case Format::ip_address: return "a numeric IPv4 or IPv6 address";
    case Format::listen_address:
        return "\"ADDR:PORT\", \"tls://ADDR:PORT\", \"proxy://ADDR:PORT\", \"proxy+tls://ADDR:PORT\", "
               "\"ws://ADDR:PORT\" or \"wss://ADDR:PORT\" "
               "(numeric IPv4, [IPv6] or *; port 0..65535)";
    case Format::redis_address: return "\"ADDR:PORT\" (numeric IPv4 or [IPv6]; port 1..65535)";
    case Format::printable: return "printable ASCII without spaces";
    case Format::ip_network: return "a numeric IPv4 or IPv6 address or CIDR block (\"10.0.0.0/8\", \"fd00::/8\")";
    case Format::account_name: return "a name of 1..32 letters, digits or -_.[]{}\\`^|";
    case Format::host_mask: return "\"user@host\" mask (printable ASCII, no spaces; * and ? match)";
    }
    return "";
}

std::string expected_text(const Field& field)
{
    switch (field.type) {
    case Type::integer:
        return "an integer " + std::to_string(field.minimum) + ".." + std::to_string(field.maximum);
    case Type::string: {
        if (!field.choices.empty()) {
            std::string out = "one of ";
            for (std::size_t i = 0; i < field.choices.size(); ++i)
                out += (i ? ", \"" : "\"") + field.choices[i] + "\"";
            return out;
        }
        std::string out = field.format == Format::any ? "a string" : format_text(field.format);
        if (field.max_length > 0)
            out += " of " + std::to_string(field.min_length) + ".." + std::to_string(field.max_length) +
                   " characters";
        return out;
    }
    case Type::string_list: {
        std::string out = "an array of unique strings, each " + format_text(field.format);
        if (field.min_items > 0) out += ", at least " + std::to_string(field.min_items);
        return out;
    }
    case Type::boolean: return "true or false";
    case Type::operator_list:
        return "an array of objects {\"name\", \"password_hash\", \"hosts\"}";
    }
    return "";
}

}  // namespace hiconn::config::detail
