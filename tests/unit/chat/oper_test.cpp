// IRC operators through the chat server (harness): OPER with its host masks and back-off,
// user modes +o/+w, WHOIS 313, WHO '*', LUSERS 252, KILL and WALLOPS.
#include "auth/password_hash.hpp"
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

namespace {

hiconn::config::Config oper_config() {
    auto c = test_config();
    const std::string hash = hiconn::auth::hash_password("opensesame", hiconn::auth::min_iterations);
    c.chat.operators = {{"root", hash, {"*@127.0.0.1"}}, {"faraway", hash, {"~nobody@10.*"}}};
    return c;
}

}  // namespace

TEST_CASE("OPER: 381 and +o with the right password from an allowed host; 464 and 491 otherwise", "[oper]")
{
    Harness h(oper_config());
    // One attempt per connection here: a failure makes the next wait (see below).
    auto& a = h.user("a");
    CHECK(numerics(h.exchange(a, "OPER faraway opensesame\r\n")) == std::vector<int>{491});
    auto& c = h.user("c");
    CHECK(numerics(h.exchange(c, "OPER nobody opensesame\r\n")) == std::vector<int>{464});
    auto& d = h.user("d");
    CHECK(numerics(h.exchange(d, "OPER root wrong\r\n")) == std::vector<int>{464});
    auto& b = h.user("b");
    auto out = h.exchange(b, "OPER root opensesame\r\n");
    REQUIRE(out.size() == 2);
    CHECK(out[0] == ":irc.test 381 b :You are now an IRC operator");
    CHECK(out[1] == ":b MODE b :+ow");
    CHECK(h.exchange(b, "MODE b\r\n") == std::vector<std::string>{":irc.test 221 b +ow"});
    CHECK(count_containing(h.exchange(a, "WHOIS b\r\n"), ":irc.test 313 a b :is an IRC operator") == 1);
    CHECK_FALSE(has_numeric(h.exchange(b, "WHOIS a\r\n"), 313));
    CHECK(count_containing(h.exchange(a, "WHO b\r\n"), " b H* :0 Real b") == 1);
    CHECK(count_containing(h.exchange(a, "LUSERS\r\n"), ":irc.test 252 a 1 :operator(s) online") == 1);
    CHECK(numerics(h.exchange(a, "WHO * o\r\n")) == std::vector<int>{352, 315});  // operators only
    // -o gives the rights up; +o by MODE is ignored.
    CHECK(h.exchange(b, "MODE b -o\r\n") == std::vector<std::string>{":b MODE b :-o"});
    CHECK(h.exchange(b, "MODE b +o\r\n").empty());
    CHECK_FALSE(has_numeric(h.exchange(a, "LUSERS\r\n"), 252));
}

TEST_CASE("OPER with labeled-response: 381 and the MODE after the deferred check are one labeled batch", "[oper][labeled]")
{
    Harness h(oper_config());
    auto& b = h.connect();
    h.exchange(b, "CAP LS 302\r\nCAP REQ :batch labeled-response\r\nNICK b\r\nUSER b 0 * :B\r\nCAP END\r\n");
    auto out = h.exchange(b, "@label=o1 OPER root opensesame\r\n");
    REQUIRE(out.size() == 4);
    REQUIRE(out[0].rfind("@label=o1 :irc.test BATCH +", 0) == 0);
    const std::string id = out[0].substr(27, out[0].find(' ', 27) - 27);
    CHECK(out[0] == "@label=o1 :irc.test BATCH +" + id + " labeled-response");
    CHECK(out[1] == "@batch=" + id + " :irc.test 381 b :You are now an IRC operator");
    CHECK(out[2] == "@batch=" + id + " :b MODE b :+ow");
    CHECK(out[3] == ":irc.test BATCH -" + id);
    auto& c = h.connect();
    h.exchange(c, "CAP LS 302\r\nCAP REQ :batch labeled-response\r\nNICK c\r\nUSER c 0 * :C\r\nCAP END\r\n");
    CHECK(h.exchange(c, "@label=o2 OPER root wrong\r\n") ==
          std::vector<std::string>{"@label=o2 :irc.test 464 c :Password incorrect"});
}

TEST_CASE("OPER: a failure makes the next attempt wait; within the wait even the right password fails", "[oper]")
{
    Harness h(oper_config());
    auto& a = h.user("a");
    CHECK(numerics(h.exchange(a, "OPER root wrong\r\n")) == std::vector<int>{464});
    // The back-off is in wall-clock seconds (2 s after one failure): at once, refused unchecked.
    CHECK(numerics(h.exchange(a, "OPER root opensesame\r\n")) == std::vector<int>{464});
    CHECK(h.exchange(a, "MODE a\r\n") == std::vector<std::string>{":irc.test 221 a +"});
}

TEST_CASE("KILL: 481 for non-operators; the victim gets ERROR, its peers a QUIT naming the operator", "[oper]")
{
    Harness h(oper_config());
    auto& op = h.user("op");
    auto& victim = h.user("victim");
    auto& peer = h.user("peer");
    h.exchange(victim, "JOIN #c\r\n");
    h.exchange(peer, "JOIN #c\r\n");
    h.lines(victim);
    h.lines(peer);
    CHECK(numerics(h.exchange(peer, "KILL victim :no\r\n")) == std::vector<int>{481});
    h.exchange(op, "OPER root opensesame\r\n");
    CHECK(numerics(h.exchange(op, "KILL ghost :x\r\n")) == std::vector<int>{401});
    h.exchange(op, "KILL victim :spamming\r\n");
    CHECK(h.lines(peer) == std::vector<std::string>{":victim!~victim@127.0.0.1 QUIT :Killed (op (spamming))"});
    auto last = h.lines(victim);
    REQUIRE_FALSE(last.empty());
    CHECK(last.back() == "ERROR :Closing Link: 127.0.0.1 (Killed (op (spamming)))");
    CHECK(victim.record->closed);
    CHECK(numerics(h.exchange(peer, "WHOIS victim\r\n")).front() == 401);
}

TEST_CASE("WALLOPS: 481 for non-operators; delivered to +w users and operators only", "[oper]")
{
    Harness h(oper_config());
    auto& op = h.user("op");
    auto& listener = h.user("listener");
    auto& other = h.user("other");
    h.exchange(listener, "MODE listener +w\r\n");
    CHECK(numerics(h.exchange(other, "WALLOPS :hi\r\n")) == std::vector<int>{481});
    h.exchange(op, "OPER root opensesame\r\n");
    CHECK(h.exchange(op, "WALLOPS :maintenance at noon\r\n") ==
          std::vector<std::string>{":op!~op@127.0.0.1 WALLOPS :maintenance at noon"});
    CHECK(h.lines(listener) == std::vector<std::string>{":op!~op@127.0.0.1 WALLOPS :maintenance at noon"});
    CHECK(h.lines(other).empty());
}
