#include "workloads/chat/labeled_response.hpp"

#include "workloads/chat/batch.hpp"
#include "workloads/chat/irc_line.hpp"
#include "workloads/chat/tagged_line.hpp"

namespace hiconn::chat {

namespace {

/// "@first;rest line" (rest may be empty).
std::string with_tags(std::string_view first, std::string_view rest, std::string_view line) {
    std::string out;
    out.reserve(first.size() + rest.size() + line.size() + 3);
    out += '@';
    out.append(first);
    if (!rest.empty()) {
        out += ';';
        out.append(rest);
    }
    out += ' ';
    out.append(line);
    return out;
}

std::string maybe_tagged(std::string_view tags, const std::string& line) {
    return tags.empty() ? line : tag_lines(line, tags);
}

}  // namespace

LabeledResponse::LabeledResponse(std::string_view label, std::string server)
    : label_tag_("label=" + escape_tag_value(label)), server_(std::move(server)) {}

void LabeledResponse::add(std::string_view lines, std::string_view tags) {
    while (!lines.empty()) {
        std::size_t end = lines.find('\n');
        end = end == std::string_view::npos ? lines.size() : end + 1;
        lines_.emplace_back(std::string(tags), std::string(lines.substr(0, end)));
        lines.remove_prefix(end);
    }
}

std::string LabeledResponse::finish(std::string_view own_tags) const {
    if (lines_.empty())
        return with_tags(label_tag_, own_tags, IrcLine(server_, "ACK").finish());
    if (lines_.size() == 1) return with_tags(label_tag_, lines_[0].first, lines_[0].second);
    const std::string id = next_batch_id();
    const std::string batch_tag = "batch=" + id;
    std::string out = with_tags(label_tag_, own_tags, batch_start_line(server_, id, "labeled-response"));
    for (const auto& [tags, line] : lines_) out += with_tags(batch_tag, tags, line);
    out += maybe_tagged(own_tags, batch_end_line(server_, id));
    return out;
}

}  // namespace hiconn::chat
