// Documents generated from the field table: config/hiconn.schema.json and the key table in
// docs/config.md. Unit tests check that the committed files equal these texts.
#pragma once

#include <string>

namespace hiconn::config::detail {

/// JSON Schema draft-07 of the config, pretty-printed, ending in a newline.
std::string json_schema_text();

/// Markdown table of every key: JSON path, type, default, allowed values, meaning.
std::string keys_markdown();

}  // namespace hiconn::config::detail
