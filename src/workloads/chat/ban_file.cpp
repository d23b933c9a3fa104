#include "workloads/chat/ban_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace hiconn::chat {

void load_ban_file(const std::string& path, BanList& bans) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec) && !ec) {  // no ban set yet
        bans.clear();
        return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw BanFileError("bans file " + path + ": cannot be read: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        throw BanFileError("bans file " + path + " is corrupt: not JSON (" + e.what() +
                           "); fix or remove it");
    }
    std::string error;
    if (!bans.load_json(document, &error))
        throw BanFileError("bans file " + path + " is corrupt: " + error + "; fix or remove it");
}

void save_ban_file(const std::string& path, const nlohmann::json& document) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        out.flush();
        if (!out) throw BanFileError("bans file " + temporary + ": cannot be written: " + std::strerror(errno));
    }
    // std::filesystem::rename replaces an existing target on POSIX and on Windows alike
    // (std::rename does not on Windows).
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::remove(temporary.c_str());
        throw BanFileError("bans file " + path + ": cannot be replaced: " + ec.message());
    }
}

}  // namespace hiconn::chat
