"""The chat workload over real sockets against the real binary: every command and every
error numeric of docs/chat.md."""
import itertools
import threading

import pytest

from chat_helpers import SERVER, Client, chat_server, count, numeric, registered

_ids = itertools.count()


def nick(base):
    return f"{base}{next(_ids)}"


# Every test on this server runs twice: replies flushed after each batch of events, and
# held back by send.coalesce_ms (closes, QUIT and numerics must come out the same).
@pytest.fixture(scope="module", params=[0, 25], ids=["flush", "coalesce25ms"])
def server(request):
    with chat_server(chat={"motd": "first line\nsecond line"}, send={"coalesce_ms": request.param}) as s:
        yield s


@pytest.fixture
def port(server):
    return server.port


def test_registration_burst(port):
    c = Client(port)
    lines = c.register("Reg1", user="ru", realname="Real Name")
    nums = [numeric(l) for l in lines if numeric(l) is not None]
    assert nums[:5] == [1, 2, 3, 4, 5]
    assert lines[0] == f":{SERVER} 001 Reg1 :Welcome to the TestNet Internet Relay Chat Network Reg1!~ru@127.0.0.1"
    isupport = next(l for l in lines if numeric(l) == 5)
    for token in ("CASEMAPPING=rfc1459", "CHANTYPES=#", "PREFIX=(ov)@+", "NICKLEN=30",
                  "CHANNELLEN=50", "CHANLIMIT=#:20", "NETWORK=TestNet"):
        assert token in isupport
    myinfo = next(l for l in lines if numeric(l) == 4)
    assert myinfo.endswith(" Biow Ibeiklmnostv")
    assert {251, 254, 255} <= set(nums)
    assert nums[-3:] == [372, 372, 376] and 375 in nums
    assert count(lines, " 372 Reg1 :- first line") == 1


def test_cap_negotiation(port):
    c = Client(port)
    c.send("CAP LS 302", "NICK Cap1", "USER cap 0 * :Cap")
    assert c.read_line() == (f":{SERVER} CAP * LS :account-notify account-tag away-notify batch cap-notify "
                             "echo-message extended-join invite-notify labeled-response message-tags multi-prefix "
                             "server-time setname standard-replies userhost-in-names")
    assert c.sync() == []  # registration waits for CAP END
    c.send("CAP REQ :sasl")  # not offered without chat.accounts (test_chat_sasl.py)
    assert c.read_line() == f":{SERVER} CAP Cap1 NAK :sasl"
    c.send("CAP END")
    assert numeric(c.read_line()) == 1
    c.expect_numeric(376)
    assert c.numerics_of("CAP BOGUS") == [410]


def test_not_registered_451_and_already_registered_462(port):
    c = Client(port)
    for line in ("JOIN #x", "PRIVMSG a :b", "WHO #x", "LIST", "NAMESX"):
        assert c.numerics_of(line) == [451], line
    c.register(nick("u"))
    assert c.numerics_of("USER a 0 * :b") == [462]
    assert c.numerics_of("PASS foo") == [462]


def test_nick_errors_and_collision(port):
    a = registered(port, "Collide[1]")
    b = Client(port)
    assert b.numerics_of("NICK") == [431]
    assert b.numerics_of("NICK :") == [431]
    assert b.numerics_of("NICK 1abc") == [432]
    assert b.numerics_of("NICK " + "x" * 31) == [432]
    reply = b.command("NICK collide{1}")  # rfc1459: [ and { are the same letter
    assert reply == [f":{SERVER} 433 * collide{{1}} :Nickname is already in use"]
    lines = b.register("Collide2")
    assert numeric(lines[0]) == 1
    assert b.numerics_of("NICK COLLIDE[1]") == [433]
    a.close()


def test_nick_change_seen_once_by_every_peer(port):
    n = nick("nc")
    changer = registered(port, n)
    peers = [registered(port, nick("ncp")) for _ in range(3)]
    outsider = registered(port, nick("nco"))
    changer.command("JOIN #nc1,#nc2")
    for p in peers:
        p.command("JOIN #nc1,#nc2")  # two shared channels: still one NICK line
    changer.sync()
    new = nick("renamed")
    changer.send(f"NICK {new}")
    expected = f":{n}!~{n}@127.0.0.1 NICK :{new}"
    assert changer.expect("NICK")[-1] == expected
    for p in peers:
        p.expect(expected)
        p.sync()
        assert count(p.history, " NICK ") == 1
    assert count(outsider.sync(), " NICK ") == 0


def test_quit_seen_once_by_each_peer(port):
    q = nick("quitter")
    quitter = registered(port, q)
    peers = [registered(port, nick("qp")) for _ in range(3)]
    quitter.command("JOIN #q1,#q2")
    for p in peers:
        p.command("JOIN #q1,#q2")
    quitter.send("QUIT :so long")
    assert quitter.wait_closed()[-1] == "ERROR :Closing Link: 127.0.0.1 (Quit: so long)"
    for p in peers:
        p.expect(f":{q}!~{q}@127.0.0.1 QUIT :Quit: so long")
        p.sync()
        assert count(p.history, " QUIT ") == 1
    assert peers[0].numerics_of(f"PRIVMSG {q} :x") == [401]


def test_quit_before_registration(port):
    c = Client(port)
    c.send("NICK early", "QUIT")
    assert c.wait_closed() == ["ERROR :Closing Link: 127.0.0.1 (Client Quit)"]


def test_close_is_not_held_back_by_coalescing():
    # A coalescing delay longer than the linger: the ERROR must still go out first (it once
    # waited for the flush timer, and the linger deadline closed the socket before it).
    with chat_server(send={"coalesce_ms": 1000}, timeouts={"linger_s": 1}) as server:
        for _ in range(3):
            c = Client(server.port)
            c.send("NICK early", "QUIT")
            assert c.wait_closed() == ["ERROR :Closing Link: 127.0.0.1 (Client Quit)"]


def test_join_part_names_topic(port):
    a_n, b_n = nick("ja"), nick("jb")
    a, b = registered(port, a_n), registered(port, b_n)
    lines = a.command("JOIN #Room1")
    assert lines == [f":{a_n}!~{a_n}@127.0.0.1 JOIN #Room1",
                     f":{SERVER} 353 {a_n} = #Room1 :@{a_n}",
                     f":{SERVER} 366 {a_n} #Room1 :End of NAMES list"]
    lines = b.command("JOIN #room1")
    assert lines[0] == f":{b_n}!~{b_n}@127.0.0.1 JOIN #Room1"
    names = next(l for l in lines if numeric(l) == 353).split(" :", 1)[1].split()
    assert sorted(names) == sorted([f"@{a_n}", b_n])
    a.expect(f":{b_n}!~{b_n}@127.0.0.1 JOIN #Room1")
    # TOPIC: +t by default, the operator sets it, everyone (the setter too) sees it once.
    assert a.numerics_of("TOPIC #room1") == [331]
    assert b.numerics_of("TOPIC #room1 :nope") == [482]
    a.send("TOPIC #room1 :Hello world")
    a.expect(f":{a_n}!~{a_n}@127.0.0.1 TOPIC #Room1 :Hello world")
    b.expect(f":{a_n}!~{a_n}@127.0.0.1 TOPIC #Room1 :Hello world")
    lines = b.command("TOPIC #Room1")
    assert [numeric(l) for l in lines] == [332, 333]
    assert lines[0] == f":{SERVER} 332 {b_n} #Room1 :Hello world"
    assert b.numerics_of("NAMES #room1") == [353, 366]
    # PART with a reason, seen by both.
    b.send("PART #room1 :bye all")
    b.expect(f":{b_n}!~{b_n}@127.0.0.1 PART #Room1 :bye all")
    a.expect(f":{b_n}!~{b_n}@127.0.0.1 PART #Room1 :bye all")
    assert b.numerics_of("PART #room1") == [442]
    assert b.numerics_of("PART #nowhere") == [403]
    # JOIN 0 leaves everything.
    assert count(a.command("JOIN 0"), " PART #Room1") == 1
    # chat.max_channels_per_client (20 here)
    lines = a.command("JOIN " + ",".join(f"#many{i}" for i in range(21)))
    assert count(lines, f" 366 {a_n} #many") == 20
    assert [numeric(l) for l in lines][-1] == 405
    assert lines[-1] == f":{SERVER} 405 {a_n} #many20 :You have joined too many channels"
    assert b.numerics_of("JOIN name") == [403]  # no "#": not a channel


def test_privmsg_notice_and_their_errors(port):
    a_n, b_n, c_n = nick("ma"), nick("mb"), nick("mc")
    a, b, c = registered(port, a_n), registered(port, b_n), registered(port, c_n)
    b.command("JOIN #msg1")
    c.command("JOIN #msg1")
    b.sync()
    # The sender does not get its own channel message back.
    assert c.command("PRIVMSG #msg1 :hi there \u00e9") == []
    assert b.expect("PRIVMSG #msg1")[-1] == f":{c_n}!~{c_n}@127.0.0.1 PRIVMSG #msg1 :hi there \u00e9"
    # Invalid UTF-8 is relayed byte for byte.
    c.send_raw(b"PRIVMSG " + b_n.encode() + b" :\xff\xfe raw\r\n")
    assert b.expect("raw")[-1].encode("utf-8", "surrogateescape").endswith(b":\xff\xfe raw")
    # Several targets, NOTICE.
    a.send(f"NOTICE {b_n},{c_n} :note")
    b.expect(f":{a_n}!~{a_n}@127.0.0.1 NOTICE {b_n} :note")
    c.expect(f":{a_n}!~{a_n}@127.0.0.1 NOTICE {c_n} :note")
    assert a.numerics_of("PRIVMSG") == [411]
    assert a.numerics_of(f"PRIVMSG {b_n}") == [412]
    assert a.numerics_of(f"PRIVMSG {b_n} :") == [412]
    assert a.numerics_of("PRIVMSG nobody-here :x") == [401]
    assert a.numerics_of("PRIVMSG #msg1 :outside") == [404]  # +n
    assert a.command("NOTICE nobody-here :x", "NOTICE #msg1 :x", "NOTICE") == []
    # AWAY: 306, 301 to a sender, 305.
    assert b.numerics_of("AWAY :lunch") == [306]
    assert a.command(f"PRIVMSG {b_n} :x") == [f":{SERVER} 301 {a_n} {b_n} :lunch"]
    assert b.numerics_of("AWAY") == [305]


def test_channel_modes_kick_invite(port):
    op_n, u_n, g_n = nick("op"), nick("us"), nick("gu")
    op, user, guest = registered(port, op_n), registered(port, u_n), registered(port, g_n)
    op.command("JOIN #modes1")
    user.command("JOIN #modes1")
    op.expect(f"JOIN #modes1")
    lines = op.command("MODE #modes1")
    assert [numeric(l) for l in lines] == [324, 329]
    assert lines[0] == f":{SERVER} 324 {op_n} #modes1 +nt"
    assert user.numerics_of("MODE #modes1 +m") == [482]
    assert op.numerics_of("MODE #modes1 +Z") == [472]
    assert op.numerics_of("MODE #modes1 +o nobody-here") == [401]
    assert op.numerics_of(f"MODE #modes1 +o {g_n}") == [441]
    assert op.numerics_of("MODE #modes1 +o") == [461]
    # +m: the unvoiced member cannot speak, +v fixes it.
    user.sync()
    op.send("MODE #modes1 +m")
    user.expect(f":{op_n}!~{op_n}@127.0.0.1 MODE #modes1 +m")
    assert user.numerics_of("PRIVMSG #modes1 :x") == [404]
    op.send(f"MODE #modes1 +v {u_n}")
    user.expect(f"MODE #modes1 +v {u_n}")
    assert user.command("PRIVMSG #modes1 :voiced") == []
    op.expect("PRIVMSG #modes1 :voiced")
    # +k / +l / +i with their JOIN errors.
    op.command("MODE #modes1 +k secret")
    assert op.numerics_of("MODE #modes1 +k other") == [467]
    assert guest.numerics_of("JOIN #modes1") == [475]
    op.command("MODE #modes1 -k+l * 2")
    assert guest.numerics_of("JOIN #modes1") == [471]
    op.command("MODE #modes1 -l+i")
    assert guest.numerics_of("JOIN #modes1") == [473]
    assert user.numerics_of(f"INVITE {g_n} #modes1") == [482]
    assert guest.numerics_of(f"INVITE {op_n} #modes1") == [442]
    assert op.numerics_of(f"INVITE {u_n} #modes1") == [443]
    assert op.command(f"INVITE {g_n} #modes1") == [f":{SERVER} 341 {op_n} {g_n} #modes1"]
    guest.expect(f":{op_n}!~{op_n}@127.0.0.1 INVITE {g_n} :#modes1")
    assert guest.numerics_of("JOIN #modes1") == [353, 366]
    # KICK
    assert user.numerics_of(f"KICK #modes1 {g_n}") == [482]
    op.send(f"KICK #modes1 {g_n} :out")
    kick = f":{op_n}!~{op_n}@127.0.0.1 KICK #modes1 {g_n} :out"
    for c in (op, user, guest):
        c.expect(kick)
    assert op.numerics_of(f"KICK #modes1 {g_n}") == [441]
    assert guest.numerics_of(f"KICK #modes1 {u_n}") == [442]
    assert op.numerics_of("KICK #nowhere x") == [403]
    assert op.numerics_of("KICK #modes1") == [461]


def test_user_modes(port):
    n = nick("um")
    c = registered(port, n)
    other = registered(port, nick("umo"))
    assert c.command(f"MODE {n}") == [f":{SERVER} 221 {n} +"]
    assert c.command(f"MODE {n} +i") == [f":{n} MODE {n} :+i"]
    assert c.command(f"MODE {n}") == [f":{SERVER} 221 {n} +i"]
    assert c.numerics_of(f"MODE {n} +z") == [501]
    assert c.command(f"MODE {n} +o") == []  # only OPER gives +o
    assert c.numerics_of(f"MODE {other.nick}") == [502]


def test_who_whois_ison_list_lusers_motd(port):
    a_n, b_n = nick("qa"), nick("qb")
    a, b = registered(port, a_n, realname="Alice Q"), registered(port, b_n)
    a.command("JOIN #query1", "TOPIC #query1 :about things")
    b.command("JOIN #query1")
    lines = b.command("WHO #query1")
    assert [numeric(l) for l in lines] == [352, 352, 315]
    assert f":{SERVER} 352 {b_n} #query1 ~{a_n} 127.0.0.1 {SERVER} {a_n} H@ :0 Alice Q" in lines
    assert b.numerics_of(f"WHO {a_n}") == [352, 315]
    lines = b.command(f"WHOIS {a_n}")
    assert [numeric(l) for l in lines] == [311, 319, 312, 318]
    assert lines[0] == f":{SERVER} 311 {b_n} {a_n} ~{a_n} 127.0.0.1 * :Alice Q"
    assert lines[1] == f":{SERVER} 319 {b_n} {a_n} :@#query1"
    assert b.numerics_of("WHOIS nobody-here") == [401, 318]
    assert b.command(f"ISON nobody {a_n.upper()} {b_n}") == [f":{SERVER} 303 {b_n} :{a_n} {b_n}"]
    lines = b.command("LIST #query1")
    assert lines[1] == f":{SERVER} 322 {b_n} #query1 2 :about things"
    assert [numeric(l) for l in lines] == [321, 322, 323]
    assert [numeric(l) for l in b.command("LUSERS")] == [251, 254, 255, 265, 266]
    assert [numeric(l) for l in b.command("MOTD")] == [375, 372, 372, 376]


def test_unknown_command_421_and_arity_461(port):
    c = registered(port, nick("uk"))
    assert c.command("FROBNICATE x") == [f":{SERVER} 421 {c.nick} FROBNICATE :Unknown command"]
    for line in ("JOIN", "PART", "TOPIC", "KICK #a", "INVITE x", "WHOIS", "ISON", "MODE", "PING", "USER"):
        assert c.numerics_of(line) in ([461], [462]), line


def test_ping_pong_and_malformed_input(port):
    c = registered(port, nick("pp"))
    assert c.command("PING :abc") == [f":{SERVER} PONG {SERVER} :abc"]
    c.send_raw(b"\r\n   \r\n\n")            # empty lines: ignored
    c.send_raw(b"PRIVMSG x :a\x00b\r\n")    # NUL: dropped
    c.send_raw(b"PING bare-lf\n")           # bare LF works
    assert count(c.sync(), "bare-lf") == 1
    # 512 bytes with CRLF pass, longer gets 417 and the stream continues.
    c.send_raw(b"PING :" + b"x" * 504 + b"\r\n")
    c.send_raw(b"PRIVMSG nobody :" + b"y" * 600 + b"\r\n")
    lines = c.sync()
    assert count(lines, "PONG") == 1
    assert [numeric(l) for l in lines if numeric(l)] == [417]
    assert lines[-1] == f":{SERVER} 417 {c.nick} :Input line was too long"


def test_no_newline_past_max_line_bytes_closes(port):
    c = registered(port, nick("ov"))
    c.send_raw(b"PRIVMSG x :" + b"z" * 5000)
    assert c.wait_closed()[-1] == "ERROR :Closing Link: 127.0.0.1 (Input line was too long)"


def test_ipv6_client():
    with chat_server(listen=["[::1]:0"]) as server:
        c = Client(server.port, host="::1")
        lines = c.register("six")
        assert lines[0].endswith("six!~six@0::1")  # a host must not start with ':'
        c.send("QUIT")
        assert c.wait_closed()[-1] == "ERROR :Closing Link: 0::1 (Client Quit)"


@pytest.mark.parametrize("wrong", [None, "bad"])
def test_password(wrong):
    with chat_server(chat={"password": "letmein"}) as s:
        ok = Client(s.port)
        assert numeric(ok.register("pw1", password="letmein")[0]) == 1
        c = Client(s.port)
        if wrong is not None:
            c.send(f"PASS {wrong}")
        c.send("NICK pw2", "USER pw2 0 * :x")
        lines = c.wait_closed()
        assert [numeric(l) for l in lines] == [464, None]
        assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (Bad Password)"


def test_idle_ping_and_ping_timeout():
    with chat_server(chat={"ping_timeout_s": 1}, timeouts={"idle_s": 1}) as s:
        alive, dead = registered(s.port, "alive"), registered(s.port, "dead")
        alive.command("JOIN #idle")
        dead.command("JOIN #idle")
        seen = []

        def answer_pings():  # "alive" answers every PING until it sees dead's QUIT
            while True:
                line = alive.read_until(lambda l: l.startswith("PING") or " QUIT " in l, timeout=30)[-1]
                if line.startswith("PING"):
                    alive.send("PONG :" + line.split(":", 1)[1])
                    continue
                seen.append(line)
                return

        helper = threading.Thread(target=answer_pings)
        helper.start()
        # "dead" never answers.
        assert dead.read_until(lambda l: l.startswith("PING"), timeout=20)[-1] == f"PING :{SERVER}"
        lines = dead.wait_closed(timeout=20)
        assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (Ping timeout: 1 seconds)"
        helper.join(timeout=40)
        assert seen == [":dead!~dead@127.0.0.1 QUIT :Ping timeout: 1 seconds"]


def test_server_full():
    with chat_server(limits={"max_connections": 2}, accept={"on_limit": "reject"}) as s:
        a, b = registered(s.port, "full1"), registered(s.port, "full2")
        c = Client(s.port)
        assert c.wait_closed() == ["ERROR :Server full"]
        a.close()
        b.close()


def test_too_many_connections_from_one_ip():
    with chat_server(limits={"max_connections_per_ip": 1}) as s:
        a = registered(s.port, "perip1")
        c = Client(s.port)
        assert c.wait_closed() == ["ERROR :Closing Link: (Too many connections from your IP)"]
        a.close()


def test_excess_flood():
    with chat_server(chat={"flood": {"messages_per_second": 1, "burst": 5, "max_queued": 20}}) as s:
        flooder, watcher = registered(s.port, "flooder"), registered(s.port, "watcher")
        flooder.command("JOIN #flood")
        watcher.command("JOIN #flood")
        flooder.send(*(["PRIVMSG #flood :spam"] * 100))
        assert flooder.wait_closed(timeout=20)[-1] == "ERROR :Closing Link: 127.0.0.1 (Excess Flood)"
        lines = watcher.expect(":flooder!~flooder@127.0.0.1 QUIT :Excess Flood")
        assert count(lines, "spam") <= 5


def test_flood_delays_but_keeps_order():
    with chat_server(chat={"flood": {"messages_per_second": 5, "burst": 3, "max_queued": 50}}) as s:
        c = registered(s.port, "slowpoke")
        c.send(*[f"PING :n{i}" for i in range(10)])
        pongs = [l.rsplit(":", 1)[1] for l in c.read_until(lambda l: l.endswith(":n9"), timeout=20)
                 if " PONG " in l]
        assert pongs == [f"n{i}" for i in range(10)]
