// One simulated IRC client of `hiconn-load chat` (ChatSession). Only chat_mode.cpp includes
// this: it is the mode's implementation, kept apart so each file holds one idea.
#pragma once

#include "tools/load/chat_mode.hpp"
#include "tools/load/client_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <charconv>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hiconn::load {

namespace chat_session_detail {
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
}  // namespace chat_session_detail

namespace chat_session_detail {

inline std::uint64_t now_us() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count());
}

inline bool parse_u64(std::string_view& text, std::uint64_t& value) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
}

}  // namespace chat_session_detail

// One IRC client: connect (with --tls: and complete the TLS handshake), register, join its
// channel, then answer PINGs, count the channel messages it receives and, if it is a
// sender, send at its share of the rate.
using namespace chat_session_detail;  // NOLINT: the session is this namespace's only user

class ChatSession : public std::enable_shared_from_this<ChatSession> {
public:
    ChatSession(ChatMode& mode, asio::io_context& io, std::size_t shard, std::uint64_t local)
        : mode_(mode), shard_(mode.shard(shard)), timer_(io), local_(local),
          global_(mode.global_index(local)),
          server_(mode.target().server_of(global_)), stream_(io, mode.tls(), mode.ws(), server_),
          servers_(mode.target().servers.size()),
          nick_(mode.options().nick_prefix + std::to_string(global_)),
          channel_(mode.channel_of(global_)),
          channel_name_("#" + mode.options().nick_prefix + "c" + std::to_string(channel_)) {
        ++mode_.live();
    }
    ~ChatSession() { --mode_.live(); }

    void do_connect() {
        if (auto ec = open_socket(stream_.socket(), mode_.target(), server_, local_))
            return fail(error_name(ec.value()), ec.value());
        // One deadline for connect + TLS handshake + registration + join.
        timer_.expires_after(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(mode_.options().connect_timeout_s)));
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec && self->state_ != State::joined) self->fail("timeout", 0);
        });
        stream_.socket().async_connect(mode_.target().servers[server_],
                                       [self = shared_from_this()](const boost::system::error_code& ec) {
                                           self->on_connect(ec);
                                       });
    }

    /// The measured phase begins: senders start their pacing timer.
    void begin() {
        if (state_ != State::joined || global_ >= mode_.options().total_senders) return;
        // What one message of ours should deliver, per receiving server.
        fanout_.assign(servers_, 0);
        fanout_total_ = fanout_remote_ = 0;
        for (std::size_t s = 0; s < servers_; ++s) {
            auto n = mode_.channel_members_on(channel_, s);
            if (s == server_ && n > 0) --n;  // not to ourselves
            fanout_[s] = n;
            fanout_total_ += n;
            if (s != server_) fanout_remote_ += n;
        }
        next_send_ = Clock::now();
        do_tick();
    }

    void close() {
        state_ = State::closed;
        boost::system::error_code ignored;
        timer_.cancel();
        stream_.socket().close(ignored);
    }

private:
    enum class State { connecting, registering, joining, joined, closed };

    void on_connect(const boost::system::error_code& ec) {
        if (state_ == State::closed) return;
        if (ec) return fail(error_name(ec.value()), ec.value());
        stream_.async_handshake([self = shared_from_this()](const boost::system::error_code& ec) {
            self->on_handshake(ec);
        });
    }

    // Plain TCP: at once, after the connect.
    void on_handshake(const boost::system::error_code& ec) {
        if (state_ == State::closed) return;
        if (ec) return fail(stream_error_name(ec), 0);
        shard_.connected.add();
        shard_.per_server.add(server_, ChatMode::ps_connected);
        state_ = State::registering;
        std::string hello;
        const auto& options = mode_.options();
        const bool caps = !options.caps.empty() && global_ % options.caps_every == 0;
        if (caps) hello += "CAP REQ :" + options.caps + "\r\n";
        if (!options.password.empty()) hello += "PASS " + options.password + "\r\n";
        hello += "NICK " + nick_ + "\r\nUSER " + nick_ + " 0 * :hiconn-load " + nick_ + "\r\n";
        if (caps) hello += "CAP END\r\n";  // a NAK still lets registration end
        send(hello);
        do_read();
    }

    // Registration or join did not complete: the attempt settles as failed.
    void fail(const std::string& reason, int errno_value) {
        if (state_ == State::closed) return;
        const bool settling = state_ != State::joined;
        state_ = State::closed;
        ++shard_.errors[reason];
        if (settling) {
            shard_.failed.add();
            shard_.per_server.add(server_, ChatMode::ps_failed);
            if (is_local_resource_error(errno_value)) mode_.launcher().stop(reason);
            mode_.launcher().settle();
        } else if (!mode_.closing()) {
            shard_.closed_by_server.add();
            shard_.per_server.add(server_, ChatMode::ps_closed_by_server);
        }
        boost::system::error_code ignored;
        timer_.cancel();
        stream_.socket().close(ignored);
    }

    void do_read() {
        stream_.async_read_some(asio::buffer(buffer_),
                                [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                    self->on_read(ec, n);
                                });
    }

    void on_read(const boost::system::error_code& ec, std::size_t n) {
        if (state_ == State::closed) return;
        if (ec) return fail(stream_error_name(ec), 0);
        pending_.append(buffer_.data(), n);
        std::size_t start = 0, eol;
        while ((eol = pending_.find('\n', start)) != std::string::npos) {
            std::string_view line(pending_.data() + start, eol - start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            on_line(line);
            if (state_ == State::closed) return;
            start = eol + 1;
        }
        pending_.erase(0, start);
        if (pending_.size() > 64 * 1024) return fail("overlong line", 0);
        do_read();
    }

    void on_line(std::string_view line) {
        if (!line.empty() && line.front() == '@') {  // IRCv3 tags (--caps): skip them
            const auto space = line.find(' ');
            if (space == std::string_view::npos) return;
            line.remove_prefix(space + 1);
        }
        if (!line.empty() && line.front() == ':') {  // skip the prefix
            const auto space = line.find(' ');
            if (space == std::string_view::npos) return;
            line.remove_prefix(space + 1);
        }
        const auto space = line.find(' ');
        const std::string_view command = line.substr(0, space);
        const std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);

        if (command == "PRIVMSG") return on_privmsg(rest);
        if (command == "PING") {
            shard_.pings.add();
            return send("PONG " + std::string(rest) + "\r\n");
        }
        if (command == "376" || command == "422") {  // end of MOTD / no MOTD: registered
            if (state_ != State::registering) return;
            shard_.registered.add();
            shard_.per_server.add(server_, ChatMode::ps_registered);
            state_ = State::joining;
            return send("JOIN " + channel_name_ + "\r\n");
        }
        if (command == "366" && state_ == State::joining) {  // end of NAMES: joined
            state_ = State::joined;
            timer_.cancel();
            shard_.joined.add();
            shard_.per_server.add(server_, ChatMode::ps_joined);
            shard_.sessions.push_back(shared_from_this());
            mode_.launcher().settle();
            return;
        }
        if (command == "ERROR") return fail("ERROR " + std::string(rest.substr(0, 60)), 0);
        // An error numeric (4xx/5xx) before we joined means this client will not make it.
        if (command.size() == 3 && (command[0] == '4' || command[0] == '5')) {
            if (state_ != State::joined) return fail(std::string(command), 0);
            ++shard_.errors[std::string(command)];
        }
    }

    // "#chan :<sender> <seq> <send time us>"
    void on_privmsg(std::string_view rest) {
        const auto colon = rest.find(" :");
        if (colon == std::string_view::npos) return shard_.corrupt.add();
        std::string_view text = rest.substr(colon + 2);
        std::uint64_t sender, seq, sent_us;
        if (!parse_u64(text, sender) || !parse_u64(text, seq) || !parse_u64(text, sent_us))
            return shard_.corrupt.add();
        auto& last = last_seq_[sender];
        if (seq <= last) return shard_.duplicates.add();  // one server keeps a sender's order
        last = seq;
        shard_.received.add();
        shard_.per_server.add(server_, ChatMode::ps_received);
        const auto now = now_us();
        const auto latency = now > sent_us ? now - sent_us : 0;
        shard_.latency.record(latency);
        if (sender % servers_ != server_) {  // the sender's server: see the layout
            shard_.received_remote.add();
            shard_.latency_remote.record(latency);
        }
    }

    void do_tick() {
        timer_.expires_at(next_send_);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->on_tick();
        });
    }

    // Sends what is due (a late timer catches up, at most 100 at once), then re-arms.
    void on_tick() {
        if (state_ != State::joined || !mode_.sending()) return;
        const auto interval = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(mode_.send_interval_s()));
        const auto now = Clock::now();
        std::string batch;
        for (int i = 0; i < 100 && next_send_ <= now; ++i) {
            batch += "PRIVMSG " + channel_name_ + " :" + std::to_string(global_) + " " +
                     std::to_string(++seq_) + " " + std::to_string(now_us()) + "\r\n";
            next_send_ += interval;
            shard_.sent.add();
            shard_.per_server.add(server_, ChatMode::ps_sent);
            shard_.expected.add(fanout_total_);
            shard_.expected_remote.add(fanout_remote_);
            for (std::size_t s = 0; s < servers_; ++s)
                if (fanout_[s]) shard_.per_server.add(s, ChatMode::ps_expected, fanout_[s]);
        }
        if (next_send_ < now) next_send_ = now;  // too far behind: do not burst later
        send(batch);
        do_tick();
    }

    void send(const std::string& data) {
        out_queue_ += data;
        if (!writing_) do_write();
    }

    void do_write() {
        if (out_queue_.empty() || state_ == State::closed) return;
        writing_ = true;
        out_writing_.swap(out_queue_);
        out_queue_.clear();
        asio::async_write(stream_, asio::buffer(out_writing_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              self->on_write(ec);
                          });
    }

    void on_write(const boost::system::error_code& ec) {
        writing_ = false;
        out_writing_.clear();
        if (ec) return fail(stream_error_name(ec), 0);
        do_write();
    }

    ChatMode& mode_;
    ChatMode::Shard& shard_;
    asio::steady_timer timer_;
    const std::uint64_t local_;   ///< this process's client number (chooses the source address)
    const std::uint64_t global_;  ///< the whole run's (server, channel, nick)
    const std::size_t server_;
    ClientStream stream_;
    const std::size_t servers_;
    const std::string nick_;
    const std::uint64_t channel_;
    const std::string channel_name_;
    State state_ = State::connecting;
    std::array<char, 4096> buffer_;
    std::string pending_, out_queue_, out_writing_;
    bool writing_ = false;
    std::uint64_t seq_ = 0;
    Clock::time_point next_send_;
    std::unordered_map<std::uint64_t, std::uint64_t> last_seq_;
    std::vector<std::uint64_t> fanout_;  ///< sender: deliveries per message, per server
    std::uint64_t fanout_total_ = 0, fanout_remote_ = 0;
};

}  // namespace hiconn::load
