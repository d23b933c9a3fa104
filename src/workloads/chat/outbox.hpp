// The lines one command produces, collected while ChatServer's lock is held and delivered
// after it is released (a send may call back into the workload, e.g. on a full send queue).
//
// Lines for the client that ran the command are appended into one string and queued as one
// buffer, in order. Lines for other clients keep their SharedBuffer: a channel message is
// formatted once and the same immutable buffer is queued to every member. Recipients on
// the current thread are served directly; for each other I/O thread ONE task is posted that
// queues to all of its recipients there (a connection is only touched on its own thread).
#pragma once

#include "workloads/chat/client.hpp"
#include "workloads/chat/labeled_response.hpp"
#include "workloads/chat/tagged_line.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hiconn::chat {

class Outbox {
public:
    /// `self`: the client running the command (its lines are batched).
    explicit Outbox(Client& self) : self_(&self) {}
    /// Without a client of its own (events from other nodes): every line is posted to its
    /// recipient's thread.
    Outbox() = default;

    /// A line for the client running the command (tagged as its capabilities ask;
    /// `msg_tags` only for message-tags, see LineVariants::tags).
    void to_self(std::string_view line, std::string_view msg_tags = {});
    /// A line for any client (lock held: takes a reference to keep it alive). Users of other
    /// nodes are skipped: their nodes deliver to them.
    /// `msg_tags`: tags for message-tags recipients (the same for every call with `line`).
    void to(Client& client, const SharedBuffer& line, std::string_view msg_tags = {});

    /// Room for `n` more lines to other clients (a channel broadcast).
    void reserve(std::size_t n) { items_.reserve(items_.size() + n); }

    /// Delivers everything (lock NOT held), on the self client's thread.
    void dispatch();

    /// Removes and returns the self client's lines (to send them last, before a close).
    std::string take_self() {
        end_label();
        std::string bytes = std::move(self_bytes_);
        self_bytes_.clear();
        return bytes;
    }

    /// From now on the self client's lines are one labeled response (labeled-response);
    /// the caller checks that the client negotiated label_caps.
    void label(LabeledResponse response) { label_.emplace(std::move(response)); }
    /// Hands the labeled response so far to a later Outbox (a deferred check answers it).
    std::optional<LabeledResponse> hold_label() {
        std::optional<LabeledResponse> held = std::move(label_);
        label_.reset();
        return held;
    }

    std::size_t deliveries() const noexcept { return items_.size(); }

    /// The origin time of what is delivered (federation: the event's wall-clock ms), 0 = now.
    void set_time_ms(std::int64_t wall_ms) { variants_.set_time_ms(wall_ms); }
    /// The sender's account for account-tag recipients, around one message's deliveries.
    void set_account(std::string_view account) { variants_.set_account(account); }
    /// Tagged buffers made for other clients (tests: one per variant, not per recipient).
    std::size_t variants_formatted() const noexcept { return variants_.formatted(); }

private:
    struct Item {
        ClientPtr client;
        SharedBuffer bytes;
    };
    static void deliver(std::vector<Item>& items);
    /// Appends the labeled response (ACK, line or batch) to the self client's bytes.
    void end_label();

    Client* self_ = nullptr;
    std::string self_bytes_;
    std::optional<LabeledResponse> label_;  ///< while a labeled command's response is collected
    std::vector<Item> items_;
    LineVariants variants_;
};

}  // namespace hiconn::chat
