#include "workloads/chat/chat_admin.hpp"

#include "core/log.hpp"
#include "workloads/chat/chat_server.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <initializer_list>

namespace hiconn::chat {

namespace {

using Json = nlohmann::json;

// IRC text need not be UTF-8: invalid bytes are shown as U+FFFD rather than failing.
core::AdminReply reply(int status, const Json& body) {
    return {status, body.dump(-1, ' ', false, Json::error_handler_t::replace) + '\n', nullptr};
}
core::AdminReply bad_request(const std::string& error) { return reply(400, {{"error", error}}); }

core::AdminReply wrong_method(const char* allow) {
    core::AdminReply r = reply(405, {{"error", std::string("use ") + allow}});
    r.allow = allow;
    return r;
}

/// The body as a JSON object with only `known` keys; the error text when it is not.
std::optional<std::string> parse_body(std::string_view body, std::initializer_list<const char*> known, Json& out) {
    try {
        out = Json::parse(body.begin(), body.end());
    } catch (const Json::parse_error&) {
        return std::string("the body must be a JSON object");
    }
    if (!out.is_object()) return std::string("the body must be a JSON object");
    for (const auto& item : out.items()) {
        bool ok = false;
        for (const char* key : known) ok = ok || item.key() == key;
        if (!ok) return "unknown field \"" + item.key() + "\"";
    }
    return std::nullopt;
}

/// `key` as a string: required, or "" when absent and optional.
std::optional<std::string> string_field(const Json& body, const char* key, bool required, std::string& out) {
    const auto it = body.find(key);
    if (it == body.end()) {
        if (required) return std::string("\"") + key + "\" is required";
        out.clear();
        return std::nullopt;
    }
    if (!it->is_string()) return std::string("\"") + key + "\" must be a string";
    out = it->get<std::string>();
    return std::nullopt;
}

Json ban_json(const Ban& ban) {
    Json j = ban.to_json();
    j["permanent"] = ban.expires_at == 0;
    return j;
}

core::AdminReply serve_kill(ChatServer& server, const core::AdminRequest& request) {
    Json body;
    std::string nick, reason;
    if (auto e = parse_body(request.body, {"nick", "reason"}, body)) return bad_request(*e);
    if (auto e = string_field(body, "nick", true, nick)) return bad_request(*e);
    if (auto e = string_field(body, "reason", false, reason)) return bad_request(*e);
    if (nick.empty()) return bad_request("\"nick\" is empty");
    if (!valid_ban_reason(reason))
        return bad_request("\"reason\" must be at most " + std::to_string(Ban::max_reason) +
                           " bytes without control characters");
    if (reason.empty()) reason = "No reason";
    if (!server.kill(nick, "admin", reason)) return reply(404, {{"error", "no such nick: " + nick}});
    log::info("admin: killed " + nick + " (" + reason + ") for " + std::string(request.who));
    return reply(200, {{"killed", nick}});
}

core::AdminReply serve_ban(ChatServer& server, const core::AdminRequest& request) {
    Json body;
    std::string text, reason;
    if (auto e = parse_body(request.body, {"mask", "duration", "reason"}, body)) return bad_request(*e);
    if (auto e = string_field(body, "mask", true, text)) return bad_request(*e);
    if (auto e = string_field(body, "reason", false, reason)) return bad_request(*e);
    std::string why;
    auto mask = BanMask::parse(text, &why);
    if (!mask) return bad_request("\"mask\": " + why);
    if (!valid_ban_reason(reason))
        return bad_request("\"reason\" must be at most " + std::to_string(Ban::max_reason) +
                           " bytes without control characters");
    std::optional<std::int64_t> duration = 0;
    if (const auto it = body.find("duration"); it != body.end()) {
        if (it->is_number_unsigned()) duration = parse_ban_duration(std::to_string(it->get<std::uint64_t>()), 1);
        else if (it->is_string()) duration = parse_ban_duration(it->get<std::string>(), 1);
        else duration = std::nullopt;
        if (!duration)
            return bad_request("\"duration\" must be seconds (0 = permanent) or a string such as "
                               "\"90s\", \"30m\", \"2h\", \"7d\", \"1w\", at most ten years");
    }
    Ban ban;
    ban.mask = std::move(*mask);
    ban.reason = std::move(reason);
    ban.set_by = "admin " + std::string(request.who);
    ban.set_at = static_cast<std::int64_t>(std::time(nullptr));
    ban.expires_at = *duration == 0 ? 0 : ban.set_at + *duration;
    const Json shown = ban_json(ban);
    const auto disconnected = server.add_ban(std::move(ban));
    if (!disconnected)
        return reply(507, {{"error", "the ban list is full (" + std::to_string(BanList::max_bans) + " bans)"}});
    log::info("admin: K-line " + shown["mask"].get<std::string>() + " for " + std::string(request.who) +
              ", " + std::to_string(*disconnected) + " client(s) disconnected");
    return reply(200, {{"ban", shown}, {"disconnected", *disconnected}});
}

core::AdminReply serve_unban(ChatServer& server, const core::AdminRequest& request) {
    Json body;
    std::string text;
    if (auto e = parse_body(request.body, {"mask"}, body)) return bad_request(*e);
    if (auto e = string_field(body, "mask", true, text)) return bad_request(*e);
    std::string why;
    const auto mask = BanMask::parse(text, &why);
    if (!mask) return bad_request("\"mask\": " + why);
    const auto removed = server.remove_ban(*mask);
    if (!removed) return reply(404, {{"error", "no ban on " + mask->text()}});
    log::info("admin: K-line " + removed->mask.text() + " removed for " + std::string(request.who));
    return reply(200, {{"removed", removed->mask.text()}});
}

}  // namespace

std::optional<core::AdminReply> serve_chat_admin(ChatServer& server, const core::AdminRequest& request) {
    const std::string_view path = request.path, method = request.method;
    if (path == "/chat/clients") {
        if (method != "GET") return wrong_method("GET");
        return reply(200, {{"clients", server.clients_json()}});
    }
    if (path == "/chat/bans") {
        if (method != "GET") return wrong_method("GET");
        Json list = Json::array();
        for (const Ban& ban : server.bans()) list.push_back(ban_json(ban));
        return reply(200, {{"bans", std::move(list)}});
    }
    if (path == "/chat/kill") {
        if (method != "POST") return wrong_method("POST");
        return serve_kill(server, request);
    }
    if (path == "/chat/ban") {
        if (method == "POST") return serve_ban(server, request);
        if (method == "DELETE") return serve_unban(server, request);
        return wrong_method("POST, DELETE");
    }
    return std::nullopt;
}

}  // namespace hiconn::chat
