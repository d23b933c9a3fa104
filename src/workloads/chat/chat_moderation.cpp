// ChatServer's moderation: the ban store's changes (admin endpoint, KLINE), their
// persistence in chat.bans_file, kills and the client list of GET /chat/clients.
#include "workloads/chat/chat_server.hpp"

#include "core/log.hpp"
#include "workloads/chat/ban_file.hpp"

#include <ctime>

namespace hiconn::chat {

namespace {
std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }
}  // namespace

void ChatServer::load_bans(std::string path) {
    BanList loaded;
    if (!path.empty()) load_ban_file(path, loaded);  // throws BanFileError naming the file
    const std::size_t expired = loaded.expire(unix_now());
    std::lock_guard<std::mutex> lock(mutex_);
    bans_file_ = std::move(path);
    state_.bans = std::move(loaded);
    ++state_.bans_version;
    if (!bans_file_.empty())
        log::info("chat: " + std::to_string(state_.bans.all().size()) + " server bans from " + bans_file_ +
                  (expired ? " (" + std::to_string(expired) + " expired dropped)" : std::string()));
}

std::optional<std::size_t> ChatServer::add_ban(Ban ban) {
    std::vector<std::pair<ClientPtr, std::string>> victims;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state_.bans.expire(unix_now());
        victims = state_.clients_banned_by(ban);
        const Ban shared = ban;
        if (!state_.bans.add(std::move(ban))) return std::nullopt;
        ++state_.bans_version;
        state_.network->ban_added(shared);
    }
    save_bans();
    const std::size_t n = victims.size();
    disconnect(std::move(victims));
    return n;
}

std::optional<Ban> ChatServer::remove_ban(const BanMask& mask) {
    std::optional<Ban> removed;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state_.bans.expire(unix_now());
        removed = state_.bans.remove(mask);
        if (!removed) return std::nullopt;
        ++state_.bans_version;
        state_.network->ban_removed(mask);
    }
    save_bans();
    return removed;
}

std::vector<Ban> ChatServer::bans() const {
    const std::int64_t now = unix_now();
    std::vector<Ban> active;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Ban& ban : state_.bans.all())
        if (ban.active(now)) active.push_back(ban);
    return active;
}

void ChatServer::save_bans() {
    if (bans_file_.empty()) return;
    nlohmann::json document;
    std::uint64_t version;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state_.bans.expire(unix_now());
        document = state_.bans.to_json();
        version = state_.bans_version;
    }
    // Written outside the chat lock; two savers race only to write the newer list last.
    std::lock_guard<std::mutex> lock(bans_file_mutex_);
    if (version <= bans_saved_version_) return;
    try {
        save_ban_file(bans_file_, document);
        bans_saved_version_ = version;
    } catch (const BanFileError& e) {
        log::error(std::string("chat: ") + e.what() + "; the bans hold until a restart only");
    }
}

void ChatServer::disconnect(std::vector<std::pair<ClientPtr, std::string>> victims) {
    for (auto& [client, reason] : victims) {
        Client& target = *client;
        target.link().post([this, keep = std::move(client), why = std::move(reason)] {
            quit(*keep, why, core::CloseReason::workload);
        });
    }
}

bool ChatServer::kill(std::string_view nick, std::string_view by, std::string_view reason) {
    const std::string why = "Killed (" + std::string(by) + " (" + std::string(reason) + "))";
    ClientPtr victim;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Client* client = state_.find_nick(nick);
        if (client == nullptr || client->state.detached || !client->state.registered) return false;
        if (client->remote()) {  // its node disconnects it
            state_.network->kill(*client, why);
            return true;
        }
        victim = client->shared_from_this();
    }
    std::vector<std::pair<ClientPtr, std::string>> victims;
    victims.emplace_back(std::move(victim), why);
    disconnect(std::move(victims));
    return true;
}

nlohmann::json ChatServer::clients_json() const {
    nlohmann::json list = nlohmann::json::array();
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, client] : state_.nicks) {
        (void)key;
        const ClientState& s = client->state;
        if (!s.registered || s.detached) continue;
        nlohmann::json channels = nlohmann::json::array();
        for (const Channel* channel : s.channels) channels.push_back(channel->name);
        const std::string* node = client->node();
        list.push_back({{"nick", s.nick}, {"user", s.user}, {"host", client->host()},
                        {"node", node ? *node : state_.settings.server_name},
                        {"connected_since", s.connected_at ? nlohmann::json(s.connected_at) : nlohmann::json()},
                        {"channels", std::move(channels)}});
    }
    return list;
}

}  // namespace hiconn::chat
