// IRCv3 capability negotiation (CAP LS/LIST/REQ/END) and the capabilities over the in-memory link.
#include "ircv3_helpers.hpp"

#include "workloads/chat/caps.hpp"
#include "workloads/chat/tagged_line.hpp"

using namespace hiconn::chat;
using namespace hiconn::chat::test;

namespace {

/// A line without its "@tags " (the rest as a client without tags sees it).
std::string untagged(const std::string& line) {
    if (line.empty() || line[0] != '@') return line;
    return line.substr(line.find(' ') + 1);
}

bool has_time_tag(const std::string& line) {
    // @time=YYYY-MM-DDThh:mm:ss.sssZ
    if (line.rfind("@time=", 0) != 0 || line.size() < 31) return false;
    const std::string t = line.substr(6, 24);
    return t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' && t[19] == '.' &&
           t[23] == 'Z' && line[30] == ' ';
}

}  // namespace

TEST_CASE("cap: LS lists the capabilities, 302 holds registration until END", "[chat][ircv3]") {
    Harness h;
    auto& c = h.connect();
    auto out = h.exchange(c, "CAP LS 302\r\nNICK bob\r\nUSER b 0 * :Bob\r\n");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == ":irc.test CAP * LS :account-notify account-tag away-notify batch cap-notify echo-message "
                    "extended-join invite-notify labeled-response message-tags multi-prefix server-time setname "
                    "standard-replies userhost-in-names");
    CHECK(h.exchange(c, "CAP LIST\r\n") == std::vector<std::string>{":irc.test CAP bob LIST :cap-notify"});
    CHECK(h.exchange(c, "CAP REQ :multi-prefix\r\n") ==
          std::vector<std::string>{":irc.test CAP bob ACK :multi-prefix"});
    CHECK(has_numeric(h.exchange(c, "CAP END\r\n"), 1));
    CHECK(h.exchange(c, "CAP LIST\r\n") ==
          std::vector<std::string>{":irc.test CAP bob LIST :cap-notify multi-prefix"});
    CHECK(h.exchange(c, "CAP END\r\n").empty());  // ignored once registered
    CHECK(numerics(h.exchange(c, "CAP FOO\r\n")) == std::vector<int>{410});
}

TEST_CASE("cap: a REQ alone holds registration too; LS without 302 has no cap-notify implied", "[chat][ircv3]") {
    Harness h;
    auto& c = h.connect();
    CHECK(h.exchange(c, "CAP REQ :server-time\r\nNICK a\r\nUSER a 0 * :A\r\n") ==
          std::vector<std::string>{":irc.test CAP * ACK :server-time"});
    auto welcome = h.exchange(c, "CAP END\r\n");
    REQUIRE(!welcome.empty());
    CHECK(has_time_tag(welcome[0]));
    CHECK(untagged(welcome[0]).rfind(":irc.test 001 a ", 0) == 0);
    auto& d = h.connect();
    h.exchange(d, "CAP LS\r\n");
    CHECK(h.exchange(d, "CAP LIST\r\n") == std::vector<std::string>{":irc.test CAP * LIST :"});
    CHECK(h.exchange(d, "CAP REQ :cap-notify\r\n") == std::vector<std::string>{":irc.test CAP * ACK :cap-notify"});
    CHECK(h.exchange(d, "CAP REQ :-cap-notify\r\n") == std::vector<std::string>{":irc.test CAP * ACK :-cap-notify"});
}

TEST_CASE("cap: REQ is all or nothing, -cap removes, 302 keeps cap-notify", "[chat][ircv3]") {
    Harness h;
    auto& c = h.user("al");
    CHECK(h.exchange(c, "CAP REQ :server-time bogus\r\n") ==
          std::vector<std::string>{":irc.test CAP al NAK :server-time bogus"});
    CHECK(h.exchange(c, "CAP LIST\r\n") == std::vector<std::string>{":irc.test CAP al LIST :"});
    CHECK(h.exchange(c, "CAP REQ :echo-message multi-prefix\r\n") ==
          std::vector<std::string>{":irc.test CAP al ACK :echo-message multi-prefix"});
    CHECK(h.exchange(c, "CAP REQ :-echo-message\r\n") ==
          std::vector<std::string>{":irc.test CAP al ACK :-echo-message"});
    CHECK(h.exchange(c, "CAP LIST\r\n") == std::vector<std::string>{":irc.test CAP al LIST :multi-prefix"});
    CHECK(h.exchange(c, "CAP REQ :sts\r\n") == std::vector<std::string>{":irc.test CAP al NAK :sts"});
    CHECK(h.exchange(c, "CAP REQ\r\n") == std::vector<std::string>{":irc.test CAP al NAK :"});
    h.exchange(c, "CAP LS 302\r\n");
    CHECK(h.exchange(c, "CAP REQ :-cap-notify\r\n") ==
          std::vector<std::string>{":irc.test CAP al NAK :-cap-notify"});
}

TEST_CASE("cap: a long LS is split with '*' for 302 clients, each line within 512 bytes", "[chat][ircv3]") {
    std::vector<std::string> words;
    for (int i = 0; i < 60; ++i) words.push_back("vendor.example/capability-" + std::to_string(i));
    auto lines = cap_reply_lines("irc.test", "*", "LS", words, true);
    REQUIRE(lines.size() > 1);
    std::string joined;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CHECK(lines[i].size() <= 512);
        const std::string head = i + 1 < lines.size() ? ":irc.test CAP * LS * :" : ":irc.test CAP * LS :";
        REQUIRE(lines[i].rfind(head, 0) == 0);
        joined += (joined.empty() ? "" : " ") + lines[i].substr(head.size(), lines[i].size() - head.size() - 2);
    }
    std::string expected;
    for (const auto& w : words) expected += (expected.empty() ? "" : " ") + w;
    CHECK(joined == expected);
    CHECK(cap_reply_lines("irc.test", "*", "LS", words, false).size() == 1);  // pre-302: one line
}

TEST_CASE("tags: value escaping round-trips", "[chat][ircv3]") {
    const std::string raw = "a;b c\\d\re\nf";
    CHECK(escape_tag_value(raw) == "a\\:b\\sc\\\\d\\re\\nf");
    CHECK(unescape_tag_value(escape_tag_value(raw)) == raw);
    CHECK(unescape_tag_value("x\\") == "x");     // a trailing lone backslash is dropped
    CHECK(unescape_tag_value("\\b") == "b");     // an unknown escape is the character
    CHECK(format_server_time(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
    CHECK(tag_lines("A\r\nB\r\n", "time=x") == "@time=x A\r\n@time=x B\r\n");
}

TEST_CASE("server-time: tags only for the client that asked", "[chat][ircv3]") {
    Harness h;
    auto& a = cap_user(h, "a", "server-time");
    auto& b = h.user("b");
    join_all(h, "#c", {&a, &b});
    h.exchange(b, "PRIVMSG #c :hi\r\n");
    auto got = h.lines(a);
    REQUIRE(got.size() == 1);
    CHECK(has_time_tag(got[0]));
    CHECK(untagged(got[0]) == ":b!~b@127.0.0.1 PRIVMSG #c :hi");
    auto plain = h.exchange(a, "PRIVMSG #c :yo\r\n");
    CHECK(plain.empty());  // no echo without echo-message
    CHECK(h.lines(b) == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG #c :yo"});
    auto pong = h.exchange(a, "PING t\r\n");
    REQUIRE(pong.size() == 1);
    CHECK(has_time_tag(pong[0]));
}

TEST_CASE("echo-message: the sender gets its PRIVMSG/NOTICE back, once", "[chat][ircv3]") {
    Harness h;
    auto& a = cap_user(h, "a", "echo-message");
    auto& b = h.user("b");
    join_all(h, "#c", {&a, &b});
    CHECK(h.exchange(a, "PRIVMSG #c :hi\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG #c :hi"});
    CHECK(h.exchange(a, "NOTICE b :psst\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 NOTICE b :psst"});
    CHECK(h.exchange(a, "PRIVMSG a :me\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 PRIVMSG a :me"});
    CHECK(h.lines(b).size() == 2);  // the channel message and the notice
    CHECK(h.exchange(b, "PRIVMSG #c :back\r\n").empty());  // b did not ask
}

TEST_CASE("multi-prefix and userhost-in-names: NAMES, WHO and WHOIS", "[chat][ircv3]") {
    Harness h;
    auto& a = cap_user(h, "a", "multi-prefix userhost-in-names");
    auto& b = h.user("b");
    h.exchange(a, "JOIN #c\r\nMODE #c +v a\r\n");
    h.exchange(b, "JOIN #c\r\n");
    auto names = h.exchange(a, "NAMES #c\r\n");
    REQUIRE(!names.empty());
    CHECK(names[0].find("@+a!~a@127.0.0.1") != std::string::npos);
    CHECK(names[0].find("b!~b@127.0.0.1") != std::string::npos);
    CHECK(count_containing(h.exchange(a, "WHO #c\r\n"), " a H@+ :0 ") == 1);
    CHECK(count_containing(h.exchange(a, "WHOIS a\r\n"), " 319 a a :@+#c") == 1);
    // Without the caps: the highest prefix only and bare nicks.
    auto plain = h.exchange(b, "NAMES #c\r\n");
    REQUIRE(!plain.empty());
    CHECK(plain[0].find("@a") != std::string::npos);
    CHECK(plain[0].find("@+a") == std::string::npos);
    CHECK(plain[0].find("!~") == std::string::npos);
    CHECK(count_containing(h.exchange(b, "WHO #c\r\n"), " a H@ :0 ") == 1);
}

TEST_CASE("format-once: a broadcast to many members makes one buffer per variant", "[chat][ircv3]") {
    Harness h;
    auto& sender = h.user("s");
    h.exchange(sender, "JOIN #big\r\n");
    std::vector<Harness::Peer*> members;
    for (int i = 0; i < 20; ++i) {
        const std::string nick = "m" + std::to_string(i);
        Harness::Peer& p = i % 2 == 0 ? cap_user(h, nick, "server-time") : h.user(nick, i % 3);
        h.exchange(p, "JOIN #big\r\n");
        members.push_back(&p);
    }
    for (auto* p : members) p->record->keep_buffers = true;
    h.send(sender, "PRIVMSG #big :once\r\n");
    CHECK(distinct_buffers(members) == 2);  // plain, and with @time -- not 20
}

TEST_CASE("format-once: LineVariants keeps one buffer per key and source", "[chat][ircv3]") {
    LineVariants v;
    v.set_time_ms(1'700'000'000'000);
    auto line = hiconn::core::make_shared_buffer(":a PRIVMSG #c :x\r\n");
    CHECK(v.get(line, 0) == line);
    CHECK(v.get(line, cap_echo_message | cap_multi_prefix) == line);  // no wire change
    auto timed = v.get(line, cap_server_time);
    CHECK(*timed == "@time=2023-11-14T22:13:20.000Z :a PRIVMSG #c :x\r\n");
    CHECK(v.get(line, cap_server_time | cap_echo_message) == timed);
    CHECK(v.formatted() == 1);
    auto other = hiconn::core::make_shared_buffer(":a PART #c\r\n");
    CHECK(v.get(other, cap_server_time) != timed);
    CHECK(v.formatted() == 2);
}

TEST_CASE("cap: the caps cost the client nothing but a uint32 in ClientState", "[chat][ircv3]") {
    static_assert(sizeof(ClientState::caps) == 4);
    CHECK(sizeof(Client) <= 1024);
}

TEST_CASE("away-notify: AWAY changes of channel peers and away joiners", "[chat][ircv3]") {
    Harness h;
    auto& watcher = cap_user(h, "w", "away-notify");
    auto& plain = h.user("p");
    auto& a = h.user("a");
    for (auto* p : {&watcher, &plain, &a}) h.exchange(*p, "JOIN #c\r\n");
    h.lines(watcher);
    h.lines(plain);
    CHECK(numerics(h.exchange(a, "AWAY :lunch\r\n")) == std::vector<int>{306});
    CHECK(h.lines(watcher) == std::vector<std::string>{":a!~a@127.0.0.1 AWAY :lunch"});
    CHECK(h.lines(plain).empty());
    h.exchange(a, "AWAY :lunch\r\n");  // no change: nothing
    CHECK(h.lines(watcher).empty());
    CHECK(numerics(h.exchange(a, "AWAY\r\n")) == std::vector<int>{305});
    CHECK(h.lines(watcher) == std::vector<std::string>{":a!~a@127.0.0.1 AWAY"});
    auto& b = h.user("b");
    h.exchange(b, "AWAY :gone\r\n");
    CHECK(h.lines(watcher).empty());  // no shared channel
    h.exchange(b, "JOIN #c\r\n");
    CHECK(h.lines(watcher) == std::vector<std::string>{":b!~b@127.0.0.1 JOIN #c", ":b!~b@127.0.0.1 AWAY :gone"});
    CHECK(h.lines(plain) == std::vector<std::string>{":b!~b@127.0.0.1 JOIN #c"});
}

TEST_CASE("invite-notify: members that asked see INVITEs to their channel", "[chat][ircv3]") {
    Harness h;
    auto& watcher = cap_user(h, "w", "invite-notify");
    auto& op = h.user("op");
    auto& plain = h.user("p");
    auto& guest = h.user("g");
    join_all(h, "#c", {&op, &watcher, &plain});
    CHECK(numerics(h.exchange(op, "INVITE g #c\r\n")) == std::vector<int>{341});
    CHECK(h.lines(guest) == std::vector<std::string>{":op!~op@127.0.0.1 INVITE g :#c"});
    CHECK(h.lines(watcher) == std::vector<std::string>{":op!~op@127.0.0.1 INVITE g :#c"});
    CHECK(h.lines(plain).empty());
}

TEST_CASE("setname: SETNAME changes the real name, shown to clients with setname", "[chat][ircv3]") {
    Harness h;
    auto& a = cap_user(h, "a", "setname");
    auto& watcher = cap_user(h, "w", "setname");
    auto& plain = h.user("p");
    for (auto* p : {&a, &watcher, &plain}) h.exchange(*p, "JOIN #c\r\n");
    h.lines(watcher);
    h.lines(plain);
    CHECK(h.exchange(a, "SETNAME :New Name\r\n") == std::vector<std::string>{":a!~a@127.0.0.1 SETNAME :New Name"});
    CHECK(h.lines(watcher) == std::vector<std::string>{":a!~a@127.0.0.1 SETNAME :New Name"});
    CHECK(h.lines(plain).empty());
    CHECK(count_containing(h.exchange(plain, "WHOIS a\r\n"), " 311 p a ~a 127.0.0.1 * :New Name") == 1);
    CHECK(h.exchange(plain, "SETNAME :Plain Two\r\n").empty());  // no cap: no echo
    CHECK(h.lines(watcher) == std::vector<std::string>{":p!~p@127.0.0.1 SETNAME :Plain Two"});
    CHECK(h.exchange(a, "SETNAME :\r\n") ==
          std::vector<std::string>{":irc.test FAIL SETNAME INVALID_REALNAME :Realname is not valid"});
    CHECK(h.exchange(a, "SETNAME :" + std::string(257, 'x') + "\r\n").size() == 1);
    CHECK(numerics(h.exchange(a, "SETNAME\r\n")) == std::vector<int>{461});
}

TEST_CASE("bot mode: +B, 005 BOT=B, 335, the WHO flag and the bot tag", "[chat][ircv3]") {
    Harness h;
    auto& bot = h.user("bot");
    auto& tagged = cap_user(h, "t", "message-tags");
    auto& plain = h.user("p");
    CHECK(h.exchange(bot, "MODE bot +B\r\n") == std::vector<std::string>{":bot MODE bot :+B"});
    CHECK(h.exchange(bot, "MODE bot\r\n") == std::vector<std::string>{":irc.test 221 bot +B"});
    CHECK(count_containing(h.exchange(plain, "VERSION\r\n"), " BOT=B ") == 1);
    CHECK(count_containing(h.exchange(plain, "WHOIS bot\r\n"), ":irc.test 335 p bot :is a bot") == 1);
    for (auto* p : {&bot, &tagged, &plain}) h.exchange(*p, "JOIN #c\r\n");
    h.lines(tagged);
    h.lines(plain);
    CHECK(count_containing(h.exchange(plain, "WHO #c\r\n"), " bot HB@ :0 ") == 1);
    h.exchange(bot, "@+x=1 PRIVMSG #c :beep\r\n");
    CHECK(h.lines(tagged) == std::vector<std::string>{"@bot;+x=1 :bot!~bot@127.0.0.1 PRIVMSG #c :beep"});
    CHECK(h.lines(plain) == std::vector<std::string>{":bot!~bot@127.0.0.1 PRIVMSG #c :beep"});
    h.exchange(bot, "NOTICE t :hi\r\n");
    CHECK(h.lines(tagged) == std::vector<std::string>{"@bot :bot!~bot@127.0.0.1 NOTICE t :hi"});
    h.exchange(bot, "MODE bot -B\r\n");
    CHECK(count_containing(h.exchange(plain, "WHOIS bot\r\n"), " 335 ") == 0);
}
