// IRCv3 message-tags: parsing client tags, relaying them, TAGMSG, the size limits.
#include "ircv3_helpers.hpp"

#include "workloads/chat/message.hpp"

using namespace hiconn::chat;
using namespace hiconn::chat::test;

TEST_CASE("message-tags: the parser keeps client-only tags, canonical and de-duplicated", "[chat][ircv3]") {
    Message m;
    REQUIRE(parse_message("@+a=1;time=x;+b;+c=;+a=2;+d=x\\sy\\q PRIVMSG #c :hi", m) == ParseResult::ok);
    CHECK(m.command == "PRIVMSG");
    CHECK(m.params == std::vector<std::string>{"#c", "hi"});
    CHECK(m.tags == "+b;+c;+a=2;+d=x\\syq");
    REQUIRE(parse_message("@time=2020 PING x", m) == ParseResult::ok);
    CHECK(m.tags.empty());
    CHECK(parse_message("@+a=b", m) == ParseResult::empty);
    CHECK(parse_message("@+a=" + std::string(4094, 'x') + " PING x", m) == ParseResult::too_long);
    REQUIRE(parse_message("@+a=" + std::string(4091, 'x') + " PING x", m) == ParseResult::ok);
    CHECK(m.tags.size() == 4094);
    CHECK(parse_message("@+a PRIVMSG #c :" + std::string(500, 'x'), m) == ParseResult::too_long);
}

TEST_CASE("message-tags: client tags reach only recipients with message-tags", "[chat][ircv3]") {
    Harness h;
    auto& tagged = cap_user(h, "t", "message-tags");
    auto& timed = cap_user(h, "u", "message-tags server-time");
    auto& plain = h.user("p");
    auto& sender = h.user("s");
    for (auto* p : {&tagged, &timed, &plain, &sender}) h.exchange(*p, "JOIN #c\r\n");
    for (auto* p : {&tagged, &timed, &plain}) h.lines(*p);
    h.exchange(sender, "@+draft/react=x\\sy;+z PRIVMSG #c :hi\r\n");
    CHECK(h.lines(tagged) == std::vector<std::string>{"@+draft/react=x\\sy;+z :s!~s@127.0.0.1 PRIVMSG #c :hi"});
    auto t = h.lines(timed);
    REQUIRE(t.size() == 1);
    CHECK(t[0].rfind("@time=", 0) == 0);
    CHECK(t[0].find(";+draft/react=x\\sy;+z :s!~s@127.0.0.1 PRIVMSG #c :hi") != std::string::npos);
    CHECK(h.lines(plain) == std::vector<std::string>{":s!~s@127.0.0.1 PRIVMSG #c :hi"});
    // Private: the same rule.
    h.exchange(sender, "@+k=v NOTICE t :psst\r\n");
    CHECK(h.lines(tagged) == std::vector<std::string>{"@+k=v :s!~s@127.0.0.1 NOTICE t :psst"});
    h.exchange(sender, "@+k=v PRIVMSG p :psst\r\n");
    CHECK(h.lines(plain) == std::vector<std::string>{":s!~s@127.0.0.1 PRIVMSG p :psst"});
}

TEST_CASE("message-tags: TAGMSG only to clients with message-tags; echo with tags", "[chat][ircv3]") {
    Harness h;
    auto& tagged = cap_user(h, "t", "message-tags echo-message");
    auto& plain = h.user("p");
    join_all(h, "#c", {&tagged, &plain});
    CHECK(h.exchange(tagged, "@+typing=active TAGMSG #c\r\n") ==
          std::vector<std::string>{"@+typing=active :t!~t@127.0.0.1 TAGMSG #c"});
    CHECK(h.lines(plain).empty());
    CHECK(h.exchange(plain, "@+typing=active TAGMSG #c\r\n").empty());
    CHECK(h.lines(tagged) == std::vector<std::string>{"@+typing=active :p!~p@127.0.0.1 TAGMSG #c"});
    CHECK(h.exchange(plain, "@+typing=done TAGMSG t\r\n").empty());
    CHECK(h.lines(tagged) == std::vector<std::string>{"@+typing=done :p!~p@127.0.0.1 TAGMSG t"});
    h.exchange(tagged, "TAGMSG p\r\n");
    CHECK(h.lines(plain).empty());
    CHECK(numerics(h.exchange(plain, "TAGMSG\r\n")) == std::vector<int>{461});
}

TEST_CASE("message-tags: over 4094 bytes of tags is 417, the connection goes on", "[chat][ircv3]") {
    Harness h;
    auto& a = cap_user(h, "a", "message-tags");
    CHECK(numerics(h.exchange(a, "@+x=" + std::string(4100, 'y') + " PRIVMSG a :hi\r\n")) ==
          std::vector<int>{417});
    CHECK(h.exchange(a, "@+x=" + std::string(4000, 'y') + " PRIVMSG a :hi\r\n").size() == 1);
    // Untagged lines keep the 512-byte limit.
    CHECK(numerics(h.exchange(a, "PRIVMSG a :" + std::string(600, 'z') + "\r\n")) == std::vector<int>{417});
    CHECK(h.exchange(a, "PING ok\r\n").size() == 1);
}

TEST_CASE("message-tags: variants per broadcast are bounded by the wire caps", "[chat][ircv3]") {
    Harness h;
    auto& sender = h.user("s");
    h.exchange(sender, "JOIN #big\r\n");
    const char* sets[] = {"", "server-time", "message-tags", "message-tags server-time", "echo-message"};
    std::vector<Harness::Peer*> members;
    for (int i = 0; i < 25; ++i) {
        const std::string nick = "m" + std::to_string(i);
        const std::string caps = sets[i % 5];
        Harness::Peer& p = caps.empty() ? h.user(nick) : cap_user(h, nick, caps);
        h.exchange(p, "JOIN #big\r\n");
        members.push_back(&p);
    }
    for (auto* p : members) p->record->keep_buffers = true;
    h.send(sender, "@+r=1 PRIVMSG #big :once\r\n");
    CHECK(distinct_buffers(members) == 4);  // plain (twice: no caps, echo-message), @time, @+r, @time;+r
}
