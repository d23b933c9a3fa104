// operator== for Config, derived from the field table (config_fields.cpp): a key added there
// is compared without another line here.
#include "config/config.hpp"
#include "config/config_fields.hpp"

namespace hiconn::config {

bool operator==(const Config& a, const Config& b)
{
    if (a.source_file != b.source_file) return false;
    for (const auto& section : detail::sections())
        if (section.present && section.present(a) != section.present(b)) return false;
    for (const auto& field : detail::fields())
        if (field.get(a) != field.get(b)) return false;
    return true;
}

}  // namespace hiconn::config
