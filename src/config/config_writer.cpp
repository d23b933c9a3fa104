// write_document() / to_json_text(): the effective configuration, every key, table order.
#include "config/config_document.hpp"

namespace hiconn::config::detail {
namespace {

/// The object at dotted `path` inside `doc`, created when missing.
Json& object_at(Json& doc, const std::string& path)
{
    Json* node = &doc;
    std::size_t start = 0;
    while (start < path.size()) {
        const auto dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        node = &(*node)[key];
        start = dot == std::string::npos ? path.size() : dot + 1;
    }
    return *node;
}

/// The innermost optional section that holds `path` and is off, if any.
const Section* absent_section(const std::string& path, const Config& config)
{
    for (std::string p = parent_path(path); !p.empty(); p = parent_path(p)) {
        const Section* section = find_section(p);
        if (section && section->present && !section->present(config)) return section;
    }
    return nullptr;
}

}  // namespace

Json write_document(const Config& config)
{
    Json doc = Json::object();
    for (const auto& field : fields()) {
        if (const Section* off = absent_section(field.path, config)) {
            object_at(doc, off->path) = nullptr;
            continue;
        }
        object_at(doc, field.path) = field.get(config);
    }
    return doc;
}

}  // namespace hiconn::config::detail

namespace hiconn::config {

std::string to_json_text(const Config& config)
{
    return detail::write_document(config).dump(2);
}

}  // namespace hiconn::config
