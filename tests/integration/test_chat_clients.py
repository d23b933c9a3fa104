"""Real IRC client software against the chat workload: the python3-irc library, and
irssi running headless inside tmux. Each side checks what the other sees."""
import time

import pytest

from chat_helpers import Client, Irssi, chat_server

irc_client = pytest.importorskip("irc.client")


def wait_for(predicate, what, timeout=30.0, step=None):
    """Polls `predicate` (running `step` between polls) until it is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if step:
            step()
        else:
            time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_python_irc_library():
    with chat_server(chat={"motd": "hello from hiconn"}) as server:
        # python3-irc 8.x calls the reactor "IRC"; newer releases "Reactor".
        reactor = getattr(irc_client, "Reactor", None) or irc_client.IRC()
        reactor = reactor() if isinstance(reactor, type) else reactor
        events = []  # (who, type, source nick, target, arguments)

        def record(connection, event):
            who = "alice" if connection is alice else "bob"
            source = irc_client.NickMask(event.source).nick if event.source else None
            events.append((who, event.type, source, event.target, list(event.arguments)))

        for kind in ("welcome", "join", "namreply", "pubmsg", "privmsg", "topic", "part",
                     "quit", "motd", "nick"):
            reactor.add_global_handler(kind, record)
        alice = reactor.server().connect("127.0.0.1", server.port, "alice", ircname="Alice Lib")
        bob = reactor.server().connect("127.0.0.1", server.port, "bob", ircname="Bob Lib")

        def seen(who, kind, source=None, arg=None):
            return any(e[0] == who and e[1] == kind and (source is None or e[2] == source)
                       and (arg is None or arg in e[4]) for e in events)

        def until(who, kind, source=None, arg=None):
            wait_for(lambda: seen(who, kind, source, arg), f"{who} {kind} {source} {arg} in {events[-6:]}",
                     step=lambda: reactor.process_once(0.05))

        until("alice", "welcome")
        until("bob", "welcome")
        until("alice", "motd", arg="- hello from hiconn")

        alice.join("#lib")
        until("alice", "join", "alice")
        bob.join("#lib")
        until("alice", "join", "bob")
        until("bob", "namreply")
        names = next(e[4] for e in events if e[0] == "bob" and e[1] == "namreply")
        assert sorted(names[2].split()) == ["@alice", "bob"]

        alice.privmsg("#lib", "hello bob \u00e9")
        until("bob", "pubmsg", "alice", "hello bob \u00e9")
        bob.privmsg("alice", "hi alice")
        until("alice", "privmsg", "bob", "hi alice")

        alice.topic("#lib", "library topic")
        until("alice", "topic", "alice", "library topic")
        until("bob", "topic", "alice", "library topic")

        bob.part(["#lib"], "bye")  # 8.x joins a list and sends the reason without ":"
        until("alice", "part", "bob", "bye")
        bob.join("#lib")
        until("alice", "join", "bob")
        bob.nick("robert")
        until("alice", "nick", "bob")
        until("bob", "nick", "bob")
        bob.quit("done here")
        until("alice", "quit", "robert", "Quit: done here")
        assert not seen("alice", "pubmsg")  # the sender never got its own message back
        assert sum(1 for e in events if e[0] == "alice" and e[1] == "quit") == 1
        alice.quit()
        reactor.process_once(0.1)


def test_irssi_in_tmux():
    with chat_server() as server, \
            Irssi("irs", "Irssi Test", f"--connect=127.0.0.1 --port={server.port} --nick=irs") as irssi:
        obs = Client(server.port)
        obs.register("obs")
        # irssi is registered once the server knows its nick.
        wait_for(lambda: "irs" in obs.command("ISON irs")[0].split(":")[-1].split(), "irssi to register")

        irssi.keys("/join #irs")
        # irssi sets itself +i, so NAMES from outside would not show it: ask WHOIS.
        wait_for(lambda: any(" 319 obs irs :@#irs" in l for l in obs.command("WHOIS irs")),
                 "irssi to create #irs")
        user = next(l for l in obs.command("WHOIS irs") if " 311 " in l).split()[4].lstrip("~")
        obs.command("JOIN #irs")
        wait_for(lambda: "obs" in irssi.screen_and_log(), "irssi to see obs join")

        obs.send("PRIVMSG #irs :hello irssi from obs")
        wait_for(lambda: "hello irssi from obs" in irssi.screen_and_log(), "irssi to show the message")

        irssi.keys("hello obs from irssi")
        obs.expect(f":irs!~{user}@127.0.0.1 PRIVMSG #irs :hello obs from irssi")

        irssi.keys("/topic #irs set by irssi")
        obs.expect(f":irs!~{user}@127.0.0.1 TOPIC #irs :set by irssi")
        wait_for(lambda: "set by irssi" in irssi.screen_and_log(), "irssi to show its topic")

        irssi.keys("/part #irs leaving now")
        obs.expect(f":irs!~{user}@127.0.0.1 PART #irs :leaving now")

        irssi.keys("/join #irs")
        obs.expect(f":irs!~{user}@127.0.0.1 JOIN #irs")
        irssi.keys("/quit irssi out")
        obs.expect(f":irs!~{user}@127.0.0.1 QUIT :Quit: irssi out")
        assert obs.sync() == []  # the QUIT came once
