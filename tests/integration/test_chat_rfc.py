"""The RFC 2812 / Modern IRC additions over real sockets against the real binary: the
registration timeout, USER's 461, WHO masks and WHOX, USERHOST, TIME/VERSION/INFO/ADMIN,
LUSERS 265/266, INVITE to a channel not created yet, 696 and several modes in one MODE."""
import itertools

import pytest

from chat_helpers import SERVER, Client, chat_server, count, numeric, registered
from federation_helpers import two_nodes  # noqa: F401 (a fixture)

_ids = itertools.count()


def nick(base):
    return f"{base}{next(_ids)}"


@pytest.fixture(scope="module")
def server():
    with chat_server(chat={"registration_timeout_s": 2}) as s:
        yield s


@pytest.fixture
def port(server):
    return server.port


def who_nicks(lines):
    return sorted(l.split()[7] for l in lines if numeric(l) == 352)


def test_unregistered_connection_is_closed_after_the_registration_timeout(port):
    r = registered(port, nick("Quick"))  # registered before the other one times out
    c = Client(port)
    c.send("NICK slowpoke")
    lines = c.wait_closed(timeout=10)
    assert lines == ["ERROR :Closing Link: 127.0.0.1 (Registration timeout)"]
    # The registered client outlived the timeout.
    assert r.sync() == []


def test_user_with_empty_realname_is_461(port):
    c = Client(port)
    assert c.command("USER u 0 * :") == [f":{SERVER} 461 * USER :Not enough parameters"]
    assert [numeric(l) for l in c.command("USER u 0 *")] == [461]
    c.register(nick("Real"))


def test_who_masks_and_whox(port):
    a_n, b_n, c_n = nick("whoa"), nick("whob"), nick("zed")
    a = registered(port, a_n, realname="Alpha One")
    b = registered(port, b_n)
    c = registered(port, c_n)
    assert who_nicks(a.command("WHO whoa*")) == [a_n]
    assert who_nicks(a.command("WHO who?*")) == sorted([a_n, b_n])
    assert who_nicks(a.command("WHO :Alpha*")) == [a_n]
    assert who_nicks(a.command(f"WHO *!~{c_n}@127.0.0.1")) == [c_n]
    assert set(who_nicks(a.command("WHO *"))) >= {a_n, b_n, c_n}
    assert set(who_nicks(a.command("WHO 0"))) >= {a_n, b_n, c_n}
    assert [numeric(l) for l in a.command("WHO * o")] == [315]
    # Invisible: hidden from a wildcard WHO unless a channel is shared.
    c.command(f"MODE {c_n} +i")
    assert c_n not in who_nicks(a.command("WHO *"))
    ch = "#" + nick("whox")
    c.command(f"JOIN {ch}")
    a.command(f"JOIN {ch}")
    assert c_n in who_nicks(a.command("WHO *"))
    lines = a.command(f"WHO {ch} %tcnfr,99")
    assert [numeric(l) for l in lines] == [354, 354, 315]
    assert f":{SERVER} 354 {a_n} 99 {ch} {c_n} H@ :Real {c_n}" in lines
    assert f":{SERVER} 354 {a_n} 99 {ch} {a_n} H :Alpha One" in lines
    lines = a.command(f"WHO {b_n} %uihsnda")
    assert lines[0] == f":{SERVER} 354 {a_n} ~{b_n} 127.0.0.1 127.0.0.1 {SERVER} {b_n} 0 0"


def test_isupport_tokens(port):
    lines = Client(port).register(nick("Sup"))
    isupport = " ".join(l for l in lines if numeric(l) == 5)
    for token in ("WHOX", "MODES=4", "CASEMAPPING=rfc1459"):
        assert f" {token} " in isupport + " ", token


def test_userhost(port):
    a_n, b_n = nick("uha"), nick("uhb")
    a = registered(port, a_n)
    b = registered(port, b_n)
    b.command("AWAY :lunch")
    assert a.command(f"USERHOST {a_n} {b_n} nobody") == [
        f":{SERVER} 302 {a_n} :{a_n}=+~{a_n}@127.0.0.1 {b_n}=-~{b_n}@127.0.0.1"]


def test_time_version_info_admin_lusers(port):
    a_n = nick("info")
    a = registered(port, a_n)
    lines = a.command("TIME")
    assert [numeric(l) for l in lines] == [391]
    assert lines[0].startswith(f":{SERVER} 391 {a_n} {SERVER} :")
    lines = a.command("VERSION")
    assert numeric(lines[0]) == 351 and lines[0].startswith(f":{SERVER} 351 {a_n} hiconn-")
    assert 5 in [numeric(l) for l in lines]
    lines = a.command("INFO")
    assert numeric(lines[0]) == 371 and lines[-1] == f":{SERVER} 374 {a_n} :End of INFO list"
    assert [numeric(l) for l in a.command("ADMIN")] == [256, 257, 258, 259]
    assert [numeric(l) for l in a.command("ADMIN other.example")] == [402]
    lines = a.command("LUSERS")
    assert [numeric(l) for l in lines] == [251, 254, 255, 265, 266]
    assert f"Current local users " in lines[3] and ", max " in lines[3]


def test_invite_to_a_channel_that_does_not_exist(port):
    a_n, b_n = nick("inva"), nick("invb")
    a = registered(port, a_n)
    b = registered(port, b_n)
    ch = "#" + nick("notyet")
    assert a.command(f"INVITE {b_n} {ch}") == [f":{SERVER} 341 {a_n} {b_n} {ch}"]
    b.expect(f":{a_n}!~{a_n}@127.0.0.1 INVITE {b_n} :{ch}")


def test_invalid_mode_params_696_and_several_modes(port):
    a_n, b_n, c_n = nick("ma"), nick("mb"), nick("mc")
    a, b, c = registered(port, a_n), registered(port, b_n), registered(port, c_n)
    ch = "#" + nick("modes")
    for x in (a, b, c):
        x.command(f"JOIN {ch}")
    a.sync()
    assert a.command(f"MODE {ch} +l many") == [
        f":{SERVER} 696 {a_n} {ch} l many :Invalid limit: a positive number"]
    assert [numeric(l) for l in a.command(f"MODE {ch} +k a,b")] == [696]
    mine = f":{a_n}!~{a_n}@127.0.0.1 MODE {ch}"
    assert a.command(f"MODE {ch} +ov {b_n} {c_n}") == [f"{mine} +ov {b_n} {c_n}"]
    b.expect(f"{mine} +ov {b_n} {c_n}")
    assert a.command(f"MODE {ch} +lk 10 key") == [f"{mine} +lk 10 key"]
    assert a.command(f"MODE {ch} -o+v {b_n} {b_n}") == [f"{mine} -o+v {b_n} {b_n}"]
    lines = a.command(f"MODE {ch} +yz")
    assert [numeric(l) for l in lines] == [472, 472]
    assert count(lines, " 472 ") == 2


def test_whowas(port):
    a_n, b_n = nick("wwa"), nick("wwb")
    a = registered(port, a_n)
    b = registered(port, b_n, realname="Gone Soon")
    b.send("QUIT :bye")
    b.wait_closed()
    lines = a.command(f"WHOWAS {b_n}")
    assert [numeric(l) for l in lines] == [314, 312, 369]
    assert lines[0] == f":{SERVER} 314 {a_n} {b_n} ~{b_n} 127.0.0.1 * :Gone Soon"
    assert lines[1].startswith(f":{SERVER} 312 {a_n} {b_n} {SERVER} :")
    assert [numeric(l) for l in a.command("WHOWAS never-here")] == [406, 369]


def test_list_masks_and_counts(port):
    a_n, b_n = nick("la"), nick("lb")
    a, b = registered(port, a_n), registered(port, b_n)
    base = "#" + nick("lst")
    a.command(f"JOIN {base}one,{base}two,#{nick('other')}")
    b.command(f"JOIN {base}two")
    a.sync()

    def listed(args):
        return sorted(l.split()[3] for l in a.command(f"LIST {args}") if numeric(l) == 322)
    assert listed(f"{base}*") == [f"{base}one", f"{base}two"]
    assert listed(f"{base}*,>1") == [f"{base}two"]
    assert listed(f"{base}*,<2") == [f"{base}one"]
    assert f"{base}one" not in listed(f"!{base}*")


def test_ban_exception_and_invite_exception_lists(port):
    op_n, b_n, c_n = nick("bop"), nick("bb"), nick("bc")
    op, b, c = registered(port, op_n), registered(port, b_n), registered(port, c_n)
    ch = "#" + nick("bans")
    op.command(f"JOIN {ch}")
    assert op.command(f"MODE {ch} +b {b_n}") == [f":{op_n}!~{op_n}@127.0.0.1 MODE {ch} +b {b_n}!*@*"]
    assert b.command(f"JOIN {ch}") == [f":{SERVER} 474 {b_n} {ch} :Cannot join channel (+b)"]
    lines = c.command(f"MODE {ch} b")
    assert [numeric(l) for l in lines] == [367, 368]
    assert lines[0].startswith(f":{SERVER} 367 {c_n} {ch} {b_n}!*@* {op_n} ")
    op.command(f"MODE {ch} +e *!~{b_n}@*")
    assert [numeric(l) for l in c.command(f"MODE {ch} e")] == [348, 349]
    lines = b.command(f"JOIN {ch}")
    assert lines[0] == f":{b_n}!~{b_n}@127.0.0.1 JOIN {ch}"
    # A banned member (no exception) may not speak.
    c.command(f"JOIN {ch}")
    op.command(f"MODE {ch} +b {c_n}")
    c.expect(f"MODE {ch} +b {c_n}!*@*")
    assert c.command(f"PRIVMSG {ch} :hello") == [f":{SERVER} 404 {c_n} {ch} :Cannot send to channel"]
    # +I lets a matching user into a +i channel.
    d_n = nick("bd")
    d = registered(port, d_n)
    op.command(f"MODE {ch} +iI {d_n}")
    assert [numeric(l) for l in d.command(f"MODE {ch} I")] == [346, 347]
    assert d.command(f"JOIN {ch}")[0] == f":{d_n}!~{d_n}@127.0.0.1 JOIN {ch}"


# ---- across federated nodes (two nodes on Debian's redis-server)

@pytest.fixture(scope="module")
def fed(two_nodes):
    return two_nodes


def test_federated_who_whowas_userhost_invite(fed):
    from federation_helpers import wait_whois
    n1, n2 = (n.name for n in fed.nodes)
    a = fed.client(0, nick("fwa"))
    b = fed.client(1, nick("fwb"), realname="Far Away")
    wait_whois(a, b.nick)
    lines = a.numeric_lines(f"WHO {b.nick[:4]}*")
    assert f":{n1} 352 {a.nick} * ~{b.user} 127.0.0.1 {n2} {b.nick} H :0 Far Away" in lines
    lines = a.numeric_lines(f"WHO {b.nick} %tnsr,5")
    assert lines[0] == f":{n1} 354 {a.nick} 5 {n2} {b.nick} :Far Away"
    assert a.numeric_lines(f"USERHOST {b.nick}") == [f":{n1} 302 {a.nick} :{b.nick}=+~{b.user}@127.0.0.1"]
    ch = "#" + nick("fnew")
    assert a.numeric_lines(f"INVITE {b.nick} {ch}") == [f":{n1} 341 {a.nick} {b.nick} {ch}"]
    b.wait_for(f":{a.prefix} INVITE {b.nick} :{ch}")
    b.send("QUIT :later")
    b.wait_closed()
    from hiconn_harness import wait_until
    wait_until(lambda: numeric(a.numeric_lines(f"WHOWAS {b.nick}")[0]) == 314, timeout=30,
               what="WHOWAS of the remote user")


def test_federated_ban_lists(fed):
    from federation_helpers import make_channel
    n1, n2 = (n.name for n in fed.nodes)
    a = fed.client(0, nick("fba"))
    b = fed.client(1, nick("fbb"))
    m = fed.client(1, nick("fbm"))
    ch = "#" + nick("fbans")
    make_channel(ch, a, m)
    mark = m.mark()
    a.send(f"MODE {ch} +b {b.nick}")
    m.wait_for(f":{a.prefix} MODE {ch} +b {b.nick}!*@*", since=mark)
    assert b.numeric_lines(f"JOIN {ch}") == [f":{n2} 474 {b.nick} {ch} :Cannot join channel (+b)"]
    lines = b.numeric_lines(f"MODE {ch} b")
    assert [numeric(l) for l in lines] == [367, 368]
    a.send(f"MODE {ch} +e {b.nick}")
    m.wait_for(f":{a.prefix} MODE {ch} +e {b.nick}!*@*", since=mark)
    assert b.command(f"JOIN {ch}")[0] == f":{b.prefix} JOIN {ch}"


# ---- STATUSMSG, LINKS, HELP, KNOCK, MONITOR

def test_statusmsg(port):
    op, v, p = (registered(port, nick(b)) for b in ("smo", "smv", "smp"))
    ch = "#" + nick("sm")
    for c in (op, v, p):
        c.command(f"JOIN {ch}")
    op.command(f"MODE {ch} +v {v.nick}")
    v.sync(), p.sync()
    pp = f"{p.nick}!~{p.nick}@127.0.0.1"
    p.send(f"PRIVMSG @{ch} :ops only")
    op.expect(f":{pp} PRIVMSG @{ch} :ops only")
    assert not any("ops only" in l for l in v.sync())
    p.send(f"NOTICE +{ch} :voices")
    op.expect(f":{pp} NOTICE +{ch} :voices")
    v.expect(f":{pp} NOTICE +{ch} :voices")
    assert not any("voices" in l for l in p.sync())
    assert any(" STATUSMSG=@+ " in l for l in p.command("VERSION"))


def test_federated_statusmsg(fed):
    from federation_helpers import make_channel
    a = fed.client(0, nick("fsa"))
    b = fed.client(1, nick("fsb"))
    m = fed.client(1, nick("fsm"))
    ch = "#" + nick("fsm")
    make_channel(ch, a, b, m)
    mark, mark_m = a.mark(), m.mark()
    b.send(f"PRIVMSG @{ch} :remote ops")
    a.wait_for(f":{b.prefix} PRIVMSG @{ch} :remote ops", since=mark)
    m.sync()
    assert m.count("remote ops", since=mark_m) == 0


def test_links_and_help(port):
    c = registered(port, nick("lh"))
    lines = c.command("LINKS")
    assert [numeric(l) for l in lines] == [364, 365]
    assert lines[0].startswith(f":{SERVER} 364 {c.nick} * {SERVER} :0 ")
    lines = c.command("HELP privmsg")
    assert [numeric(l) for l in lines] == [704, 705, 706]
    assert lines[0] == f":{SERVER} 704 {c.nick} privmsg :PRIVMSG target[,target] :text"
    assert [numeric(l) for l in c.command("HELPOP")] == [704, 705, 706]
    assert c.command("HELP nosuch") == [f":{SERVER} 524 {c.nick} nosuch :No help available on this topic"]


def test_federated_links(fed):
    from federation_helpers import wait_whois
    n1, n2 = (n.name for n in fed.nodes)
    a = fed.client(0, nick("fla"))
    b = fed.client(1, nick("flb"))
    wait_whois(a, b.nick)
    lines = a.numeric_lines("LINKS")
    assert lines[0].startswith(f":{n1} 364 {a.nick} * {n1} :0 ")
    assert any(l.startswith(f":{n1} 364 {a.nick} * {n2} :1 ") for l in lines)
    assert numeric(lines[-1]) == 365


def test_knock(port):
    op, k = registered(port, nick("ko")), registered(port, nick("kk"))
    ch = "#" + nick("knock")
    op.command(f"JOIN {ch}")
    assert k.command(f"KNOCK {ch}") == [f":{SERVER} 713 {k.nick} {ch} :Channel is open"]
    op.command(f"MODE {ch} +i")
    assert k.command(f"KNOCK {ch} :please") == [f":{SERVER} 711 {k.nick} {ch} :Your KNOCK has been delivered"]
    op.expect(f":{SERVER} 710 {op.nick} {ch} {k.nick}!~{k.nick}@127.0.0.1 :please")
    assert k.numerics_of(f"KNOCK {ch}") == [712]
    assert op.numerics_of(f"KNOCK {ch}") == [714]
    assert any(" KNOCK " in l for l in k.command("VERSION"))


def test_monitor(port):
    w = registered(port, nick("mw"))
    t = nick("mt")
    assert w.command(f"MONITOR + {t}") == [f":{SERVER} 731 {w.nick} :{t}"]
    c = registered(port, t)
    w.expect(f":{SERVER} 730 {w.nick} :{t}!~{t}@127.0.0.1")
    c.send("QUIT")
    w.expect(f":{SERVER} 731 {w.nick} :{t}")
    assert [numeric(l) for l in w.command("MONITOR L")] == [732, 733]
    w.command("MONITOR C")
    assert [numeric(l) for l in w.command("MONITOR L")] == [733]
    assert any(" MONITOR=100 " in l for l in w.command("VERSION"))
