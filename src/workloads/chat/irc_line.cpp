#include "workloads/chat/irc_line.hpp"

#include <cstdio>

namespace hiconn::chat {

IrcLine::IrcLine(std::string_view prefix, std::string_view command) {
    text_.reserve(64);
    if (!prefix.empty()) {
        text_ += ':';
        text_ += prefix;
        text_ += ' ';
    }
    text_ += command;
}

IrcLine::IrcLine(std::string_view server, Numeric numeric, std::string_view target) {
    char code[8];
    std::snprintf(code, sizeof code, "%03d", static_cast<int>(numeric));
    text_.reserve(64 + server.size());
    text_ += ':';
    text_ += server;
    text_ += ' ';
    text_ += code;
    text_ += ' ';
    text_ += target;
}

IrcLine& IrcLine::arg(std::string_view word) {
    text_ += ' ';
    text_ += word;
    return *this;
}

IrcLine& IrcLine::trailing(std::string_view text) {
    text_ += " :";
    text_ += text;
    return *this;
}

std::string IrcLine::finish() {
    text_ += "\r\n";
    return std::move(text_);
}

}  // namespace hiconn::chat
