"""Chat accounts and SASL PLAIN over real sockets: `hiconn hash-password` and `hiconn account`,
chat.accounts and chat.sasl_required, every SASL numeric (900/903/904/905/906/907/908), WHOIS
330, the account caps (account-notify, account-tag, extended-join) with and without them
negotiated, reloading the accounts file (SIGHUP), two federated nodes, and irssi logging in."""
import base64
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile

import pytest

from chat_helpers import SERVER, Client, Irssi, chat_server, count, numeric
from hiconn_harness import BIN, PREFIX, UNDER_WINE, wait_until


def run_cli(*args, stdin=""):
    return subprocess.run(PREFIX + [BIN, *args], input=stdin, capture_output=True, text=True, timeout=60)


def add_account(path, name, password):
    r = run_cli("account", "add", name, "--accounts", path, stdin=password + "\n")
    assert r.returncode == 0, r.stderr
    return r


def plain(authcid, password, authzid=""):
    return base64.b64encode(f"{authzid}\0{authcid}\0{password}".encode()).decode()


def sasl_server(accounts, **chat):
    """A chat server whose chat.accounts is `accounts` (a dict name -> password), written with
    `hiconn account add` into the server's folder and named relative to its config."""
    server = chat_server(chat={"accounts": "accounts.txt", **chat})
    path = os.path.join(server.tmp.name, "accounts.txt")
    for name, password in accounts.items():
        add_account(path, name, password)
    server.accounts_path = path
    return server


def begin(port, nick, caps="sasl"):
    """A connection that negotiates `caps` and sent NICK/USER: registration waits for CAP END."""
    c = Client(port)
    c.nick = nick
    c.send("CAP LS 302", f"NICK {nick}", f"USER {nick} 0 * :Real {nick}", f"CAP REQ :{caps}")
    c.expect(f"ACK :{caps}")
    return c


def authenticate(c, account, password):
    """AUTHENTICATE PLAIN with `account`/`password`; the numeric lines up to the outcome."""
    c.send("AUTHENTICATE PLAIN")
    c.expect("AUTHENTICATE +")
    c.send("AUTHENTICATE " + plain(account, password))
    return c.read_until(lambda l: numeric(l) in (903, 904, 905), what="the SASL outcome")


def logged_in(port, nick, account, password, caps="sasl"):
    c = begin(port, nick, caps)
    lines = authenticate(c, account, password)
    assert numeric(lines[-1]) == 903, lines
    c.send("CAP END")
    c.expect_numeric(1)
    c.expect_numeric(422)  # no MOTD configured
    return c


# ------------------------------------------------------------------ the offline commands

def test_hash_password_prints_a_hash_that_the_config_accepts():
    r = run_cli("hash-password", stdin="opersecret\n")
    assert r.returncode == 0, r.stderr
    hashed = r.stdout.strip()
    assert hashed.startswith("$pbkdf2-sha256$i=") and hashed.count("$") == 4, hashed
    assert "opersecret" not in r.stdout + r.stderr
    # Two runs, two salts.
    assert run_cli("hash-password", stdin="opersecret\n").stdout.strip() != hashed
    assert run_cli("hash-password", stdin="").returncode == 2  # end of input: no password
    assert run_cli("hash-password", stdin="\n").returncode == 2  # empty password refused
    assert run_cli("hash-password", "extra").returncode == 2


def test_account_add_passwd_del_edit_the_file_atomically_and_owner_only():
    with tempfile.TemporaryDirectory(prefix="hiconn-accounts-") as tmp:
        path = os.path.join(tmp, "accounts.txt")
        r = add_account(path, "Alice", "pw1")
        assert "added account 'Alice'" in r.stdout
        if not UNDER_WINE:  # Windows: the file gets its folder's ACL (no POSIX mode to check)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        text = open(path).read()
        assert "Alice $pbkdf2-sha256$i=" in text and "pw1" not in text
        assert run_cli("account", "add", "alice", "--accounts", path, stdin="x\n").returncode == 2  # exists
        assert run_cli("account", "passwd", "ALICE", "--accounts", path, stdin="pw2\n").returncode == 0
        changed = open(path).read()
        assert changed != text and "Alice $pbkdf2" in changed  # the name keeps its spelling
        add_account(path, "bob", "pw3")
        assert run_cli("account", "del", "alice", "--accounts", path).returncode == 0
        assert "Alice" not in open(path).read() and "bob $pbkdf2" in open(path).read()
        assert run_cli("account", "del", "alice", "--accounts", path).returncode == 2  # gone
        assert run_cli("account", "passwd", "carol", "--accounts", path, stdin="x\n").returncode == 2
        assert run_cli("account", "add", "bad name!", "--accounts", path, stdin="x\n").returncode == 2
        assert run_cli("account", "add", "x").returncode == 2  # no --accounts
        assert run_cli("account", "rename", "x", "--accounts", path).returncode == 2
        assert sorted(os.listdir(tmp)) == ["accounts.txt"]  # no temporary left behind
        with open(path, "a") as f:
            f.write("broken-line-without-hash\n")
        r = run_cli("account", "add", "dave", "--accounts", path, stdin="x\n")
        assert r.returncode == 2
        assert f"{path}:3: expected \"NAME HASH\"" in r.stderr, r.stderr


def write_config(tmp, chat):
    path = os.path.join(tmp, "hiconn.json")
    with open(path, "w") as f:
        json.dump({"workload": "chat", "chat": chat}, f)
    return path


def test_config_refuses_plain_text_operator_passwords_and_bad_accounts_files():
    good = run_cli("hash-password", stdin="pw\n").stdout.strip()
    with tempfile.TemporaryDirectory(prefix="hiconn-cfg-") as tmp:
        ok = write_config(tmp, {"operators": [{"name": "root", "password_hash": good, "hosts": ["*@127.0.0.1"]}]})
        r = run_cli("check-config", "--config", ok)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["chat"]["operators"][0]["name"] == "root"

        bad = write_config(tmp, {"operators": [{"name": "root", "password_hash": good, "hosts": ["*@127.0.0.1"]},
                                               {"name": "two", "password_hash": "hunter2", "hosts": ["*@*"]}]})
        r = run_cli("check-config", "--config", bad)
        assert r.returncode == 2
        assert "chat.operators[1].password_hash" in r.stderr and "plain-text passwords are refused" in r.stderr
        assert "hunter2" not in r.stderr  # a password typed where its hash belongs is not echoed

        no_hosts = write_config(tmp, {"operators": [{"name": "root", "password_hash": good, "hosts": []}]})
        r = run_cli("check-config", "--config", no_hosts)
        assert r.returncode == 2 and "chat.operators[0].hosts" in r.stderr, r.stderr

        r = run_cli("check-config", "--config", write_config(tmp, {"sasl_required": "yes"}))
        assert r.returncode == 2 and "chat.sasl_required: expected true or false" in r.stderr, r.stderr

        with open(os.path.join(tmp, "accounts.txt"), "w") as f:
            f.write("# ok\nalice plaintext\n")
        cfg = write_config(tmp, {"accounts": "accounts.txt"})
        proc = subprocess.run(PREFIX + [BIN, "run", "--config", cfg, "--listen", "127.0.0.1:0"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2
        assert "chat.accounts" in proc.stderr and "accounts.txt:2: account 'alice': not a password hash" in proc.stderr


# ------------------------------------------------------------------ SASL numerics

def test_sasl_login_numerics_and_whois_330():
    with sasl_server({"alice": "wonderland"}) as server:
        c = Client(server.port)
        c.nick = "al"
        ls = c.command("CAP LS 302")
        assert count(ls, "sasl=PLAIN") == 1, ls
        c.send("NICK al", "USER al 0 * :Alice", "CAP REQ :sasl")
        c.expect("ACK :sasl")
        lines = authenticate(c, "alice", "wonderland")
        assert f":{SERVER} 900 al al!~al@127.0.0.1 alice :You are now logged in as alice" in lines, lines
        assert lines[-1] == f":{SERVER} 903 al :SASL authentication successful"
        assert not any(numeric(l) == 1 for l in lines)  # registration waits for CAP END
        c.send("CAP END")
        c.expect_numeric(1)
        c.expect_numeric(422)  # the rest of the welcome (no MOTD)
        assert c.numerics_of("AUTHENTICATE PLAIN") == [907]

        viewer = Client(server.port)
        viewer.register("viewer")
        whois = viewer.command("WHOIS al")
        assert f":{SERVER} 330 viewer al alice :is logged in as" in whois, whois
        assert not any(numeric(l) == 330 for l in viewer.command("WHOIS viewer"))


def test_sasl_failures_904_and_the_third_closes():
    with sasl_server({"alice": "wonderland"}) as server:
        c = begin(server.port, "guess")
        assert numeric(authenticate(c, "alice", "wrong")[-1]) == 904
        assert numeric(authenticate(c, "nobody", "wonderland")[-1]) == 904
        assert numeric(authenticate(c, "alice", "wrong again")[-1]) == 904
        rest = c.wait_closed()
        assert any("Too many failed SASL logins" in l for l in rest), rest
        wait_until(lambda: "SASL PLAIN from 127.0.0.1 failed for account 'alice'" in server.log(),
                   what="the failure to be logged")


def test_sasl_908_906_905():
    with sasl_server({"alice": "wonderland"}) as server:
        c = begin(server.port, "mech")
        lines = c.command("AUTHENTICATE EXTERNAL")
        assert [numeric(l) for l in lines] == [908, 904], lines
        assert lines[0] == f":{SERVER} 908 mech PLAIN :are available SASL mechanisms"
        c.send("AUTHENTICATE PLAIN")
        c.expect("AUTHENTICATE +")
        assert c.numerics_of("AUTHENTICATE *") == [906]
        c.send("AUTHENTICATE PLAIN")
        c.expect("AUTHENTICATE +")
        assert c.numerics_of("AUTHENTICATE " + "A" * 401) == [905]
        # A 400-byte chunk waits for more; "+" ends it.
        c.send("AUTHENTICATE PLAIN")
        c.expect("AUTHENTICATE +")
        assert c.numerics_of("AUTHENTICATE " + "A" * 400) == []
        assert c.numerics_of("AUTHENTICATE +") == [904]  # 300 zero bytes are no PLAIN message


def test_sasl_not_offered_without_accounts():
    with chat_server() as server:
        c = Client(server.port)
        c.nick = "nosasl"
        assert count(c.command("CAP LS 302"), "sasl") == 0
        assert count(c.command("CAP REQ :sasl"), "NAK :sasl") == 1
        assert c.numerics_of("AUTHENTICATE PLAIN") == [904]


def test_sasl_required_refuses_anonymous_registration():
    with sasl_server({"alice": "wonderland"}, sasl_required=True) as server:
        anon = Client(server.port)
        anon.send("NICK anon", "USER anon 0 * :Anon")
        rest = anon.wait_closed()
        assert any(numeric(l) == 904 and "must log in with SASL" in l for l in rest), rest
        assert any(l.startswith("ERROR :Closing Link: 127.0.0.1 (SASL authentication required)") for l in rest)
        assert not any(numeric(l) == 1 for l in rest)
        logged_in(server.port, "al", "alice", "wonderland")


@pytest.mark.skipif(UNDER_WINE, reason="SIGHUP is POSIX; hiconn.exe's reload is the service control")
def test_accounts_file_is_reloaded_on_sighup():
    with sasl_server({"alice": "wonderland"}) as server:
        c = begin(server.port, "late")
        assert numeric(authenticate(c, "carol", "newpass")[-1]) == 904
        add_account(server.accounts_path, "carol", "newpass")
        assert run_cli("account", "del", "alice", "--accounts", server.accounts_path).returncode == 0
        server.signal(signal.SIGHUP)
        # The chat workload has its new settings before this line is logged.
        wait_until(lambda: "reload: configuration applied" in server.log(), what="the reload")
        probe = begin(server.port, "probe")
        assert numeric(authenticate(probe, "carol", "newpass")[-1]) == 903
        assert numeric(authenticate(c, "alice", "wonderland")[-1]) == 904  # deleted


# ------------------------------------------------------------------ the account caps

def test_account_caps_only_for_clients_that_negotiated_them():
    with sasl_server({"alice": "wonderland", "bob": "builder"}) as server:
        watcher = begin(server.port, "watcher", "account-notify account-tag extended-join")
        watcher.send("CAP END")
        watcher.expect_numeric(422)
        plain_user = Client(server.port)
        plain_user.register("plainuser")
        for c in (watcher, plain_user):
            c.command("JOIN #room")

        al = logged_in(server.port, "al", "alice", "wonderland")
        al.command("JOIN #room")
        watcher.expect(":al!~al@127.0.0.1 JOIN #room alice :Real al")
        assert ":al!~al@127.0.0.1 JOIN #room" in plain_user.sync()

        al.send("PRIVMSG #room :tagged")
        watcher.expect("@account=alice :al!~al@127.0.0.1 PRIVMSG #room :tagged")
        assert ":al!~al@127.0.0.1 PRIVMSG #room :tagged" in plain_user.sync()

        anon = Client(server.port)
        anon.register("anon")
        anon.command("JOIN #room", "PRIVMSG #room :untagged")
        watcher.expect(":anon!~anon@127.0.0.1 JOIN #room * :Real anon")
        watcher.expect(":anon!~anon@127.0.0.1 PRIVMSG #room :untagged")

        # A login after registration: ACCOUNT to account-notify peers only.
        lines = authenticate(anon, "bob", "builder")
        assert numeric(lines[-1]) == 903, lines
        watcher.expect(":anon!~anon@127.0.0.1 ACCOUNT bob")
        assert not any("ACCOUNT" in l for l in plain_user.sync())


# ------------------------------------------------------------------ federation

def test_account_travels_across_two_nodes():
    from federation_helpers import Network, wait_whois
    with tempfile.TemporaryDirectory(prefix="hiconn-fed-accounts-") as tmp:
        path = os.path.join(tmp, "accounts.txt")
        add_account(path, "alice", "wonderland")
        add_account(path, "bob", "builder")
        net = Network(2, node_kw={"chat": {"accounts": path}})
        try:
            net.start()
            a, b = net.nodes
            watcher = net.connect(b)
            watcher.nick = "fwatch"
            watcher.send("CAP LS 302", "NICK fwatch", "USER fwatch 0 * :W",
                         "CAP REQ :account-notify account-tag extended-join", "CAP END")
            watcher.expect_numeric(422)
            watcher.command("JOIN #fed")

            al = net.connect(a)
            al.nick = "fal"
            al.send("CAP LS 302", "NICK fal", "USER fal 0 * :Real fal", "CAP REQ :sasl")
            al.expect("ACK :sasl")
            assert numeric(authenticate(al, "alice", "wonderland")[-1]) == 903
            al.send("CAP END")
            al.expect_numeric(422)
            whois = wait_whois(watcher, "fal")
            assert f":{b.name} 330 fwatch fal alice :is logged in as" in whois, whois

            al.command("JOIN #fed")
            watcher.wait_for(":fal!~fal@127.0.0.1 JOIN #fed alice :Real fal")
            al.send("PRIVMSG #fed :across")
            watcher.wait_for("@account=alice :fal!~fal@127.0.0.1 PRIVMSG #fed :across")

            late = net.client(a, "flate")
            late.command("JOIN #fed")
            watcher.wait_for(":flate!~flate@127.0.0.1 JOIN #fed * :Real flate")
            assert numeric(authenticate(late, "bob", "builder")[-1]) == 903
            watcher.wait_for(":flate!~flate@127.0.0.1 ACCOUNT bob")
        finally:
            net.close()


# ------------------------------------------------------------------ a real client

@pytest.mark.skipif(not (shutil.which("irssi") and shutil.which("tmux")), reason="needs irssi and tmux")
def test_irssi_logs_in_with_sasl_plain():
    with sasl_server({"irsacct": "irssi-pass"}) as server:
        with Irssi("irsasl", "Irssi SASL") as irssi:
            irssi.keys("/network add -sasl_username irsacct -sasl_password irssi-pass "
                       "-sasl_mechanism PLAIN saslnet")
            irssi.keys(f"/server add -network saslnet 127.0.0.1 {server.port}")
            irssi.keys("/connect saslnet")
            obs = Client(server.port)
            obs.register("obs")

            def logged_in_330():
                return any(numeric(l) == 330 and "irsacct" in l for l in obs.command("WHOIS irsasl"))
            try:
                wait_until(logged_in_330, timeout=30, interval=0.3, what="irssi's SASL login")
            except AssertionError:
                raise AssertionError("irssi did not log in:\n" + irssi.screen_and_log()[-3000:] +
                                     "\n---- server ----\n" + server.log()[-3000:])
            assert "logged in as account 'irsacct'" in server.log()


def test_weechat_negotiates_capabilities_and_logs_in_with_sasl_plain():
    # WeeChat 3.8 headless (Debian's weechat-headless, scripts/setup.sh): no terminal needed.
    assert shutil.which("weechat-headless"), "weechat-headless is missing (scripts/setup.sh installs it)"
    with sasl_server({"wcacct": "wc-pass"}) as server, \
            tempfile.TemporaryDirectory(prefix="hiconn-weechat-") as home:
        commands = ";".join([
            "/set logger.file.flush_delay 0",
            f"/server add hiconn 127.0.0.1/{server.port}",
            "/set irc.server.hiconn.tls off",
            "/set irc.server.hiconn.capabilities *",
            "/set irc.server.hiconn.nicks wcsasl",
            "/set irc.server.hiconn.username wcsasl",
            "/set irc.server.hiconn.sasl_mechanism plain",
            "/set irc.server.hiconn.sasl_username wcacct",
            "/set irc.server.hiconn.sasl_password wc-pass",
            "/connect hiconn",
        ])
        weechat = subprocess.Popen(["weechat-headless", "--dir", home, "--run-command", commands],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            obs = Client(server.port)
            obs.register("obs")

            def logged_in_330():
                return any(numeric(l) == 330 and "wcacct" in l for l in obs.command("WHOIS wcsasl"))
            wait_until(logged_in_330, timeout=30, interval=0.3, what="WeeChat's SASL login (WHOIS 330)")
            assert "logged in as account 'wcacct'" in server.log()
            # It asked for every capability ("*"); its server buffer's log says what it got.
            log_path = os.path.join(home, "logs", "irc.server.hiconn.weechatlog")

            def enabled_caps():
                if not os.path.exists(log_path):
                    return ""
                with open(log_path, errors="replace") as f:
                    return "\n".join(l for l in f if "capability" in l and "enabled" in l)
            wait_until(lambda: "server-time" in enabled_caps(), timeout=15, what="WeeChat's enabled caps")
            for cap in ("sasl", "message-tags", "account-notify", "extended-join", "away-notify", "multi-prefix"):
                assert cap in enabled_caps(), enabled_caps()
        finally:
            weechat.terminate()
            try:
                weechat.wait(timeout=10)
            except subprocess.TimeoutExpired:
                weechat.kill()
                weechat.wait()
