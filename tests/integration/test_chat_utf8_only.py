"""chat.utf8_only (IRCv3 UTF8ONLY) over real sockets: 005 carries UTF8ONLY, text that is not
UTF-8 is refused with FAIL <command> INVALID_UTF8 and never reaches the other clients; off
(the default), bytes are relayed as they come; a value that is no boolean is refused by
check-config with exit status 2."""
import json
import os
import subprocess
import tempfile

from chat_helpers import SERVER, Client, chat_server, count
from hiconn_harness import BIN, PREFIX

LATIN1 = "caf\udce9"   # the byte E9 alone (surrogateescape): "café" in ISO-8859-1, not UTF-8
FAIL = " INVALID_UTF8 :Message rejected, your IRC software MUST use UTF-8 encoding on this network"


def registered(port, nick):
    c = Client(port)
    c.nick = nick
    lines = c.register(nick)
    return c, lines


def test_utf8_only_refuses_and_does_not_relay():
    with chat_server(chat={"utf8_only": True}) as server:
        a, welcome = registered(server.port, "ua")
        b, _ = registered(server.port, "ub")
        a.command("JOIN #u")
        b.command("JOIN #u")
        a.sync()
        assert count(b.command("VERSION"), " UTF8ONLY") == 1
        for command, line in (("PRIVMSG", f"PRIVMSG #u :{LATIN1}"), ("PRIVMSG", f"PRIVMSG ub :{LATIN1}"),
                              ("NOTICE", f"NOTICE #u :{LATIN1}"), ("TOPIC", f"TOPIC #u :{LATIN1}"),
                              ("PART", f"PART #u :{LATIN1}"), ("AWAY", f"AWAY :{LATIN1}")):
            assert a.command(line) == [f":{SERVER} FAIL {command}{FAIL}"], line
        assert b.sync() == []  # nothing of it reached the other member
        a.send("PRIVMSG #u :café")
        assert b.read_line() == ":ua!~ua@127.0.0.1 PRIVMSG #u :café"
        c = Client(server.port)
        c.send("NICK uc", f"USER uc 0 * :{LATIN1}")
        assert c.read_line() == f":{SERVER} FAIL USER{FAIL}"


def test_bytes_relayed_when_off():
    with chat_server() as server:
        a, _ = registered(server.port, "pa")
        b, _ = registered(server.port, "pb")
        assert count(b.command("VERSION"), "UTF8ONLY") == 0
        a.send(f"PRIVMSG pb :{LATIN1}")
        assert b.read_line() == f":pa!~pa@127.0.0.1 PRIVMSG pb :{LATIN1}"


def test_check_config_refuses_a_non_boolean():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hiconn.json")
        with open(path, "w") as f:
            json.dump({"workload": "chat", "chat": {"utf8_only": "yes"}}, f)
        r = subprocess.run(PREFIX + [BIN, "check-config", "--config", path], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 2
        assert "chat.utf8_only: expected true or false" in r.stderr and path in r.stderr, r.stderr
        with open(path, "w") as f:
            json.dump({"workload": "chat", "chat": {"utf8_only": True}}, f)
        r = subprocess.run(PREFIX + [BIN, "check-config", "--config", path], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0 and json.loads(r.stdout)["chat"]["utf8_only"] is True, r.stdout + r.stderr
