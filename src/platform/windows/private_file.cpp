#include "platform/private_file.hpp"

#include <windows.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace hiconn::platform {

void write_private_file(const std::string& path, const std::string& contents) {
    const std::string temp = path + ".tmp." + std::to_string(GetCurrentProcessId());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << contents;
        out.flush();
        if (!out) {
            std::remove(temp.c_str());
            throw std::runtime_error("cannot write " + temp);
        }
    }
    // No mode bits on Windows: the file inherits its directory's ACL (document: keep the
    // accounts file in a directory only the service account can read).
    if (!MoveFileExA(temp.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        const DWORD error = GetLastError();
        std::remove(temp.c_str());
        throw std::runtime_error("cannot replace " + path + " (Windows error " + std::to_string(error) + ")");
    }
}

}  // namespace hiconn::platform
