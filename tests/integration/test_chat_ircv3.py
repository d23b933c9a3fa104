"""IRCv3 over real sockets against the real binary: CAP negotiation (LS 302, REQ, LIST, END)
and each capability with and without it negotiated, on one node and across two federated
nodes (server-time, echo-message, message-tags)."""
import itertools
import re

import pytest

from chat_helpers import SERVER, Client, chat_server, numeric
from federation_helpers import CROSS, fence, token, two_nodes  # noqa: F401 (a fixture)
from federation_helpers import nick as fed_nick

_ids = itertools.count()
ALL_CAPS = ("account-notify account-tag away-notify batch cap-notify echo-message extended-join invite-notify "
            "labeled-response message-tags multi-prefix server-time setname standard-replies "
            "userhost-in-names")  # sasl: only with chat.accounts
TIME_TAG = re.compile(r"^@time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z[ ;]")


def nick(base):
    return f"{base}{next(_ids)}"


def untag(line):
    return line.split(" ", 1)[1] if line.startswith("@") else line


def cap_client(port, name, caps):
    """Registered after negotiating `caps` (a REQ before NICK/USER, so it waits for CAP END)."""
    c = Client(port)
    c.nick = name
    c.send("CAP LS 302", f"NICK {name}", f"USER {name} 0 * :Real {name}")
    assert untag(c.read_line()) == f":{SERVER} CAP * LS :{ALL_CAPS}"
    c.send(f"CAP REQ :{caps}")
    assert untag(c.read_line()) == f":{SERVER} CAP {name} ACK :{caps}"
    c.send("CAP END")
    lines = c.read_until(lambda l: numeric(untag(l)) in (376, 422), what="end of the welcome")
    assert numeric(untag(lines[0])) == 1
    return c


def plain_client(port, name):
    c = Client(port)
    c.register(name)
    return c


def capped_and_plain(port, base, caps):
    """A client with `caps` and a plain one, both on a new channel, all replies read."""
    ch = f"#{base}{next(_ids)}"
    capped = cap_client(port, nick(base), caps)
    plain = plain_client(port, nick("pl"))
    capped.command(f"JOIN {ch}")
    plain.command(f"JOIN {ch}")
    capped.sync()
    return ch, capped, plain


@pytest.fixture(scope="module")
def server():
    with chat_server() as s:
        yield s


@pytest.fixture
def port(server):
    return server.port


def test_cap_ls_req_list_end(port):
    c = Client(port)
    c.send("CAP LS 302", "NICK Neg1", "USER neg 0 * :Neg")
    assert c.read_line() == f":{SERVER} CAP * LS :{ALL_CAPS}"
    assert c.sync() == []  # registration waits for CAP END
    assert c.command("CAP REQ :server-time nonexistent") == [f":{SERVER} CAP Neg1 NAK :server-time nonexistent"]
    assert c.command("CAP LIST") == [f":{SERVER} CAP Neg1 LIST :cap-notify"]
    assert c.command("CAP REQ :multi-prefix echo-message") == [
        f":{SERVER} CAP Neg1 ACK :multi-prefix echo-message"]
    assert c.command("CAP REQ :-cap-notify") == [f":{SERVER} CAP Neg1 NAK :-cap-notify"]  # 302 keeps it
    c.send("CAP END")
    assert numeric(c.read_line()) == 1
    c.expect_numeric(422)  # no MOTD here
    # After registration: more requests, removal, LIST; END is ignored.
    assert c.command("CAP REQ :-echo-message userhost-in-names") == [
        f":{SERVER} CAP Neg1 ACK :-echo-message userhost-in-names"]
    assert c.command("CAP LIST") == [f":{SERVER} CAP Neg1 LIST :cap-notify multi-prefix userhost-in-names"]
    assert c.command("CAP END") == []
    assert c.numerics_of("CAP BOGUS") == [410]
    # A pre-302 LS has no values and implies nothing.
    d = Client(port)
    d.send("CAP LS")
    assert d.read_line() == f":{SERVER} CAP * LS :{ALL_CAPS}"
    assert d.command("CAP LIST") == [f":{SERVER} CAP * LIST :"]


def test_server_time_with_and_without(port):
    ch, timed, plain = capped_and_plain(port, "st", "server-time")
    plain.send(f"PRIVMSG {ch} :hello")
    line = timed.expect(" PRIVMSG ")[-1]
    assert TIME_TAG.match(line), line
    assert untag(line) == f":{plain.nick}!~{plain.nick}@127.0.0.1 PRIVMSG {ch} :hello"
    pong = timed.command("PING :x")  # replies to the client itself are tagged too
    assert len(pong) == 1 and TIME_TAG.match(pong[0]) and untag(pong[0]) == f":{SERVER} PONG {SERVER} :x"
    timed.send(f"PRIVMSG {ch} :back")
    assert plain.expect(" PRIVMSG ")[-1] == f":{timed.nick}!~{timed.nick}@127.0.0.1 PRIVMSG {ch} :back"


def test_echo_message_with_and_without(port):
    ch, echo, plain = capped_and_plain(port, "em", "echo-message")
    assert echo.command(f"PRIVMSG {ch} :one") == [f":{echo.nick}!~{echo.nick}@127.0.0.1 PRIVMSG {ch} :one"]
    assert echo.command(f"NOTICE {plain.nick} :two") == [
        f":{echo.nick}!~{echo.nick}@127.0.0.1 NOTICE {plain.nick} :two"]
    plain.sync()
    assert plain.command(f"PRIVMSG {ch} :three") == []  # no echo without the capability
    assert [l for l in plain.history if " :one" in l or " :two" in l] == [
        f":{echo.nick}!~{echo.nick}@127.0.0.1 PRIVMSG {ch} :one",
        f":{echo.nick}!~{echo.nick}@127.0.0.1 NOTICE {plain.nick} :two"]


def test_multi_prefix_and_userhost_in_names(port):
    ch, multi, plain = capped_and_plain(port, "mp", "multi-prefix userhost-in-names")
    multi.command(f"MODE {ch} +v {multi.nick}")
    names = " ".join(l for l in multi.command(f"NAMES {ch}") if numeric(l) == 353)
    assert f"@+{multi.nick}!~{multi.nick}@127.0.0.1" in names
    assert f"{plain.nick}!~{plain.nick}@127.0.0.1" in names
    who = [l for l in multi.command(f"WHO {ch}") if numeric(l) == 352 and f" {multi.nick} H" in l]
    assert len(who) == 1 and f" {multi.nick} H@+ :0 " in who[0]
    assert any(f" 319 {multi.nick} {multi.nick} :@+{ch}" in l for l in multi.command(f"WHOIS {multi.nick}"))
    names = " ".join(l for l in plain.command(f"NAMES {ch}") if numeric(l) == 353)
    assert f"@{multi.nick}" in names and "@+" not in names and "!~" not in names
    assert any(f" {multi.nick} H@ :0 " in l for l in plain.command(f"WHO {ch}"))


def test_message_tags_and_tagmsg(port):
    ch, tagged, plain = capped_and_plain(port, "mt", "message-tags")
    plain.send(f"@+example.com/x=a\\sb;+y PRIVMSG {ch} :tagged")
    assert tagged.expect(":tagged")[-1] == f"@+example.com/x=a\\sb;+y :{plain.nick}!~{plain.nick}@127.0.0.1 PRIVMSG {ch} :tagged"
    assert tagged.command(f"@+typing=active TAGMSG {ch}") == []
    assert plain.command(f"@+z=1 PRIVMSG {tagged.nick} :private") == []
    assert tagged.expect(":private")[-1] == f"@+z=1 :{plain.nick}!~{plain.nick}@127.0.0.1 PRIVMSG {tagged.nick} :private"
    assert plain.command(f"@+typing=active TAGMSG {ch}") == []
    assert tagged.expect(" TAGMSG ")[-1] == f"@+typing=active :{plain.nick}!~{plain.nick}@127.0.0.1 TAGMSG {ch}"
    # The plain client saw the PRIVMSG without tags and no TAGMSG at all.
    plain.sync()
    assert not [l for l in plain.history if l.startswith("@") or "TAGMSG" in l]
    # Over 4094 bytes of client tags: 417, and the connection goes on.
    assert plain.numerics_of("@+big=" + "x" * 4100 + f" PRIVMSG {ch} :no") == [417]
    assert plain.numerics_of("PING :alive") == []


def test_away_notify_and_invite_notify(port):
    ch = f"#an{next(_ids)}"
    watcher = cap_client(port, nick("aw"), "away-notify invite-notify")
    plain = plain_client(port, nick("pl"))
    op = plain_client(port, nick("op"))
    op.command(f"JOIN {ch}")
    watcher.command(f"JOIN {ch}")
    plain.command(f"JOIN {ch}")
    op.command("AWAY :brb")
    assert watcher.expect(" AWAY ")[-1] == f":{op.nick}!~{op.nick}@127.0.0.1 AWAY :brb"
    op.command("AWAY")
    assert watcher.expect(" AWAY")[-1] == f":{op.nick}!~{op.nick}@127.0.0.1 AWAY"
    guest = plain_client(port, nick("gu"))
    assert op.numerics_of(f"INVITE {guest.nick} {ch}") == [341]
    assert watcher.expect(" INVITE ")[-1] == f":{op.nick}!~{op.nick}@127.0.0.1 INVITE {guest.nick} :{ch}"
    plain.sync()
    assert not [l for l in plain.history if " AWAY" in l or " INVITE " in l]


def test_setname(port):
    ch, a, plain = capped_and_plain(port, "sn", "setname")
    assert a.command("SETNAME :Brand New") == [f":{a.nick}!~{a.nick}@127.0.0.1 SETNAME :Brand New"]
    assert any(" 311 " in l and l.endswith(":Brand New") for l in plain.command(f"WHOIS {a.nick}"))
    assert plain.command("SETNAME :Other") == []
    assert a.expect(" SETNAME ")[-1] == f":{plain.nick}!~{plain.nick}@127.0.0.1 SETNAME :Other"
    assert a.command("SETNAME :") == [f":{SERVER} FAIL SETNAME INVALID_REALNAME :Realname is not valid"]
    assert not [l for l in plain.history if " SETNAME " in l]


def test_bot_mode(port):
    ch = f"#bt{next(_ids)}"
    bot = plain_client(port, nick("bt"))
    tagged = cap_client(port, nick("tg"), "message-tags")
    plain = plain_client(port, nick("pl"))
    assert bot.command(f"MODE {bot.nick} +B") == [f":{bot.nick} MODE {bot.nick} :+B"]
    assert any(l == f":{SERVER} 335 {plain.nick} {bot.nick} :is a bot" for l in plain.command(f"WHOIS {bot.nick}"))
    assert any(" BOT=B " in l for l in plain.command("VERSION"))
    for c in (bot, tagged, plain):
        c.command(f"JOIN {ch}")
    assert any(f" {bot.nick} HB@ :0 " in l for l in plain.command(f"WHO {ch}"))
    tagged.sync()
    bot.send(f"PRIVMSG {ch} :beep")
    assert tagged.expect(":beep")[-1] == f"@bot :{bot.nick}!~{bot.nick}@127.0.0.1 PRIVMSG {ch} :beep"
    assert plain.expect(":beep")[-1] == f":{bot.nick}!~{bot.nick}@127.0.0.1 PRIVMSG {ch} :beep"


@pytest.fixture(scope="module")
def fed(two_nodes):
    return two_nodes


def fed_cap_client(net, node, caps):
    c = net.connect(node)
    name = fed_nick("v")
    c.nick, c.user = name, name
    c.send(f"CAP REQ :{caps}", f"NICK {name}", f"USER {name} 0 * :Real {name}", "CAP END")
    lines = c.read_until(lambda l: numeric(untag(l)) in (376, 422), timeout=CROSS, what="end of the welcome")
    assert untag(lines[0]) == f":{c.server_name} CAP * ACK :{caps}"
    return c


def test_federated_server_time_echo_and_message_tags(fed):
    ch = f"#fv{token('c')}"
    sender = fed_cap_client(fed, 0, "echo-message")
    timed = fed_cap_client(fed, 1, "server-time")
    tagged = fed_cap_client(fed, 1, "message-tags")
    plain = fed.client(1, fed_nick("vp"))
    for c in (sender, timed, tagged, plain):
        c.command(f"JOIN {ch}")
    for c in (sender, timed, tagged):  # the last JOIN seen everywhere: all are members
        c.wait_for(f":{plain.prefix} JOIN {ch}")
    marks = {c: c.mark() for c in (timed, tagged, plain)}
    text = f"fed {token('m')}"
    echoed = sender.command(f"@+draft/reply=abc PRIVMSG {ch} :{text}")
    assert echoed == [f":{sender.prefix} PRIVMSG {ch} :{text}"]  # echo-message, no tags without message-tags
    line = f":{sender.prefix} PRIVMSG {ch} :{text}"
    got = timed.wait_for(text, since=marks[timed])
    assert TIME_TAG.match(got) and untag(got) == line, got
    assert tagged.wait_for(text, since=marks[tagged]) == "@+draft/reply=abc " + line
    assert plain.wait_for(text, since=marks[plain]) == line
    # TAGMSG crosses to message-tags clients only; a private one too.
    sender.command(f"@+typing=active TAGMSG {ch}", f"@+typing=done TAGMSG {tagged.nick}")
    assert tagged.wait_for(f"TAGMSG {tagged.nick}", since=marks[tagged]) == (
        f"@+typing=done :{sender.prefix} TAGMSG {tagged.nick}")
    assert tagged.count(f"@+typing=active :{sender.prefix} TAGMSG {ch}", since=marks[tagged]) == 1
    fence(sender, [timed, plain])
    assert timed.count("TAGMSG", since=marks[timed]) == 0
    assert plain.count("TAGMSG", since=marks[plain]) == 0


def test_federated_away_notify_setname_and_bot(fed):
    ch = f"#fn{token('c')}"
    actor = fed.client(0, fed_nick("va"))
    watcher = fed_cap_client(fed, 1, "away-notify setname message-tags")
    plain = fed.client(1, fed_nick("vp"))
    for c in (actor, watcher, plain):
        c.command(f"JOIN {ch}")
    for c in (actor, watcher):
        c.wait_for(f":{plain.prefix} JOIN {ch}")
    marks = {c: c.mark() for c in (watcher, plain)}
    actor.command("AWAY :afk", "SETNAME :Renamed Fed", f"MODE {actor.nick} +B")
    assert watcher.wait_for(f":{actor.prefix} AWAY", since=marks[watcher]) == f":{actor.prefix} AWAY :afk"
    assert watcher.wait_for(" SETNAME ", since=marks[watcher]) == f":{actor.prefix} SETNAME :Renamed Fed"
    text = f"bot {token('m')}"
    actor.command(f"PRIVMSG {ch} :{text}")
    assert watcher.wait_for(text, since=marks[watcher]) == f"@bot :{actor.prefix} PRIVMSG {ch} :{text}"
    assert plain.wait_for(text, since=marks[plain]) == f":{actor.prefix} PRIVMSG {ch} :{text}"
    assert any(f" 335 {plain.nick} {actor.nick} :is a bot" in l for l in plain.command(f"WHOIS {actor.nick}"))
    assert plain.count(" AWAY", since=marks[plain]) == 0 and plain.count(" SETNAME ", since=marks[plain]) == 0


def test_irssi_negotiates_capabilities_by_default():
    """irssi 1.4 asks for the capabilities it knows of those offered (all or nothing, in one
    REQ) and keeps working with the tags it then receives."""
    from test_chat_clients import wait_for
    from chat_helpers import Irssi
    with chat_server() as server, \
            Irssi("irv3", "Irssi v3", f"--connect=127.0.0.1 --port={server.port} --nick=irv3") as irssi:
        def acked():
            return [l for l in irssi.screen_and_log().splitlines() if "acknowledged" in l.lower()]
        wait_for(lambda: acked(), "irssi to get its CAP ACK")
        line = acked()[0]  # "Capabilities acknowledged: multi-prefix setname invite-notify ..."
        for cap in ("multi-prefix", "setname", "invite-notify", "away-notify", "server-time"):
            assert cap in line.split(), line
        obs = Client(server.port)
        obs.register("obs3")
        wait_for(lambda: "irv3" in obs.command("ISON irv3")[0].split(":")[-1].split(), "irssi to register")
        irssi.keys("/join #irv3")
        wait_for(lambda: any(" 319 obs3 irv3 :@#irv3" in l for l in obs.command("WHOIS irv3")),
                 "irssi to create #irv3")
        obs.command("JOIN #irv3")
        obs.send("PRIVMSG #irv3 :tagged hello")
        wait_for(lambda: "tagged hello" in irssi.screen_and_log(), "irssi to show a server-time message")
        irssi.keys("reply from irssi")
        obs.expect(":irv3!~irv3@127.0.0.1 PRIVMSG #irv3 :reply from irssi")
