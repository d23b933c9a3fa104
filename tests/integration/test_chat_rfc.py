"""The RFC 2812 / Modern IRC additions over real sockets against the real binary: the
registration timeout, USER's 461, WHO masks and WHOX, USERHOST, TIME/VERSION/INFO/ADMIN,
LUSERS 265/266, INVITE to a channel not created yet, 696 and several modes in one MODE."""
import itertools

import pytest

from chat_helpers import SERVER, Client, chat_server, count, numeric, registered

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
