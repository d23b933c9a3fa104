"""Federation: three hiconn chat nodes on one Redis form one IRC network. Everything a client
can do works the same when its peers are on other nodes, and each effect reaches each peer
exactly once. Plus the start-up refusals and the federation metrics.

Events cross nodes asynchronously: every check waits (bounded) for the effect, and "nothing
more came" is checked after a fence (fence(): a message from the origin's node read by each
observer, then a PING round trip on each connection)."""
import time

import pytest

from chat_helpers import numeric
from federation_helpers import (CROSS, FEDERATION_METRICS, NETWORK, Network, Node, fence,
                                list_entry, make_channel, names_of, nick, register_eventually,
                                scrape, token, wait_ison, wait_list, wait_lusers, wait_names,
                                wait_whois)
from hiconn_harness import wait_until


@pytest.fixture(scope="module")
def net():
    network = Network(3)
    try:
        network.start()
        yield network
    finally:
        network.close()


@pytest.fixture
def fed(net):
    """The module's network; the clients a test made are closed after it."""
    yield net
    net.close_clients()


def chan(base):
    return f"#{base}{token('c')}"


def node_names(net):
    return [n.name for n in net.nodes]


# ----------------------------------------------------------------------------- nicks

def test_nick_in_use_on_any_node_gets_433(fed):
    taken = f"Uq[{nick('')}]"
    folded = taken.lower().replace("[", "{").replace("]", "}")  # rfc1459: [ ] are { }
    a = fed.client(0, taken)
    n2, n3 = fed.nodes[1].name, fed.nodes[2].name
    # An unregistered client on another node asking for it (another case): 433, no 001.
    b = fed.connect(1)
    b.send(f"NICK {folded}", "USER qb 0 * :QB")
    lines = b.expect_numeric(433, timeout=CROSS)
    assert lines[-1] == f":{n2} 433 * {folded} :Nickname is already in use", lines
    after = b.sync()  # everything queued before this PONG: a 001 would be in it
    assert [numeric(l) for l in after if numeric(l) is not None] == [], after
    assert 1 not in [numeric(l) for l in lines], lines
    # It can still register with a free nick.
    b.nick = nick("qb")
    b.user = "qb"
    b.send(f"NICK {b.nick}")
    b.expect_numeric(1, timeout=CROSS)
    b.expect_numeric(422)
    # A registered client on the third node changing to it: 433, keeps its nick.
    c = fed.client(2, nick("qc"))
    upper = taken.upper()
    lines = c.numeric_lines(f"NICK {upper}")
    assert lines == [f":{n3} 433 {c.nick} {upper} :Nickname is already in use"]
    # The owner is untouched and seen everywhere as itself.
    for viewer in (b, c):
        whois = wait_whois(viewer, folded)
        assert [numeric(l) for l in whois] == [311, 312, 318], whois
        assert whois[0].split()[3] == taken
        assert whois[1].split()[4] == fed.nodes[0].name
    assert a.sync() == []


def test_simultaneous_registration_of_one_nick_one_wins(fed):
    for round_ in range(3):
        wanted = nick("race")
        b, c = fed.connect(1), fed.connect(2)
        for cl in (b, c):
            cl.nick, cl.user = wanted, "race"
        b.send(f"NICK {wanted}", "USER race 0 * :Race")
        c.send(f"NICK {wanted}", "USER race 0 * :Race")
        outcome = {}
        for cl in (b, c):
            lines = cl.read_until(lambda l: numeric(l) in (1, 433), timeout=CROSS,
                                  what="001 or 433")
            outcome[cl] = numeric(lines[-1])
        if sorted(outcome.values()) != [1, 433]:
            after = {cl.server_name: [l for l in cl.sync() if numeric(l) is None or numeric(l) > 400]
                     for cl in (b, c)}
            raise AssertionError(f"round {round_}: NICK {wanted} at once on {b.server_name} and "
                                 f"{c.server_name}: {[outcome[b], outcome[c]]}; then {after}")
        winner = b if outcome[b] == 1 else c
        loser = c if winner is b else b
        loser.nick = nick("lose")
        loser.send(f"NICK {loser.nick}")
        loser.expect_numeric(1, timeout=CROSS)
        loser.expect_numeric(422)
        # Every node agrees on who holds it.
        viewer = fed.client(0, nick("rv"))
        whois = wait_whois(viewer, wanted)
        assert [numeric(l) for l in whois] == [311, 312, 318], whois
        assert whois[1].split()[4] == winner.server_name


def test_nick_change_seen_once_by_peers_on_every_node(fed):
    old = nick("nc")
    changer = fed.client(0, old)
    local_peer = fed.client(0, nick("ncl"))
    peers = [fed.client(1, nick("ncp")), fed.client(2, nick("ncp"))]
    outsider = fed.client(1, nick("nco"))
    ch1, ch2 = chan("nca"), chan("ncb")
    make_channel(ch1, changer, local_peer, *peers)
    make_channel(ch2, changer, *peers)  # two shared channels: still one NICK line
    marks = {c: c.mark() for c in (changer, local_peer, *peers, outsider)}
    new = nick("ncn")
    changer.send(f"NICK {new}")
    expected = f":{old}!~{old}@127.0.0.1 NICK :{new}"
    assert changer.wait_for(" NICK ", since=marks[changer]) == expected
    changer.nick = new
    for p in (local_peer, *peers):
        p.wait_for(expected, since=marks[p])
    fence(changer, [local_peer, *peers, outsider])
    for c in (changer, local_peer, *peers):
        assert c.count_exact(expected, since=marks[c]) == 1, (c.nick, c.history[marks[c]:])
    assert outsider.count(" NICK ", since=marks[outsider]) == 0
    # The names follow everywhere; the old nick is free network-wide, the new one is taken.
    for c in (local_peer, *peers):
        wait_names(c, ch2, sorted([f"@{new}", *(p.nick for p in peers)]))
    taker = register_eventually(fed, 2, old)
    assert taker.nick == old
    probe = fed.connect(1)
    probe.send(f"NICK {new}", "USER p 0 * :p")
    assert probe.expect_numeric(433, timeout=CROSS)[-1] == \
        f":{fed.nodes[1].name} 433 * {new} :Nickname is already in use"


# ----------------------------------------------------------------------------- channels

def test_join_part_across_nodes(fed):
    n1, n2, n3 = node_names(fed)
    ch = "#FedJ" + token("")
    a, b, c = fed.client(0, nick("ja")), fed.client(1, nick("jb")), fed.client(2, nick("jc"))
    assert a.command(f"JOIN {ch}") == [f":{a.prefix} JOIN {ch}",
                                      f":{n1} 353 {a.nick} = {ch} :@{a.nick}",
                                      f":{n1} 366 {a.nick} {ch} :End of NAMES list"]
    wait_names(b, ch, [f"@{a.nick}"])
    # The channel keeps the case it was created with, whichever node one joins from.
    lines = b.command(f"JOIN {ch.lower()}")
    assert lines[0] == f":{b.prefix} JOIN {ch}"
    assert [numeric(l) for l in lines[1:]] == [353, 366]
    assert sorted(lines[1].split(" :", 1)[1].split()) == sorted([f"@{a.nick}", b.nick])
    assert lines[1].startswith(f":{n2} 353 {b.nick} = {ch} :")
    wait_names(c, ch, [f"@{a.nick}", b.nick])
    lines = c.command(f"JOIN {ch.upper()}")
    assert lines[0] == f":{c.prefix} JOIN {ch}"
    assert sorted(lines[1].split(" :", 1)[1].split()) == sorted([f"@{a.nick}", b.nick, c.nick])
    a.wait_for(f":{b.prefix} JOIN {ch}")
    a.wait_for(f":{c.prefix} JOIN {ch}")
    b.wait_for(f":{c.prefix} JOIN {ch}")
    fence(b, [a, c])
    fence(c, [a, b])
    assert a.count_exact(f":{b.prefix} JOIN {ch}") == 1
    assert a.count_exact(f":{c.prefix} JOIN {ch}") == 1
    assert b.count_exact(f":{b.prefix} JOIN {ch}") == 1
    assert b.count_exact(f":{c.prefix} JOIN {ch}") == 1
    assert c.count_exact(f":{c.prefix} JOIN {ch}") == 1
    assert c.count(f":{b.prefix} JOIN") == 0  # before c was there
    # PART with a reason: everyone, the leaver too, sees it once.
    marks = {x: x.mark() for x in (a, b, c)}
    b.send(f"PART {ch} :bye all")
    part = f":{b.prefix} PART {ch} :bye all"
    for x in (a, b, c):
        x.wait_for(part, since=marks[x])
    fence(b, [a, c])
    for x in (a, b, c):
        assert x.count_exact(part, since=marks[x]) == 1, x.nick
    assert b.numeric_lines(f"PART {ch}") == [f":{n2} 442 {b.nick} {ch} :You're not on that channel"]
    wait_names(a, ch, [f"@{a.nick}", c.nick])
    wait_names(c, ch, [f"@{a.nick}", c.nick])
    # An empty channel disappears from every node.
    wait_list(b, ch, (2, ""))
    c.command(f"PART {ch}")
    a.command(f"PART {ch}")
    for x in (a, b, c):
        wait_list(x, ch, None)
    assert c.numeric_lines(f"PART {ch}")[0].split()[1] in ("403", "442")


def test_topic_on_join_and_change_seen_once_everywhere(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("tp")
    a, b, c = fed.client(0, nick("ta")), fed.client(1, nick("tb")), fed.client(2, nick("tc"))
    a.command(f"JOIN {ch}")
    a.send(f"TOPIC {ch} :Hello world")
    a.wait_for(f":{a.prefix} TOPIC {ch} :Hello world")
    # Joining from another node once the topic got there: 332 and 333.
    wait_list(c, ch, (1, "Hello world"))
    lines = c.command(f"JOIN {ch}")
    assert [numeric(l) for l in lines] == [None, 332, 333, 353, 366], lines
    assert lines[1] == f":{n3} 332 {c.nick} {ch} :Hello world"
    setter, when = lines[2].split()[4:6]
    assert lines[2].startswith(f":{n3} 333 {c.nick} {ch} ")
    assert setter.split("!")[0] == a.nick and when.isdigit(), lines[2]
    assert abs(int(when) - time.time()) < 600
    wait_list(b, ch, (2, "Hello world"))
    assert [numeric(l) for l in b.command(f"JOIN {ch}")] == [None, 332, 333, 353, 366]
    wait_names(a, ch, [f"@{a.nick}", b.nick, c.nick])
    # +t (the default): a non-operator on another node is refused.
    assert b.numeric_lines(f"TOPIC {ch} :nope") == [
        f":{n2} 482 {b.nick} {ch} :You're not channel operator"]
    marks = {x: x.mark() for x in (a, b, c)}
    a.send(f"TOPIC {ch} :Second topic")
    change = f":{a.prefix} TOPIC {ch} :Second topic"
    for x in (a, b, c):
        x.wait_for(change, since=marks[x])
    fence(a, [b, c])
    for x in (a, b, c):
        assert x.count_exact(change, since=marks[x]) == 1, x.nick
        assert x.count(" TOPIC ", since=marks[x]) == 1, x.history[marks[x]:]
    lines = c.numeric_lines(f"TOPIC {ch}")
    assert [numeric(l) for l in lines] == [332, 333]
    assert lines[0] == f":{n3} 332 {c.nick} {ch} :Second topic"
    wait_list(b, ch, (3, "Second topic"))


# ----------------------------------------------------------------------------- messages

def test_privmsg_and_notice_reach_each_recipient_once(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("pm")
    a, a2 = fed.client(0, nick("ma")), fed.client(0, nick("ma"))
    b, c = fed.client(1, nick("mb")), fed.client(2, nick("mc"))
    outsider = fed.client(1, nick("mo"))
    make_channel(ch, a, a2, b, c)
    everyone = (a, a2, b, c, outsider)
    marks = {x: x.mark() for x in everyone}
    sent = []  # (sender, recipients, line)

    def say(sender, command, target, recipients):
        text = f"{command.lower()} {token('m')} \u00e9"
        assert sender.numeric_lines(f"{command} {target} :{text}") == []
        for r in recipients:
            line = f":{sender.prefix} {command} {r.nick if target != ch else ch} :{text}"
            sent.append((sender, r, line, text))

    say(a, "PRIVMSG", ch, [a2, b, c])
    say(b, "NOTICE", ch, [a, a2, c])
    say(c, "PRIVMSG", ch, [a, a2, b])
    say(c, "PRIVMSG", a.nick, [a])
    say(a, "PRIVMSG", b.nick, [b])
    say(b, "NOTICE", c.nick, [c])
    # Several targets on several nodes at once.
    text = f"multi {token('m')}"
    assert a.numeric_lines(f"PRIVMSG {b.nick},{c.nick},{a2.nick} :{text}") == []
    for r in (b, c, a2):
        sent.append((a, r, f":{a.prefix} PRIVMSG {r.nick} :{text}", text))
    # A nick in another case reaches its owner.
    text = f"case {token('m')}"
    assert b.numeric_lines(f"PRIVMSG {c.nick.upper()} :{text}") == []
    sent.append((b, c, f":{b.prefix} PRIVMSG {c.nick} :{text}", text))
    for _, r, line, _ in sent:
        r.wait_for(line, since=marks[r])
    for src in (a, b, c):
        fence(src, [x for x in (a, a2, b, c) if x is not src])
    for _, r, line, _ in sent:
        assert r.count_exact(line, since=marks[r]) == 1, (r.nick, line)
    for sender, _, _, text in sent:  # the sender never gets its own
        assert sender.count(text, since=marks[sender]) == 0, (sender.nick, text)
    for x in everyone:  # nobody got a message meant for others
        got = sum(1 for _, r, _, t in sent if r is x)
        assert sum(x.count(t, since=marks[x]) for t in {t for _, _, _, t in sent}) == got, x.nick
    # The errors, whatever node the channel or nick lives on.
    assert outsider.numeric_lines(f"PRIVMSG {ch} :outside") == [
        f":{n2} 404 {outsider.nick} {ch} :Cannot send to channel"]
    assert outsider.numeric_lines(f"NOTICE {ch} :outside") == []
    assert c.numeric_lines("PRIVMSG nobody-here :x") == [
        f":{n3} 401 {c.nick} nobody-here :No such nick/channel"]
    fence(outsider, [a, b])
    for x in (a, a2, b, c):
        assert x.count("outside") == 0


def test_operator_rights_hold_on_every_node(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("op")
    a, b = fed.client(0, nick("oa")), fed.client(1, nick("ob"))
    c, d = fed.client(2, nick("oc")), fed.client(2, nick("od"))
    make_channel(ch, a, b, c, d)
    members = (a, b, c, d)
    # Non-operators get 482 whatever node they are on.
    for x in (b, c):
        assert x.numeric_lines(f"MODE {ch} +m") == [
            f":{x.server_name} 482 {x.nick} {ch} :You're not channel operator"]
        assert [numeric(l) for l in x.numeric_lines(f"KICK {ch} {d.nick}")] == [482]
        assert [numeric(l) for l in x.numeric_lines(f"MODE {ch} +o {x.nick}")] == [482]
    # A remote op gives +o; the new op (on another node) then kicks and sets modes.
    marks = {x: x.mark() for x in members}
    a.send(f"MODE {ch} +o {b.nick}")
    mode = f":{a.prefix} MODE {ch} +o {b.nick}"
    for x in members:
        x.wait_for(mode, since=marks[x])
    b.send(f"KICK {ch} {d.nick} :out you go")
    kick = f":{b.prefix} KICK {ch} {d.nick} :out you go"
    for x in members:
        x.wait_for(kick, since=marks[x])
    b.send(f"MODE {ch} +v {c.nick}")
    voice = f":{b.prefix} MODE {ch} +v {c.nick}"
    for x in (a, b, c):
        x.wait_for(voice, since=marks[x])
    fence(a, [b, c, d])
    fence(b, [a, c, d])
    for x in members:
        assert x.count_exact(mode, since=marks[x]) == 1, x.nick
        assert x.count_exact(kick, since=marks[x]) == 1, x.nick
    for x in (a, b, c):
        assert x.count_exact(voice, since=marks[x]) == 1, x.nick
    assert d.count(voice, since=marks[d]) == 0  # kicked before
    for x in (a, b, c):
        wait_names(x, ch, [f"@{a.nick}", f"@{b.nick}", f"+{c.nick}"])
    # The kicked member is out everywhere.
    assert [numeric(l) for l in d.numeric_lines(f"PRIVMSG {ch} :x")] == [404]
    assert [numeric(l) for l in d.numeric_lines(f"PART {ch}")] == [442]
    # The remote op takes the creator's rights away; they are gone on its own node.
    marks = {x: x.mark() for x in (a, b, c)}
    b.send(f"MODE {ch} -o {a.nick}")
    deop = f":{b.prefix} MODE {ch} -o {a.nick}"
    for x in (a, b, c):
        x.wait_for(deop, since=marks[x])
    assert a.numeric_lines(f"MODE {ch} +m") == [f":{n1} 482 {a.nick} {ch} :You're not channel operator"]
    assert [numeric(l) for l in a.numeric_lines(f"KICK {ch} {c.nick}")] == [482]
    assert [numeric(l) for l in a.numeric_lines(f"TOPIC {ch} :nope")] == [482]
    # Remote-target errors: 441 for a nick that exists elsewhere but is not on the channel.
    assert [numeric(l) for l in b.numeric_lines(f"KICK {ch} {d.nick}")] == [441]
    assert [numeric(l) for l in b.numeric_lines(f"MODE {ch} +v {d.nick}")] == [441]
    for x in (a, c):
        wait_names(x, ch, [a.nick, f"@{b.nick}", f"+{c.nick}"])


def test_moderated_channel_and_voice_across_nodes(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("mo")
    a, b, c = fed.client(0, nick("va")), fed.client(1, nick("vb")), fed.client(2, nick("vc"))
    make_channel(ch, a, b, c)
    marks = {x: x.mark() for x in (a, b, c)}
    a.send(f"MODE {ch} +m")
    for x in (b, c):
        x.wait_for(f":{a.prefix} MODE {ch} +m", since=marks[x])
    for x in (b, c):  # unvoiced remote senders
        assert x.numeric_lines(f"PRIVMSG {ch} :muted") == [
            f":{x.server_name} 404 {x.nick} {ch} :Cannot send to channel"]
        assert x.numeric_lines(f"NOTICE {ch} :muted") == []
    a.send(f"MODE {ch} +v {c.nick}")
    c.wait_for(f":{a.prefix} MODE {ch} +v {c.nick}", since=marks[c])
    assert c.numeric_lines(f"PRIVMSG {ch} :voiced speaks") == []
    line = f":{c.prefix} PRIVMSG {ch} :voiced speaks"
    for x in (a, b):
        x.wait_for(line, since=marks[x])
    # The operator speaks too.
    assert a.numeric_lines(f"PRIVMSG {ch} :op speaks") == []
    for x in (b, c):
        x.wait_for(f":{a.prefix} PRIVMSG {ch} :op speaks", since=marks[x])
    fence(c, [a, b])
    fence(b, [a, c])
    fence(a, [b, c])
    for x in (a, b):
        assert x.count_exact(line, since=marks[x]) == 1
    assert c.count("voiced speaks", since=marks[c]) == 0
    for x in (a, b, c):
        assert x.count("muted", since=marks[x]) == 0, x.nick
    assert [numeric(l) for l in b.numeric_lines(f"PRIVMSG {ch} :still muted")] == [404]
    for x in (a, b, c):
        wait_names(x, ch, [f"@{a.nick}", b.nick, f"+{c.nick}"])


def test_no_external_messages_and_topic_lock_across_nodes(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("nt")
    a, b, c = fed.client(0, nick("na")), fed.client(1, nick("nb")), fed.client(2, nick("nc"))
    out = fed.client(2, nick("nx"))
    make_channel(ch, a, b, c)
    # +n (default): an outsider on another node is refused.
    assert out.numeric_lines(f"PRIVMSG {ch} :early") == [
        f":{n3} 404 {out.nick} {ch} :Cannot send to channel"]
    marks = {x: x.mark() for x in (a, b, c, out)}
    a.send(f"MODE {ch} -n")
    c.wait_for(f":{a.prefix} MODE {ch} -n", since=marks[c])  # the outsider's node has it
    assert out.numeric_lines(f"PRIVMSG {ch} :from outside") == []
    line = f":{out.prefix} PRIVMSG {ch} :from outside"
    for x in (a, b, c):
        x.wait_for(line, since=marks[x])
    a.send(f"MODE {ch} +n")
    c.wait_for(f":{a.prefix} MODE {ch} +n", since=marks[c])
    assert [numeric(l) for l in out.numeric_lines(f"PRIVMSG {ch} :late")] == [404]
    # +t: -t lets a non-operator on another node set the topic, +t stops it again.
    assert [numeric(l) for l in b.numeric_lines(f"TOPIC {ch} :by b")] == [482]
    a.send(f"MODE {ch} -t")
    b.wait_for(f":{a.prefix} MODE {ch} -t", since=marks[b])
    b.send(f"TOPIC {ch} :by b")
    topic = f":{b.prefix} TOPIC {ch} :by b"
    for x in (a, b, c):
        x.wait_for(topic, since=marks[x])
    a.send(f"MODE {ch} +t")
    c.wait_for(f":{a.prefix} MODE {ch} +t", since=marks[c])
    assert [numeric(l) for l in c.numeric_lines(f"TOPIC {ch} :by c")] == [482]
    fence(out, [a, b, c])
    fence(b, [a, c])
    fence(a, [b, c])
    for x in (a, b, c):
        assert x.count_exact(line, since=marks[x]) == 1, x.nick
        assert x.count_exact(topic, since=marks[x]) == 1, x.nick
        assert x.count("early") == 0 and x.count(":late") == 0
        for m in ("-n", "+n", "-t", "+t"):
            assert x.count_exact(f":{a.prefix} MODE {ch} {m}", since=marks[x]) == 1, (x.nick, m)
    assert out.count("from outside", since=marks[out]) == 0  # the sender never gets its own
    assert list_entry(out, ch) == (3, "by b")


def test_key_limit_invite_only_refuse_joins_from_any_node(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("ki")
    a, b, m = fed.client(0, nick("ka")), fed.client(1, nick("kb")), fed.client(2, nick("km"))
    g2, g3 = fed.client(1, nick("kg")), fed.client(2, nick("kg"))
    make_channel(ch, a, b, m)
    marks = {x: x.mark() for x in (a, b, m, g2, g3)}
    # +k
    a.send(f"MODE {ch} +k sekrit")
    for x in (b, m):
        x.wait_for(f":{a.prefix} MODE {ch} +k sekrit", since=marks[x])
    for g in (g2, g3):
        assert g.numeric_lines(f"JOIN {ch}") == [
            f":{g.server_name} 475 {g.nick} {ch} :Cannot join channel (+k)"]
        assert [numeric(l) for l in g.numeric_lines(f"JOIN {ch} wrong")] == [475]
    lines = g3.command(f"JOIN {ch} sekrit")
    assert lines[0] == f":{g3.prefix} JOIN {ch}" and [numeric(l) for l in lines[1:]] == [353, 366]
    for x in (a, b, m):
        x.wait_for(f":{g3.prefix} JOIN {ch}", since=marks[x])
    g3.send(f"PART {ch}")
    for x in (a, b, m):
        x.wait_for(f":{g3.prefix} PART {ch}", since=marks[x])
    # +l at the current size (3)
    a.send(f"MODE {ch} -k+l sekrit 3")
    for x in (b, m):
        x.wait_for(f"MODE {ch} -k+l", since=marks[x])
    for g in (g2, g3):
        assert g.numeric_lines(f"JOIN {ch}") == [
            f":{g.server_name} 471 {g.nick} {ch} :Cannot join channel (+l)"]
    # +i, INVITE across nodes
    a.send(f"MODE {ch} -l+i")
    for x in (b, m):
        x.wait_for(f"MODE {ch} -l+i", since=marks[x])
    for g in (g2, g3):
        assert g.numeric_lines(f"JOIN {ch}") == [
            f":{g.server_name} 473 {g.nick} {ch} :Cannot join channel (+i)"]
    assert [numeric(l) for l in b.numeric_lines(f"INVITE {g3.nick} {ch}")] == [482]
    assert [numeric(l) for l in g2.numeric_lines(f"INVITE {g3.nick} {ch}")] == [442]
    assert [numeric(l) for l in a.numeric_lines(f"INVITE {m.nick} {ch}")] == [443]
    assert [numeric(l) for l in a.numeric_lines(f"INVITE nobody-here {ch}")] == [401]
    assert a.numeric_lines(f"INVITE {g3.nick} {ch}") == [f":{n1} 341 {a.nick} {g3.nick} {ch}"]
    invite = f":{a.prefix} INVITE {g3.nick} :{ch}"
    g3.wait_for(invite, since=marks[g3])
    lines = g3.command(f"JOIN {ch}")
    assert lines[0] == f":{g3.prefix} JOIN {ch}" and [numeric(l) for l in lines[1:]] == [353, 366]
    for x in (a, b, m):
        x.wait_for(f":{g3.prefix} JOIN {ch}", since=marks[x])
    # Not invited: still refused.
    assert [numeric(l) for l in g2.numeric_lines(f"JOIN {ch}")] == [473]
    fence(a, [b, m, g2, g3])
    fence(g3, [a, b, m])
    assert g3.count_exact(invite) == 1
    assert g2.count(" INVITE ") == 0
    for x in (a, b, m):
        assert x.count_exact(f":{g3.prefix} JOIN {ch}", since=marks[x]) == 2, x.nick
    for x in (a, b, m, g3):
        wait_names(x, ch, [f"@{a.nick}", b.nick, m.nick, g3.nick])


def test_secret_channel_hidden_from_remote_non_members(fed):
    ch = chan("se")
    a, b = fed.client(0, nick("sa")), fed.client(1, nick("sb"))
    o2, o3 = fed.client(1, nick("so")), fed.client(2, nick("so"))
    make_channel(ch, a, b)
    for o in (o2, o3):
        wait_list(o, ch, (2, ""))
    mark = b.mark()
    a.send(f"MODE {ch} +s")
    b.wait_for(f":{a.prefix} MODE {ch} +s", since=mark)
    for o in (o2, o3):
        wait_list(o, ch, None)
        assert names_of(o, ch) == []
        whois = o.numeric_lines(f"WHOIS {a.nick}")
        assert [numeric(l) for l in whois] == [311, 312, 318], whois  # no 319: nothing shared
        assert [numeric(l) for l in o.numeric_lines(f"WHO {ch}")] == [315]
    # Members still see it, on both nodes, marked secret in NAMES.
    for x in (a, b):
        assert list_entry(x, ch) == (2, "")
        lines = [l for l in x.command(f"NAMES {ch}") if numeric(l) == 353]
        assert len(lines) == 1 and lines[0].startswith(f":{x.server_name} 353 {x.nick} @ {ch} :")
    whois = b.numeric_lines(f"WHOIS {a.nick}")
    assert f":{b.server_name} 319 {b.nick} {a.nick} :@{ch}" in whois


def test_away_across_nodes(fed):
    a, b, c = fed.client(0, nick("aa")), fed.client(1, nick("ab")), fed.client(2, nick("ac"))
    assert b.numeric_lines("AWAY :gone fishing") == [
        f":{b.server_name} 306 {b.nick} :You have been marked as being away"]
    for x in (a, c):
        wait_until(lambda: any(numeric(l) == 301 for l in x.numeric_lines(f"WHOIS {b.nick}")),
                   timeout=CROSS, interval=0.1, what="the away state on another node")
    mark = b.mark()
    for x in (a, c):
        assert x.numeric_lines(f"PRIVMSG {b.nick} :are you there {x.nick}") == [
            f":{x.server_name} 301 {x.nick} {b.nick} :gone fishing"]
        assert x.numeric_lines(f"NOTICE {b.nick} :notice {x.nick}") == []  # NOTICE: no 301
        whois = x.numeric_lines(f"WHOIS {b.nick}")
        assert f":{x.server_name} 301 {x.nick} {b.nick} :gone fishing" in whois
        who = [l for l in x.numeric_lines(f"WHO {b.nick}") if numeric(l) == 352]
        assert len(who) == 1 and who[0].split()[8] == "G", who
    for x in (a, c):
        b.wait_for(f":{x.prefix} PRIVMSG {b.nick} :are you there {x.nick}", since=mark)
    fence(a, [b])
    fence(c, [b])
    for x in (a, c):
        assert b.count(f"are you there {x.nick}", since=mark) == 1
    assert b.numeric_lines("AWAY") == [
        f":{b.server_name} 305 {b.nick} :You are no longer marked as being away"]
    for x in (a, c):
        wait_until(lambda: not any(numeric(l) == 301 for l in x.numeric_lines(f"WHOIS {b.nick}")),
                   timeout=CROSS, interval=0.1, what="the away state to clear on another node")
        assert x.numeric_lines(f"PRIVMSG {b.nick} :back") == []
        who = [l for l in x.numeric_lines(f"WHO {b.nick}") if numeric(l) == 352]
        assert who[0].split()[8] == "H", who


def test_quit_seen_once_by_peers_on_every_node(fed):
    q = fed.client(0, nick("qq"))
    p1, p2, p3 = fed.client(0, nick("qp")), fed.client(1, nick("qp")), fed.client(2, nick("qp"))
    d = fed.client(1, nick("qd"))
    ch1, ch2 = chan("qa"), chan("qb")
    make_channel(ch1, q, p1, p2, p3, d)
    make_channel(ch2, q, p2, p3)
    peers = (p1, p2, p3)
    marks = {x: x.mark() for x in peers}
    q.send("QUIT :so long")
    assert q.wait_closed(timeout=CROSS)[-1] == "ERROR :Closing Link: 127.0.0.1 (Quit: so long)"
    quit_line = f":{q.prefix} QUIT :Quit: so long"
    for x in (*peers, d):
        x.wait_for(quit_line, since=marks.get(x, 0))
    # A client that just disconnects: QUIT :Connection closed, on every node.
    d.close()
    closed = f":{d.prefix} QUIT :Connection closed"
    for x in peers:
        x.wait_for(closed, since=marks[x])
    fence(p1, [p2, p3])
    fence(p2, [p1, p3])
    for x in peers:
        assert x.count_exact(quit_line, since=marks[x]) == 1, x.nick
        assert x.count_exact(closed, since=marks[x]) == 1, x.nick
        assert x.count(" QUIT ", since=marks[x]) == 2, x.history[marks[x]:]
    for x in peers:
        wait_ison(x, [q.nick, d.nick, x.nick], [x.nick])
        wait_names(x, ch1, sorted([p1.nick, p2.nick, p3.nick]))
        assert [numeric(l) for l in x.numeric_lines(f"PRIVMSG {q.nick} :x")] == [401]
    # ch2 lost its only operator; it is still there with the other two.
    wait_names(p1, ch2, sorted([p2.nick, p3.nick]))
    # The nicks are free on any node.
    register_eventually(fed, 2, q.nick)
    register_eventually(fed, 0, d.nick)


# ----------------------------------------------------------------------------- queries

def test_names_lists_members_of_all_nodes_with_prefixes(fed):
    ch = chan("nm")
    a, b, c = fed.client(0, nick("la")), fed.client(1, nick("lb")), fed.client(2, nick("lc"))
    make_channel(ch, a, b, c)
    mark = b.mark()
    a.send(f"MODE {ch} +v {b.nick}")
    b.wait_for(f"MODE {ch} +v {b.nick}", since=mark)
    for x in (a, b, c):
        wait_names(x, ch, [f"@{a.nick}", f"+{b.nick}", c.nick])
        lines = x.numeric_lines(f"NAMES {ch}")
        assert [numeric(l) for l in lines] == [353, 366]
        assert lines[0].startswith(f":{x.server_name} 353 {x.nick} = {ch} :")
        assert lines[1] == f":{x.server_name} 366 {x.nick} {ch} :End of NAMES list"
    # Seen from a node with no member at all.
    viewer = fed.client(2, nick("lv"))
    assert names_of(viewer, ch) == sorted([f"@{a.nick}", f"+{b.nick}", c.nick])


def test_who_whois_ison_for_remote_users(fed):
    n1, n2, n3 = node_names(fed)
    ch = chan("wq")
    a = fed.client(0, nick("wa"), realname="Alice Fed")
    b, c = fed.client(1, nick("wb")), fed.client(2, nick("wc"), realname="Carol Fed")
    make_channel(ch, a, b, c)
    lines = b.numeric_lines(f"WHO {ch}")
    assert [numeric(l) for l in lines] == [352, 352, 352, 315], lines
    assert f":{n2} 352 {b.nick} {ch} ~{a.user} 127.0.0.1 {n1} {a.nick} H@ :0 Alice Fed" in lines
    assert f":{n2} 352 {b.nick} {ch} ~{c.user} 127.0.0.1 {n3} {c.nick} H :0 Carol Fed" in lines
    assert f":{n2} 352 {b.nick} {ch} ~{b.user} 127.0.0.1 {n2} {b.nick} H :0 Real {b.nick}" in lines
    assert lines[-1] == f":{n2} 315 {b.nick} {ch} :End of WHO list"
    lines = c.numeric_lines(f"WHO {a.nick}")
    assert lines == [f":{n3} 352 {c.nick} {ch} ~{a.user} 127.0.0.1 {n1} {a.nick} H@ :0 Alice Fed",
                     f":{n3} 315 {c.nick} {a.nick} :End of WHO list"]
    lines = c.numeric_lines(f"WHOIS {a.nick}")
    assert [numeric(l) for l in lines] == [311, 319, 312, 318], lines
    assert lines[0] == f":{n3} 311 {c.nick} {a.nick} ~{a.user} 127.0.0.1 * :Alice Fed"
    assert lines[1] == f":{n3} 319 {c.nick} {a.nick} :@{ch}"
    assert lines[2].startswith(f":{n3} 312 {c.nick} {a.nick} {n1} :"), lines[2]
    assert lines[3] == f":{n3} 318 {c.nick} {a.nick} :End of WHOIS list"
    lines = a.numeric_lines(f"WHOIS {b.nick},{c.nick}")
    servers = [l.split()[4] for l in lines if numeric(l) == 312]
    assert servers == [n2, n3], lines
    assert [numeric(l) for l in a.numeric_lines("WHOIS nobody-here")] == [401, 318]
    assert c.numeric_lines(f"ISON nobody {a.nick.upper()} {b.nick}") == [
        f":{n3} 303 {c.nick} :{a.nick} {b.nick}"]
    assert a.numeric_lines(f"ISON :{b.nick} {c.nick} {a.nick}") == [
        f":{n1} 303 {a.nick} :{b.nick} {c.nick} {a.nick}"]


def test_list_counts_members_of_the_whole_network(fed):
    ch = chan("li")
    a, a2 = fed.client(0, nick("ia")), fed.client(0, nick("ia"))
    b, c = fed.client(1, nick("ib")), fed.client(2, nick("ic"))
    make_channel(ch, a, a2, b, c)
    a.command(f"TOPIC {ch} :counting")
    viewer = fed.client(1, nick("iv"))
    for x in (a, b, c, viewer):
        wait_list(x, ch, (4, "counting"))
        lines = x.numeric_lines(f"LIST {ch}")
        assert [numeric(l) for l in lines] == [321, 322, 323]
        assert lines[1] == f":{x.server_name} 322 {x.nick} {ch} 4 :counting"
    # Without a parameter the channel is listed too, with the same count.
    lines = viewer.numeric_lines("LIST")
    assert f":{viewer.server_name} 322 {viewer.nick} {ch} 4 :counting" in lines


# ----------------------------------------------------------------------------- refusals

def _refused(node, timeout=60):
    node.start(wait=False)
    try:
        rc = node.proc.wait(timeout=timeout)
    except Exception:
        node.kill()
        raise
    return rc, node.log()


def _network_still_whole(net):
    net.wait_formed(nodes=net.nodes)
    a, b, c = net.client(0, nick("wh")), net.client(1, nick("wh")), net.client(2, nick("wh"))
    for x in (a, b, c):
        wait_ison(x, [a.nick, b.nick, c.nick], [a.nick, b.nick, c.nick])
    for x in (a, b, c):
        text = f"still here {token('w')}"
        for y in (a, b, c):
            if y is not x:
                assert x.numeric_lines(f"PRIVMSG {y.nick} :{text}") == []
                y.wait_for(f":{x.prefix} PRIVMSG {y.nick} :{text}")
    for x in (a, b, c):
        whois = x.numeric_lines(f"WHOIS {b.nick}")
        assert whois[1].split()[4] == net.nodes[1].name


def test_second_node_with_the_same_server_name_is_refused(fed):
    name = fed.nodes[1].name
    dup = Node(fed.redis.port, name)
    try:
        rc, out = _refused(dup)
        assert rc == 2, out
        assert name in out, out
    finally:
        dup.close()
    assert fed.nodes[1].alive()
    _network_still_whole(fed)


def test_node_with_another_network_name_is_refused(fed):
    other = Node(fed.redis.port, "n9.fed.test", chat={"network_name": "OtherNet"})
    try:
        rc, out = _refused(other)
        assert rc == 2, out
        assert "OtherNet" in out, out
        assert "network_name" in out or NETWORK in out, out
    finally:
        other.close()
    _network_still_whole(fed)


# ----------------------------------------------------------------------------- counts, metrics

def test_lusers_counts_the_whole_network(fed):
    # The clients of the tests before are gone (closed at their teardown): wait for it.
    a, b = fed.client(0, nick("ua")), fed.client(1, nick("ub"))
    c, d = fed.client(2, nick("uc")), fed.client(2, nick("ud"))
    for x in (a, b, c, d):
        wait_lusers(x, 4, 3)
    d.send("QUIT")
    d.wait_closed(timeout=CROSS)
    for x in (a, b, c):
        wait_lusers(x, 3, 3)
    lines = a.numeric_lines("LUSERS")
    assert [numeric(l) for l in lines] == [251, 254, 255, 265, 266]
    assert lines[0] == f":{a.server_name} 251 {a.nick} :There are 3 users and 0 invisible on 3 servers"


def test_federation_metrics_and_log_lines(fed):
    a, b, c = fed.client(0, nick("xa")), fed.client(1, nick("xb")), fed.client(2, nick("xc"))
    for x in (a, b, c):
        wait_lusers(x, 3, 3)

    def remote_users_are_two():
        return all(n.metric("hiconn_federation_remote_users") == 2 for n in fed.nodes)
    wait_until(remote_users_are_two, timeout=CROSS, interval=0.1, what="remote_users == 2 on each node")
    before = [n.metrics(*FEDERATION_METRICS) for n in fed.nodes]
    text = f"metered {token('x')}"
    a.command(f"PRIVMSG {b.nick},{c.nick} :{text}")
    b.wait_for(text)
    c.wait_for(text)
    for node, old in zip(fed.nodes, before):
        families, samples = scrape(node.http_port)
        by_name = {f.name: f for f in families}
        for name in FEDERATION_METRICS:
            family = by_name.get(name[:-len("_total")] if name.endswith("_total") else name)
            assert family is not None, f"{node.name}: no {name} family"
            assert family.documentation, name
            assert family.type == ("counter" if name.endswith("_total") else "gauge"), name
        now = {n: samples[n][frozenset()] for n in FEDERATION_METRICS}
        assert now["hiconn_federation_link_up"] == 1
        assert now["hiconn_federation_nodes"] == 3
        assert now["hiconn_federation_remote_users"] == 2
        assert now["hiconn_federation_gaps_total"] == 0, node.name
        assert now["hiconn_federation_publish_failures_total"] == 0, node.name
        assert now["hiconn_federation_malformed_total"] == 0, node.name
        assert now["hiconn_federation_reconnects_total"] >= 0
        assert now["hiconn_federation_events_received_total"] > 0
        assert now["hiconn_federation_events_published_total"] > 0
        for counter in ("hiconn_federation_events_published_total",
                        "hiconn_federation_events_received_total"):
            assert now[counter] >= old[counter]
    after = [n.metrics(*FEDERATION_METRICS) for n in fed.nodes]
    assert after[0]["hiconn_federation_events_published_total"] > \
        before[0]["hiconn_federation_events_published_total"]
    for i in (1, 2):
        assert after[i]["hiconn_federation_events_received_total"] > \
            before[i]["hiconn_federation_events_received_total"]
    # The start-up line names the node and the Redis address; the stats line says it is
    # federated and connected.
    for node in fed.nodes:
        address = f"127.0.0.1:{fed.redis.port}"
        log = node.log()
        assert any("federation" in l and node.name in l and address in l for l in log.splitlines()), \
            log[-3000:]
        wait_until(lambda: any("stats: " in l and "federat" in l for l in node.log().splitlines()),
                   timeout=CROSS, what=f"{node.name}: a stats line that mentions federation")
