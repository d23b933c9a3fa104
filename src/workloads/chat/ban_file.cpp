#include "workloads/chat/ban_file.hpp"

#include "platform/private_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
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
    // Through a temporary file and a rename (platform::write_private_file, as the accounts
    // file): a crash mid-write leaves the old list, never half a new one.
    try {
        platform::write_private_file(
            path, document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n');
    } catch (const std::runtime_error& e) {
        throw BanFileError(std::string("bans file: ") + e.what());
    }
}

}  // namespace hiconn::chat
