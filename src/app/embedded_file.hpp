// One file compiled into hiconn by cmake/embed_files.cmake: the generated .inc files (the
// status page's, the web chat page's) are arrays of these.
#pragma once

#include <cstddef>

namespace hiconn::app {

struct EmbeddedFile {
    const char* name;
    const unsigned char* bytes;
    std::size_t size;
};

}  // namespace hiconn::app
