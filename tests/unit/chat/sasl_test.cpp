// SASL PLAIN through the chat server (harness): the caps, the numerics, sasl_required,
// WHOIS 330 and the account caps (account-notify, account-tag, extended-join).
#include "auth/accounts_file.hpp"
#include "auth/base64.hpp"
#include "auth/password_hash.hpp"
#include "ircv3_helpers.hpp"

#include <filesystem>
#include <random>

using namespace hiconn::chat::test;
using hiconn::auth::base64_encode;

namespace {

/// An accounts file with alice/wonderland and bob/builder (cheap hashes), removed at the end.
struct AccountsFixture {
    std::filesystem::path path;
    AccountsFixture() {
        path = std::filesystem::temp_directory_path() /
               ("hiconn-sasl-" + std::to_string(std::random_device{}()) + ".accounts");
        hiconn::auth::Accounts accounts;
        accounts.set({"alice", hiconn::auth::hash_password("wonderland", hiconn::auth::min_iterations)});
        accounts.set({"bob", hiconn::auth::hash_password("builder", hiconn::auth::min_iterations)});
        hiconn::auth::save_accounts_file(path.string(), accounts);
    }
    ~AccountsFixture() { std::filesystem::remove(path); }
    hiconn::config::Config config(bool required = false) const {
        auto c = test_config();
        c.chat.accounts = path.string();
        c.chat.sasl_required = required;
        return c;
    }
};

std::string plain(const std::string& authcid, const std::string& password) {
    return base64_encode(std::string(1, '\0') + authcid + std::string(1, '\0') + password);
}

/// Logs in as `account` before registering as `nick` with `caps` (sasl added).
Harness::Peer& login(Harness& h, const std::string& nick, const std::string& account,
                     const std::string& password, const std::string& caps = "sasl") {
    auto& peer = h.connect();
    auto out = h.exchange(peer, "CAP LS 302\r\nNICK " + nick + "\r\nUSER " + nick + " 0 * :Real " + nick +
                                    "\r\nCAP REQ :" + caps + "\r\nAUTHENTICATE PLAIN\r\n");
    REQUIRE(count_containing(out, "AUTHENTICATE +") == 1);
    out = h.exchange(peer, "AUTHENTICATE " + plain(account, password) + "\r\n");
    REQUIRE(has_numeric(out, 900));
    REQUIRE(has_numeric(out, 903));
    out = h.exchange(peer, "CAP END\r\n");
    REQUIRE(has_numeric(out, 1));
    return peer;
}

}  // namespace

TEST_CASE("sasl is offered with its mechanism only when there are accounts", "[sasl]")
{
    AccountsFixture fixture;
    Harness with(fixture.config());
    auto& a = with.connect();
    CHECK(count_containing(with.exchange(a, "CAP LS 302\r\n"), " sasl=PLAIN") == 1);
    auto& old = with.connect();
    auto ls = with.exchange(old, "CAP LS\r\n");  // no values before 302
    CHECK(count_containing(ls, " sasl ") == 1);
    CHECK(count_containing(ls, "sasl=") == 0);
    CHECK(count_containing(with.exchange(a, "CAP REQ :sasl\r\n"), "ACK :sasl") == 1);

    Harness without;
    auto& b = without.connect();
    CHECK(count_containing(without.exchange(b, "CAP LS 302\r\n"), "sasl") == 0);
    CHECK(count_containing(without.exchange(b, "CAP REQ :sasl\r\n"), "NAK :sasl") == 1);
    CHECK(numerics(without.exchange(b, "AUTHENTICATE PLAIN\r\n")) == std::vector<int>{904});
}

TEST_CASE("AUTHENTICATE PLAIN logs in: 900 and 903, registration waits for CAP END, WHOIS shows 330", "[sasl]")
{
    AccountsFixture fixture;
    Harness h(fixture.config());
    auto& peer = h.connect();
    auto out = h.exchange(peer, "CAP LS 302\r\nNICK al\r\nUSER al 0 * :Alice\r\nCAP REQ :sasl\r\n");
    CHECK_FALSE(has_numeric(out, 1));
    CHECK(h.exchange(peer, "AUTHENTICATE plain\r\n") == std::vector<std::string>{"AUTHENTICATE +"});
    out = h.exchange(peer, "AUTHENTICATE " + plain("ALICE", "wonderland") + "\r\n");
    REQUIRE(out.size() == 2);
    CHECK(out[0] == ":irc.test 900 al al!~al@127.0.0.1 alice :You are now logged in as alice");
    CHECK(out[1] == ":irc.test 903 al :SASL authentication successful");
    CHECK_FALSE(has_numeric(out, 1));
    CHECK(has_numeric(h.exchange(peer, "CAP END\r\n"), 1));
    CHECK(numerics(h.exchange(peer, "AUTHENTICATE PLAIN\r\n")) == std::vector<int>{907});

    auto& other = h.user("viewer");
    out = h.exchange(other, "WHOIS al\r\n");
    CHECK(count_containing(out, ":irc.test 330 viewer al alice :is logged in as") == 1);
    out = h.exchange(other, "WHOIS viewer\r\n");
    CHECK_FALSE(has_numeric(out, 330));
}

TEST_CASE("SASL failures: 904 for a wrong password, an unknown account or a bad payload; the third closes", "[sasl]")
{
    AccountsFixture fixture;
    Harness h(fixture.config());
    auto& peer = h.connect();
    h.exchange(peer, "CAP LS 302\r\nCAP REQ :sasl\r\n");
    h.exchange(peer, "AUTHENTICATE PLAIN\r\n");
    CHECK(numerics(h.exchange(peer, "AUTHENTICATE " + plain("alice", "wrong") + "\r\n")) == std::vector<int>{904});
    h.exchange(peer, "AUTHENTICATE PLAIN\r\n");
    CHECK(numerics(h.exchange(peer, "AUTHENTICATE " + plain("nobody", "wonderland") + "\r\n")) ==
          std::vector<int>{904});
    CHECK_FALSE(peer.record->closed);
    h.exchange(peer, "AUTHENTICATE PLAIN\r\n");
    auto out = h.exchange(peer, "AUTHENTICATE !!!!\r\n");
    CHECK(has_numeric(out, 904));
    CHECK(count_containing(out, "ERROR :Closing Link: 127.0.0.1 (Too many failed SASL logins)") == 1);
    CHECK(peer.record->closed);
}

TEST_CASE("SASL: 908 lists the mechanisms, 906 aborts, 905 refuses an oversized payload", "[sasl]")
{
    AccountsFixture fixture;
    Harness h(fixture.config());
    auto& peer = h.connect();
    h.exchange(peer, "CAP LS 302\r\nCAP REQ :sasl\r\n");
    auto out = h.exchange(peer, "AUTHENTICATE SCRAM-SHA-256\r\n");
    REQUIRE(out.size() == 2);
    CHECK(out[0] == ":irc.test 908 * PLAIN :are available SASL mechanisms");
    CHECK(numeric_of(out[1]) == 904);

    h.exchange(peer, "AUTHENTICATE PLAIN\r\n");
    CHECK(numerics(h.exchange(peer, "AUTHENTICATE *\r\n")) == std::vector<int>{906});
    // After the abort a new mechanism may start.
    CHECK(h.exchange(peer, "AUTHENTICATE PLAIN\r\n") == std::vector<std::string>{"AUTHENTICATE +"});
    CHECK(numerics(h.exchange(peer, "AUTHENTICATE " + std::string(401, 'A') + "\r\n")) == std::vector<int>{905});

    // A payload split at 400 bytes is put together again: a long password still logs in.
    h.exchange(peer, "AUTHENTICATE PLAIN\r\n");
    const std::string payload = plain("bob", "builder" + std::string(600, 'x'));
    REQUIRE(payload.size() > 400);
    CHECK(h.exchange(peer, "AUTHENTICATE " + payload.substr(0, 400) + "\r\n").empty());
    CHECK(h.exchange(peer, "AUTHENTICATE " + payload.substr(400, 400) + "\r\n").empty());
    REQUIRE(payload.size() < 1200);
    CHECK(numerics(h.exchange(peer, "AUTHENTICATE " + payload.substr(800) + "\r\n")) == std::vector<int>{904});
    CHECK_FALSE(peer.record->closed);  // two failures so far (905 is not one)
}

TEST_CASE("chat.sasl_required refuses registration without a login, and admits one with it", "[sasl]")
{
    AccountsFixture fixture;
    Harness h(fixture.config(true));
    auto& anonymous = h.connect();
    auto out = h.exchange(anonymous, "NICK anon\r\nUSER anon 0 * :Anon\r\n");
    CHECK(has_numeric(out, 904));
    CHECK_FALSE(has_numeric(out, 1));
    CHECK(count_containing(out, "ERROR :Closing Link: 127.0.0.1 (SASL authentication required)") == 1);
    CHECK(anonymous.record->closed);

    login(h, "al", "alice", "wonderland");  // registers (001)
}

TEST_CASE("account-notify, account-tag and extended-join, each only with its cap", "[sasl]")
{
    AccountsFixture fixture;
    Harness h(fixture.config());
    auto& watcher = cap_user(h, "watcher", "account-notify account-tag extended-join");
    auto& plain_user = h.user("plainuser");
    join_all(h, "#room", {&watcher, &plain_user});

    // A logged-in user joins: extended-join carries the account and real name.
    auto& al = login(h, "al", "alice", "wonderland");
    h.exchange(al, "JOIN #room\r\n");
    CHECK(h.lines(watcher) == std::vector<std::string>{":al!~al@127.0.0.1 JOIN #room alice :Real al"});
    CHECK(h.lines(plain_user) == std::vector<std::string>{":al!~al@127.0.0.1 JOIN #room"});

    // Its messages carry @account= for account-tag clients only.
    h.exchange(al, "PRIVMSG #room :hello\r\n");
    CHECK(h.lines(watcher) == std::vector<std::string>{"@account=alice :al!~al@127.0.0.1 PRIVMSG #room :hello"});
    CHECK(h.lines(plain_user) == std::vector<std::string>{":al!~al@127.0.0.1 PRIVMSG #room :hello"});

    // A user without an account: "*" in extended-join, no account tag.
    auto& anon = h.user("anon");
    h.exchange(anon, "JOIN #room\r\nPRIVMSG #room :hi\r\n");
    CHECK(h.lines(watcher) == std::vector<std::string>{":anon!~anon@127.0.0.1 JOIN #room * :Real anon",
                                                       ":anon!~anon@127.0.0.1 PRIVMSG #room :hi"});

    // Logging in after registration: ACCOUNT to account-notify peers.
    h.lines(plain_user);
    h.exchange(anon, "AUTHENTICATE PLAIN\r\n");
    auto out = h.exchange(anon, "AUTHENTICATE " + plain("bob", "builder") + "\r\n");
    CHECK(has_numeric(out, 900));
    CHECK(h.lines(watcher) == std::vector<std::string>{":anon!~anon@127.0.0.1 ACCOUNT bob"});
    CHECK(h.lines(plain_user).empty());
}

TEST_CASE("account-tag stays format-once: one buffer per variant, not per recipient", "[sasl]")
{
    AccountsFixture fixture;
    Harness h(fixture.config());
    std::vector<Harness::Peer*> tagged, untagged;
    for (int i = 0; i < 5; ++i) tagged.push_back(&cap_user(h, "t" + std::to_string(i), "account-tag"));
    for (int i = 0; i < 5; ++i) untagged.push_back(&h.user("u" + std::to_string(i)));
    auto& al = login(h, "al", "alice", "wonderland");
    std::vector<Harness::Peer*> all = tagged;
    all.insert(all.end(), untagged.begin(), untagged.end());
    all.push_back(&al);
    join_all(h, "#big", all);
    all.pop_back();
    for (auto* p : all) {
        p->record->keep_buffers = true;
        p->record->buffers.clear();
    }
    h.exchange(al, "PRIVMSG #big :once\r\n");
    CHECK(distinct_buffers(tagged) == 1);
    CHECK(distinct_buffers(untagged) == 1);
    CHECK(distinct_buffers(all) == 2);
}

TEST_CASE("sasl with labeled-response: the replies after the deferred check carry the label", "[sasl][labeled]")
{
    AccountsFixture fixture;
    Harness h(fixture.config());
    auto& c = h.connect();
    h.exchange(c, "CAP LS 302\r\nNICK al\r\nUSER al 0 * :Al\r\nCAP REQ :sasl batch labeled-response\r\n");
    CHECK(h.exchange(c, "@label=s1 AUTHENTICATE PLAIN\r\n") == std::vector<std::string>{"@label=s1 AUTHENTICATE +"});
    auto out = h.exchange(c, "@label=s2 AUTHENTICATE " + plain("alice", "wonderland") + "\r\n");
    REQUIRE(out.size() == 4);  // BATCH +, 900, 903, BATCH -: one logical response
    REQUIRE(out[0].rfind("@label=s2 :irc.test BATCH +", 0) == 0);
    const std::string id = out[0].substr(27, out[0].find(' ', 27) - 27);
    CHECK(out[0] == "@label=s2 :irc.test BATCH +" + id + " labeled-response");
    CHECK(out[1].rfind("@batch=" + id + " :irc.test 900 ", 0) == 0);
    CHECK(out[2].rfind("@batch=" + id + " :irc.test 903 ", 0) == 0);
    CHECK(out[3] == ":irc.test BATCH -" + id);
    // A wrong password: one line (904), labeled.
    auto& d = h.connect();
    h.exchange(d, "CAP LS 302\r\nNICK bo\r\nUSER bo 0 * :Bo\r\nCAP REQ :sasl batch labeled-response\r\n");
    h.exchange(d, "AUTHENTICATE PLAIN\r\n");
    out = h.exchange(d, "@label=s3 AUTHENTICATE " + plain("bob", "wrong") + "\r\n");
    REQUIRE(out.size() == 1);
    CHECK(out[0].rfind("@label=s3 :irc.test 904 ", 0) == 0);
}
