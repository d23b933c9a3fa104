// IRCv3 batch and labeled-response: the LabeledResponse forms (ACK, one line, a batch), the
// batch ids, and labels through the chat server (harness) with and without the capabilities.
#include "ircv3_helpers.hpp"

#include "workloads/chat/batch.hpp"
#include "workloads/chat/labeled_response.hpp"
#include "workloads/chat/message.hpp"

#include <set>

using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

/// The batch id of "@...label=X :server BATCH +id labeled-response", or "".
std::string opened_batch(const std::string& line) {
    const std::string marker = " BATCH +";
    const std::size_t at = line.find(marker);
    if (at == std::string::npos) return "";
    const std::size_t begin = at + marker.size();
    return line.substr(begin, line.find(' ', begin) - begin);
}

}  // namespace

TEST_CASE("batch: ids are short, alphanumeric and never repeat", "[chat][ircv3][batch]") {
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i) {
        const std::string id = next_batch_id();
        REQUIRE(!id.empty());
        CHECK(id.size() <= 4);
        for (char c : id) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')));
        CHECK(seen.insert(id).second);
    }
    CHECK(batch_start_line("irc.test", "x1", "labeled-response") == ":irc.test BATCH +x1 labeled-response\r\n");
    CHECK(batch_end_line("irc.test", "x1") == ":irc.test BATCH -x1\r\n");
}

TEST_CASE("labeled-response: no line is an ACK, one line takes the label, more are a batch",
          "[chat][ircv3][labeled]") {
    LabeledResponse none("abc", "irc.test");
    CHECK(none.finish("") == "@label=abc :irc.test ACK\r\n");
    CHECK(none.finish("time=T") == "@label=abc;time=T :irc.test ACK\r\n");

    LabeledResponse one("a b;c", "irc.test");  // escaped again on the way out
    one.add(":irc.test PONG irc.test :x\r\n", "time=T");
    CHECK(one.lines() == 1);
    CHECK(one.finish("time=T") == "@label=a\\sb\\:c;time=T :irc.test PONG irc.test :x\r\n");

    LabeledResponse two("L", "irc.test");
    two.add(":irc.test 311 me x\r\n:irc.test 318 me x :End\r\n", "");  // two lines in one add
    const std::string bytes = two.finish("");
    const std::string id = opened_batch(bytes);
    REQUIRE(!id.empty());
    CHECK(bytes == "@label=L :irc.test BATCH +" + id + " labeled-response\r\n"
                   "@batch=" + id + " :irc.test 311 me x\r\n"
                   "@batch=" + id + " :irc.test 318 me x :End\r\n"
                   ":irc.test BATCH -" + id + "\r\n");
    CHECK(opened_batch(two.finish("")) != id);  // a fresh id for every batch
}

TEST_CASE("labeled-response: the parser keeps label apart, unescaped, and drops one over 64 bytes",
          "[chat][ircv3][labeled]") {
    Message m;
    REQUIRE(parse_message("@label=a\\sb;+x=1 PING t", m) == ParseResult::ok);
    CHECK(m.label == "a b");
    CHECK(m.tags == "+x=1");  // label is no client tag
    REQUIRE(parse_message("@label=" + std::string(64, 'k') + " PING t", m) == ParseResult::ok);
    CHECK(m.label == std::string(64, 'k'));
    REQUIRE(parse_message("@label=" + std::string(65, 'k') + " PING t", m) == ParseResult::ok);
    CHECK(m.label.empty());
    REQUIRE(parse_message("PING t", m) == ParseResult::ok);
    CHECK(m.label.empty());
}

TEST_CASE("cap: LS offers batch, labeled-response and standard-replies", "[chat][ircv3][labeled]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "CAP LS 302\r\n");
    REQUIRE(out.size() == 1);
    CHECK(out[0].find(" away-notify batch cap-notify ") != std::string::npos);
    CHECK(out[0].find(" invite-notify labeled-response message-tags ") != std::string::npos);
    CHECK(out[0].find(" setname standard-replies userhost-in-names") != std::string::npos);
    // The order of REQs is not enforced: labeled-response alone is ACKed.
    CHECK(h.exchange(c, "CAP REQ :labeled-response\r\n") ==
          std::vector<std::string>{":irc.test CAP * ACK :labeled-response"});
    CHECK(h.exchange(c, "CAP REQ :batch standard-replies\r\n") ==
          std::vector<std::string>{":irc.test CAP * ACK :batch standard-replies"});
}

TEST_CASE("labeled-response: PING, PONG and WHOIS answered as the spec's examples",
          "[chat][ircv3][labeled]") {
    Harness h;
    auto& a = cap_user(h, "a", "batch labeled-response");
    h.user("target");
    CHECK(h.exchange(a, "@label=p1 PING tok\r\n") ==
          std::vector<std::string>{"@label=p1 :irc.test PONG irc.test :tok"});
    CHECK(h.exchange(a, "@label=p2 PONG :tok\r\n") == std::vector<std::string>{"@label=p2 :irc.test ACK"});
    auto whois = h.exchange(a, "@label=w WHOIS target\r\n");
    REQUIRE(whois.size() >= 4);
    const std::string id = opened_batch(whois.front());
    REQUIRE(!id.empty());
    CHECK(whois.front() == "@label=w :irc.test BATCH +" + id + " labeled-response");
    for (std::size_t i = 1; i + 1 < whois.size(); ++i) CHECK(whois[i].rfind("@batch=" + id + " :irc.test ", 0) == 0);
    CHECK(count_containing(whois, " 318 a target ") == 1);
    CHECK(whois.back() == ":irc.test BATCH -" + id);
    CHECK(count_containing(whois, "label=") == 1);  // exactly one logical message has it
    // Unlabeled commands stay as they were.
    CHECK(h.exchange(a, "PING x\r\n") == std::vector<std::string>{":irc.test PONG irc.test :x"});
    CHECK(h.exchange(a, "PONG x\r\n").empty());
    // An unknown command's 421 and a too long label.
    CHECK(h.exchange(a, "@label=u FOO\r\n") ==
          std::vector<std::string>{"@label=u :irc.test 421 a FOO :Unknown command"});
    CHECK(h.exchange(a, "@label=" + std::string(65, 'x') + " PONG x\r\n").empty());
}

TEST_CASE("labeled-response: nothing without both batch and labeled-response", "[chat][ircv3][labeled]") {
    Harness h;
    auto& plain = h.user("plain");
    auto& half = cap_user(h, "half", "labeled-response");
    auto& batch_only = cap_user(h, "bo", "batch");
    for (auto* p : {&plain, &half, &batch_only}) {
        CHECK(h.exchange(*p, "@label=x PONG t\r\n").empty());
        auto out = h.exchange(*p, "@label=x WHOIS plain\r\n");
        CHECK(count_containing(out, "label=") == 0);
        CHECK(count_containing(out, "BATCH") == 0);
        CHECK(count_containing(out, "batch=") == 0);
    }
}

TEST_CASE("labeled-response: with server-time each line keeps its time tag", "[chat][ircv3][labeled]") {
    Harness h;
    auto& a = cap_user(h, "a", "batch labeled-response server-time");
    auto pong = h.exchange(a, "@label=t PING z\r\n");
    REQUIRE(pong.size() == 1);
    CHECK(pong[0].rfind("@label=t;time=", 0) == 0);
    auto ack = h.exchange(a, "@label=t PONG z\r\n");
    REQUIRE(ack.size() == 1);
    CHECK(ack[0].rfind("@label=t;time=", 0) == 0);
    CHECK(ack[0].find(" :irc.test ACK") != std::string::npos);
    auto join = h.exchange(a, "@label=j JOIN #t\r\n");  // JOIN, 353, 366 (and MODE-less)
    REQUIRE(join.size() >= 4);
    const std::string id = opened_batch(join.front());
    REQUIRE(!id.empty());
    CHECK(join.front().rfind("@label=j;time=", 0) == 0);
    CHECK(join[1].rfind("@batch=" + id + ";time=", 0) == 0);
    CHECK(join[1].find(" JOIN #t") != std::string::npos);
    CHECK(join.back().rfind("@time=", 0) == 0);
    CHECK(join.back().find(" :irc.test BATCH -" + id) != std::string::npos);
}

TEST_CASE("labeled-response: the echo-message echo is the labeled response, fan-out stays format-once",
          "[chat][ircv3][labeled]") {
    Harness h;
    auto& sender = cap_user(h, "s", "batch labeled-response echo-message");
    auto& plain1 = h.user("p1");
    auto& plain2 = h.user("p2");
    auto& timed = cap_user(h, "t", "server-time batch labeled-response");
    join_all(h, "#c", {&sender, &plain1, &plain2, &timed});
    for (auto* p : {&plain1, &plain2, &timed}) p->record->keep_buffers = true;
    CHECK(h.exchange(sender, "@label=e1 PRIVMSG #c :hello\r\n") ==
          std::vector<std::string>{"@label=e1 :s!~s@127.0.0.1 PRIVMSG #c :hello"});
    CHECK(h.lines(plain1) == std::vector<std::string>{":s!~s@127.0.0.1 PRIVMSG #c :hello"});
    CHECK(count_containing(h.lines(timed), "label=") == 0);
    CHECK(distinct_buffers({&plain1, &plain2, &timed}) == 2);  // plain and @time, no label in them
    // Without echo-message the message to a channel has no response: an ACK.
    auto& quiet = cap_user(h, "q", "batch labeled-response");
    h.exchange(quiet, "JOIN #c\r\n");
    CHECK(h.exchange(quiet, "@label=e2 PRIVMSG #c :hi\r\n") == std::vector<std::string>{"@label=e2 :irc.test ACK"});
    // An error is the response.
    CHECK(h.exchange(quiet, "@label=e3 PRIVMSG nobody :hi\r\n") ==
          std::vector<std::string>{"@label=e3 :irc.test 401 q nobody :No such nick/channel"});
}
