"""IRC operators over real sockets: chat.operators with a hash from `hiconn hash-password`,
OPER (381/464/491, logged and backed off), user modes +o/+w (221), WHOIS 313, WHO '*', LUSERS
252, KILL (481; the victim's ERROR, its peers' QUIT naming the operator), WALLOPS, reload of
the operators on SIGHUP, and KILL, WALLOPS and 313 across two federated nodes."""
import signal
import subprocess

import pytest

from chat_helpers import SERVER, Client, chat_server, count, numeric
from hiconn_harness import BIN, PREFIX, UNDER_WINE, wait_until


def hash_password(password):
    r = subprocess.run(PREFIX + [BIN, "hash-password"], input=password + "\n", capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


OPER_HASH = hash_password("opensesame")


def operators(hosts=("*@127.0.0.1",)):
    return [{"name": "root", "password_hash": OPER_HASH, "hosts": list(hosts)},
            {"name": "remote", "password_hash": OPER_HASH, "hosts": ["*@10.0.0.*"]}]


def registered(port, nick):
    c = Client(port)
    c.register(nick)
    return c


def test_oper_numerics_modes_and_queries():
    with chat_server(chat={"operators": operators()}) as server:
        op = registered(server.port, "op")
        assert op.numerics_of("OPER remote opensesame") == [491]
        other = registered(server.port, "other")
        assert other.numerics_of("OPER root wrong") == [464]
        wait_until(lambda: "failed OPER root by other!~other@127.0.0.1: wrong password" in server.log(),
                   what="the failed OPER to be logged")
        # Backed off: right away even the right password is refused unchecked.
        assert other.numerics_of("OPER root opensesame") == [464]

        good = registered(server.port, "good")
        lines = good.command("OPER root opensesame")
        assert lines == [f":{SERVER} 381 good :You are now an IRC operator", ":good MODE good :+ow"], lines
        assert good.command("MODE good") == [f":{SERVER} 221 good +ow"]
        assert f":{SERVER} 313 other good :is an IRC operator" in other.command("WHOIS good")
        assert count(other.command("WHO good"), " good H* :0 Real good") == 1
        assert count(other.command("LUSERS"), f":{SERVER} 252 other 1 :operator(s) online") == 1


def test_kill_and_wallops():
    with chat_server(chat={"operators": operators()}) as server:
        op = registered(server.port, "op")
        victim = registered(server.port, "victim")
        peer = registered(server.port, "peer")
        victim.command("JOIN #k")
        peer.command("JOIN #k")
        assert peer.numerics_of("KILL victim :nope") == [481]
        assert peer.numerics_of("WALLOPS :nope") == [481]
        op.command("OPER root opensesame")
        peer.command("MODE peer +w")
        op.send("WALLOPS :maintenance")
        peer.expect(":op!~op@127.0.0.1 WALLOPS :maintenance")
        assert ":op!~op@127.0.0.1 WALLOPS :maintenance" not in victim.sync()

        op.command("KILL victim :spamming")
        rest = victim.wait_closed()
        assert rest and rest[-1] == "ERROR :Closing Link: 127.0.0.1 (Killed (op (spamming)))", rest
        peer.expect(":victim!~victim@127.0.0.1 QUIT :Killed (op (spamming))")
        assert peer.numerics_of("WHOIS victim")[0] == 401


@pytest.mark.skipif(UNDER_WINE, reason="SIGHUP is POSIX; hiconn.exe's reload is the service control")
def test_operators_reload_on_sighup():
    server = chat_server(chat={"operators": operators(hosts=["*@10.9.9.9"])})
    with server:
        c = registered(server.port, "later")
        assert c.numerics_of("OPER root opensesame") == [491]
        cfg = dict(server.config)
        cfg["chat"] = {**cfg["chat"], "operators": operators()}
        server.write_config(cfg)
        server.signal(signal.SIGHUP)
        wait_until(lambda: "reload: configuration applied" in server.log(), what="the reload")
        probe = registered(server.port, "probe")
        assert probe.numerics_of("OPER root opensesame") == [381]


def test_kill_wallops_and_313_across_two_nodes():
    from federation_helpers import Network, wait_whois
    net = Network(2, node_kw={"chat": {"operators": operators()}})
    try:
        net.start()
        a, b = net.nodes
        op = net.client(a, "fop")
        assert 381 in [numeric(l) for l in op.command("OPER root opensesame")]
        watcher = net.client(b, "fwatch")
        watcher.command("MODE fwatch +w")
        wait_whois(watcher, "fop")
        wait_until(lambda: any(numeric(l) == 313 for l in watcher.numeric_lines("WHOIS fop")),
                   what="313 for the remote operator")
        op.send("WALLOPS :network notice")
        watcher.wait_for(":fop!~fop@127.0.0.1 WALLOPS :network notice")

        victim = net.client(b, "fvic")
        peer = net.client(a, "fpeer")
        victim.command("JOIN #fk")
        peer.command("JOIN #fk")
        wait_whois(op, "fvic")
        op.command("KILL fvic :cross")
        rest = victim.wait_closed(timeout=20)
        assert rest and rest[-1] == "ERROR :Closing Link: 127.0.0.1 (Killed (fop (cross)))", rest
        peer.wait_for(":fvic!~fvic@127.0.0.1 QUIT :Killed (fop (cross))")
    finally:
        net.close()
