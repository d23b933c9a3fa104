#include "workloads/chat/outbox.hpp"

#include <memory>

namespace hiconn::chat {

void Outbox::to(Client& client, const SharedBuffer& line) {
    if (&client == &self_) {
        self_bytes_.append(*line);  // keeps the order with the self client's other replies
        return;
    }
    items_.push_back(Item{client.shared_from_this(), line});
}

void Outbox::deliver(std::vector<Item>& items) {
    for (Item& item : items)
        if (!item.client->closing) item.client->link().enqueue(std::move(item.bytes));
}

void Outbox::dispatch() {
    if (!self_bytes_.empty() && !self_.closing)
        self_.link().enqueue(core::make_shared_buffer(std::move(self_bytes_)));
    self_bytes_.clear();
    if (items_.empty()) return;

    // Group by thread: the current thread's recipients first, the rest one batch per thread.
    const std::size_t here = self_.thread_index();
    std::vector<std::pair<std::size_t, std::vector<Item>>> remote;
    std::vector<Item> local;
    for (Item& item : items_) {
        std::size_t thread = item.client->thread_index();
        if (thread == here) {
            local.push_back(std::move(item));
            continue;
        }
        auto batch = remote.begin();
        while (batch != remote.end() && batch->first != thread) ++batch;
        if (batch == remote.end()) {
            remote.emplace_back(thread, std::vector<Item>{});
            batch = std::prev(remote.end());
        }
        batch->second.push_back(std::move(item));
    }
    items_.clear();

    for (auto& [thread, batch] : remote) {
        ClientLink& any_there = batch.front().client->link();
        auto shared = std::make_shared<std::vector<Item>>(std::move(batch));
        any_there.post([shared] { deliver(*shared); });
    }
    deliver(local);
}

}  // namespace hiconn::chat
