// The events of IRC operators from other nodes: WALLOPS, delivered to this node's +w users,
// and KILL, which closes a user of this node (its QUIT then reaches everyone as usual). Both
// are taken only from a user the sending node has announced as an operator.
#include "workloads/chat/federated/federated_network.hpp"

#include "workloads/chat/caps.hpp"
#include "workloads/chat/chat_server.hpp"
#include "workloads/chat/commands.hpp"
#include "workloads/chat/federated/event_fields.hpp"
#include "workloads/chat/server_state.hpp"

namespace hiconn::chat {

namespace ef = event_fields;

bool FederatedNetwork::apply_operator_event(ServerState& state, Outbox& out, Client& who,
                                            const std::string& type, const Json& body) {
    if (type == "wallops") {
        const std::string* text = ef::text(body, "x");
        if (text == nullptr || text->empty() || (who.state.caps & mode_oper) == 0) return false;
        deliver_wallops(state, who.prefix(), *text, out);
        return true;
    }
    if (type == "kill") {
        // For a user of this node: it is closed here, and its QUIT reaches the others as usual.
        const std::string* target_node = ef::word(body, "tn", 256);
        auto target = ef::number(body, "tu");
        const std::string* quit = ef::text(body, "x");
        if (target_node == nullptr || !target || quit == nullptr || (who.state.caps & mode_oper) == 0)
            return false;
        if (*target_node != name_) return true;
        for (auto& [key, client] : state.nicks) {
            if (client->remote() || client->state.id != *target || !client->state.registered) continue;
            ClientPtr victim = client->shared_from_this();
            state.detach(*victim, *quit, out);
            server_.close_killed(std::move(victim), *quit);
            return true;
        }
        return true;  // gone already
    }
    return false;
}

}  // namespace hiconn::chat
