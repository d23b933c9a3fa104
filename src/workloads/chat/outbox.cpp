#include "workloads/chat/outbox.hpp"

#include <memory>

namespace hiconn::chat {

void Outbox::to_self(std::string_view line, std::string_view msg_tags) {
    const std::string tags = variants_.tags(self_ != nullptr ? self_->state.caps : 0, msg_tags);
    if (label_)
        label_->add(line, tags);
    else if (tags.empty())
        self_bytes_.append(line);
    else
        self_bytes_ += tag_lines(line, tags);
}

void Outbox::to(Client& client, const SharedBuffer& line, std::string_view msg_tags) {
    if (client.remote()) return;
    if (&client == self_) {
        to_self(*line, msg_tags);  // keeps the order with the self client's other replies
        return;
    }
    // The same buffer for every recipient of one variant (format-once per capability set).
    items_.push_back(Item{client.shared_from_this(), variants_.get(line, client.state.caps, msg_tags)});
}

void Outbox::end_label() {
    if (!label_) return;
    // The ACK and BATCH lines are the server's own: server-time only, no sender's account.
    variants_.set_account({});
    self_bytes_ += label_->finish(variants_.tags(self_ != nullptr ? self_->state.caps : 0));
    label_.reset();
}

void Outbox::deliver(std::vector<Item>& items) {
    for (Item& item : items)
        if (!item.client->closing) item.client->link().enqueue(std::move(item.bytes));
}

void Outbox::dispatch() {
    end_label();
    if (self_ != nullptr && !self_bytes_.empty() && !self_->closing)
        self_->link().enqueue(core::make_shared_buffer(std::move(self_bytes_)));
    self_bytes_.clear();
    if (items_.empty()) return;

    // One batch per other thread (posted), then the current thread's recipients in place.
    const std::size_t here = self_ != nullptr ? self_->thread_index() : static_cast<std::size_t>(-1);
    std::vector<std::pair<std::size_t, std::shared_ptr<std::vector<Item>>>> remote;
    std::size_t local = 0;
    for (Item& item : items_) {
        std::size_t thread = item.client->thread_index();
        if (thread == here) {
            if (&items_[local] != &item) items_[local] = std::move(item);  // local ones to the front
            ++local;
            continue;
        }
        auto batch = remote.begin();
        while (batch != remote.end() && batch->first != thread) ++batch;
        if (batch == remote.end()) {
            remote.emplace_back(thread, std::make_shared<std::vector<Item>>());
            batch = std::prev(remote.end());
        }
        batch->second->push_back(std::move(item));
    }
    items_.resize(local);

    for (auto& [thread, batch] : remote) {
        ClientLink& any_there = batch->front().client->link();
        any_there.post([batch = std::move(batch)] { deliver(*batch); });
    }
    deliver(items_);
    items_.clear();
}

}  // namespace hiconn::chat
