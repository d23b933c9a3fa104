// What the command handlers tell the rest of the network. Standalone, this base class is
// used as it is and does nothing; with federation, FederatedNetwork publishes each change as
// an event to the other nodes. Every call is made with ChatServer's lock held, for a client
// of this node, after the change was applied here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hiconn::chat {

class Client;
struct Ban;
class BanMask;
struct Channel;
struct MemberFlags;

class Network {
public:
    virtual ~Network() = default;

    /// Nicks are claimed network-wide: NICK waits for claim_nick()'s answer
    /// (ChatServer::on_nick_claimed).
    virtual bool federated() const { return false; }
    virtual void claim_nick(Client&, const std::string& /*nick*/) {}
    /// Servers in the network (LUSERS).
    virtual std::size_t servers() const { return 1; }

    virtual void registered(const Client&) {}
    /// `old_nick_ms`: when the old nick was taken (its claim is released).
    virtual void nick_changed(const Client&, const std::string& /*old_nick*/,
                              std::int64_t /*old_nick_ms*/) {}
    /// A client of this node is gone (registered or not: its nick claim is released).
    virtual void quit(const Client&, std::string_view /*reason*/) {}
    virtual void joined(const Client&, const Channel&, const MemberFlags&) {}
    virtual void parted(const Client&, const Channel&, std::string_view /*reason*/) {}
    virtual void kicked(const Client& /*by*/, const Channel&, const Client& /*target*/,
                        std::string_view /*reason*/) {}
    virtual void topic_set(const Client&, const Channel&) {}
    /// `modes`: the applied changes ("+o-k"), `params` their parameters in order.
    virtual void channel_mode(const Client&, const Channel&, const std::string& /*modes*/,
                              const std::vector<std::string>& /*params*/) {}
    virtual void user_mode(const Client&) {}
    virtual void away_set(const Client&) {}
    /// The real name changed (IRCv3 SETNAME).
    virtual void realname_set(const Client&) {}
    /// A registered client logged in to an account (SASL; ClientState::account).
    virtual void account_changed(const Client&) {}
    /// An operator of this node KILLed `victim`, a user of another node; `quit` is the QUIT
    /// message its peers see ("Killed (oper (reason))").
    virtual void killed(const Client& /*by*/, const Client& /*victim*/, const std::string& /*quit*/) {}
    /// WALLOPS from an operator of this node, for the +w users of the other nodes.
    virtual void wallops(const Client& /*from*/, std::string_view /*text*/) {}
    /// `channel`: its name (the channel need not exist: Modern IRC delivers such invites).
    virtual void invited(const Client& /*by*/, std::string_view /*channel*/, const Client& /*target*/) {}
    /// PRIVMSG/NOTICE/TAGMSG to a channel (`channel` set) or to a user of another node (`to`);
    /// `tags`: the client-only tags (IRCv3 message-tags, "+a=b;+c"), often empty. `status`
    /// (STATUSMSG, channels only): '@' or '+' for the members with that prefix or higher, 0 all.
    /// A server ban set or lifted on this node (admin endpoint, KLINE): with federation it
    /// is stored for the whole network and every node applies it.
    virtual void ban_added(const Ban&) {}
    virtual void ban_removed(const BanMask&) {}
    /// Whether bans are the network's (then not kept in chat.bans_file).
    virtual bool shared_bans() const { return false; }
    /// A kill (admin endpoint) of `target`, a user of another node: its node disconnects it.
    virtual void kill(const Client& /*target*/, std::string_view /*reason*/) {}
    virtual void message(const Client& /*from*/, std::string_view /*command*/, const Channel*,
                         const Client* /*to*/, std::string_view /*text*/, std::string_view /*tags*/,
                         char /*status*/ = 0) {}
};

}  // namespace hiconn::chat
