#include "federation/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace hiconn::federation {

namespace asio = boost::asio;

namespace {

RedisReply copy_reply(const redisReply& r) {
    RedisReply out;
    switch (r.type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::string; break;
    case REDIS_REPLY_ARRAY: out.type = RedisReply::Type::array; break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::integer; break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::error; break;
    default: out.type = RedisReply::Type::nil; break;
    }
    if (r.str != nullptr) out.str.assign(r.str, r.len);
    out.integer = r.integer;
    if (r.type == REDIS_REPLY_ARRAY) {
        out.elements.reserve(r.elements);
        for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(copy_reply(*r.element[i]));
    }
    return out;
}

}  // namespace

bool is_push(const RedisReply& reply) {
    return reply.is_array(3) && reply.elements[0].type == RedisReply::Type::string &&
           reply.elements[0].str == "message";
}

RedisReplyReader::RedisReplyReader() : reader_(redisReaderCreate(), redisReaderFree) {}

RedisReplyReader::~RedisReplyReader() = default;

bool RedisReplyReader::feed(const char* data, std::size_t size) {
    return redisReaderFeed(reader_.get(), data, size) == REDIS_OK;
}

bool RedisReplyReader::next(RedisReply& reply) {
    if (failed_) return false;
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
        failed_ = true;
        error_ = reader_->errstr;
        return false;
    }
    if (raw == nullptr) return false;
    reply = copy_reply(*static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    return true;
}

RedisConnection::RedisConnection(asio::io_context& io, asio::ip::tcp::endpoint endpoint)
    : socket_(io), endpoint_(endpoint), connect_timer_(io),
      in_(64 * 1024) {}

RedisConnection::~RedisConnection() = default;

void RedisConnection::connect(unsigned timeout_ms, std::function<void(const std::string&)> done) {
    auto self = shared_from_this();
    auto finished = std::make_shared<bool>(false);
    connect_timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    connect_timer_.async_wait([this, self, finished](const boost::system::error_code& ec) {
        if (ec || *finished) return;
        boost::system::error_code ignored;
        socket_.close(ignored);  // the connect completes with operation_aborted
    });
    socket_.async_connect(endpoint_, [this, self, finished, done = std::move(done)](
                                         const boost::system::error_code& ec) {
        *finished = true;
        connect_timer_.cancel();
        if (ec) {
            boost::system::error_code ignored;
            socket_.close(ignored);
            done(ec == asio::error::operation_aborted ? std::string("connect timed out") : ec.message());
            return;
        }
        boost::system::error_code ignored;
        socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
        open_ = true;
        do_read();
        done({});
    });
}

void RedisConnection::command(const std::vector<std::string>& args, Callback done) {
    if (!open_) {
        if (done) done(nullptr);
        return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    char* formatted = nullptr;
    int length = redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), argv.data(),
                                        lengths.data());
    if (length < 0 || formatted == nullptr) {
        if (done) done(nullptr);
        return;
    }
    out_.append(formatted, static_cast<std::size_t>(length));
    redisFreeCommand(formatted);
    pending_.push_back(std::move(done));
    if (writing_.empty()) do_write();
}

void RedisConnection::do_write() {
    if (out_.empty() || !open_) return;
    writing_.swap(out_);  // everything queued goes out in one write
    asio::async_write(socket_, asio::buffer(writing_),
                      [this, self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                          writing_.clear();
                          if (!open_) return;
                          if (ec) return fail("write: " + ec.message());
                          do_write();
                      });
}

void RedisConnection::do_read() {
    socket_.async_read_some(asio::buffer(in_), [this, self = shared_from_this()](
                                                   const boost::system::error_code& ec, std::size_t n) {
        if (!open_) return;
        if (ec) return fail(ec == asio::error::eof ? std::string("closed by Redis") : ec.message());
        if (!reader_.feed(in_.data(), n)) return fail("protocol error from Redis");
        for (;;) {
            RedisReply reply;
            if (!reader_.next(reply)) {
                if (reader_.failed()) return fail("protocol error from Redis: " + reader_.error());
                break;
            }
            handle(std::move(reply));
            if (!open_) return;  // a callback closed us
        }
        do_read();
    });
}

void RedisConnection::handle(RedisReply&& reply) {
    if (is_push(reply) && push_) {
        push_(std::move(reply));
        return;
    }
    if (pending_.empty()) return;  // nothing asked for it (e.g. a late subscribe count)
    Callback done = std::move(pending_.front());
    pending_.pop_front();
    if (done) done(&reply);
}

void RedisConnection::fail(const std::string& why) {
    if (!open_) return;
    auto lost = std::move(lost_);
    close();
    if (lost) lost(why);
}

void RedisConnection::close() {
    open_ = false;
    boost::system::error_code ignored;
    connect_timer_.cancel();
    socket_.close(ignored);
    out_.clear();
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& done : pending)
        if (done) done(nullptr);
}

}  // namespace hiconn::federation
