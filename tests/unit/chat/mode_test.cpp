// MODE for channels and users over the in-memory link.
#include "chat_harness.hpp"

using namespace hiconn::chat::test;

TEST_CASE("mode: channel query gives 324 and 329", "[chat][mode]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.send(a, "JOIN #m\r\nMODE #m +k key\r\n");
    h.lines(a);
    auto out = h.exchange(a, "MODE #m\r\n");
    REQUIRE(numerics(out) == std::vector<int>{324, 329});
    CHECK(out[0] == ":irc.test 324 a #m +knt key");
    CHECK(h.exchange(b, "MODE #m\r\n")[0] == ":irc.test 324 b #m +knt *");
    CHECK(numerics(h.exchange(b, "MODE #none\r\n")) == std::vector<int>{403});
    CHECK(numerics(h.exchange(a, "MODE #m b\r\n")) == std::vector<int>{368});
}

TEST_CASE("mode: changes are broadcast once as one line", "[chat][mode]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b", 1);
    h.send(a, "JOIN #m\r\n");
    h.send(b, "JOIN #m\r\n");
    h.lines(a);
    h.lines(b);
    auto out = h.exchange(a, "MODE #m +imsl-t+ov 10 b b\r\n");
    CHECK(out == std::vector<std::string>{":a!~a@127.0.0.1 MODE #m +imsl-t+ov 10 b b"});
    CHECK(h.lines(b) == out);
    CHECK(h.exchange(a, "MODE #m\r\n")[0] == ":irc.test 324 a #m +ilmns 10");
    // b is an operator now and may change modes; unchanged modes are not repeated.
    CHECK(h.exchange(b, "MODE #m +i-l\r\n") == std::vector<std::string>{":b!~b@127.0.0.1 MODE #m -l"});
    CHECK(h.exchange(b, "MODE #m -o a\r\n") == std::vector<std::string>{":b!~b@127.0.0.1 MODE #m -o a"});
    CHECK(numerics(h.exchange(a, "MODE #m +n\r\n")) == std::vector<int>{482});
}

TEST_CASE("mode: channel mode errors 472, 467, 441, 401, 461, 482", "[chat][mode]") {
    Harness h;
    auto& a = h.user("a");
    auto& b = h.user("b");
    h.user("c");
    h.send(a, "JOIN #e\r\n");
    h.send(b, "JOIN #e\r\n");
    h.lines(a);
    auto out = h.exchange(a, "MODE #e +X\r\n");
    CHECK(out == std::vector<std::string>{":irc.test 472 a X :is unknown mode char to me for #e"});
    h.send(a, "MODE #e +k one\r\n");
    h.lines(a);
    CHECK(numerics(h.exchange(a, "MODE #e +k two\r\n")) == std::vector<int>{467});
    CHECK(numerics(h.exchange(a, "MODE #e +o c\r\n")) == std::vector<int>{441});
    CHECK(numerics(h.exchange(a, "MODE #e +o zed\r\n")) == std::vector<int>{401});
    CHECK(numerics(h.exchange(a, "MODE #e +o\r\n")) == std::vector<int>{461});
    CHECK(numerics(h.exchange(a, "MODE #e +l\r\n")) == std::vector<int>{461});
    CHECK(numerics(h.exchange(a, "MODE #e +l zero\r\n")) == std::vector<int>{696});
    CHECK(numerics(h.exchange(b, "MODE #e +m\r\n")) == std::vector<int>{482});
    CHECK(numerics(h.exchange(a, "MODE\r\n")) == std::vector<int>{461});
    CHECK(h.exchange(a, "MODE #e -k whatever\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 MODE #e -k *"});
}

TEST_CASE("mode: user modes 221, +i, 501, 502", "[chat][mode]") {
    Harness h;
    auto& a = h.user("a");
    h.user("b");
    CHECK(h.exchange(a, "MODE a\r\n") == std::vector<std::string>{":irc.test 221 a +"});
    CHECK(h.exchange(a, "MODE a +i\r\n") == std::vector<std::string>{":a MODE a :+i"});
    CHECK(h.exchange(a, "MODE A\r\n") == std::vector<std::string>{":irc.test 221 a +i"});
    CHECK(h.exchange(a, "MODE a +i\r\n").empty());
    CHECK(numerics(h.exchange(a, "MODE a +z\r\n")) == std::vector<int>{501});
    CHECK(h.exchange(a, "MODE a +o\r\n").empty());  // only OPER gives +o (RFC 2812 3.1.5)
    CHECK(numerics(h.exchange(a, "MODE b\r\n")) == std::vector<int>{502});
    CHECK(numerics(h.exchange(a, "MODE ghost\r\n")) == std::vector<int>{401});
    CHECK(h.exchange(a, "LUSERS\r\n")[0] == ":irc.test 251 a :There are 1 users and 1 invisible on 1 servers");
}
