"""Federation under failure: a node killed, Redis restarted (local service, netsplit, then
convergence and a nick conflict made during the outage), a node restarted, and garbage
PUBLISHed into the network's Redis channel. Each test has its own Redis and three nodes
(heartbeat 1 s, node timeout 3 s)."""
import json
import time

from chat_helpers import numeric
from federation_helpers import (CROSS, EVENTS_CHANNEL, HEARTBEAT_S, NODE_TIMEOUT_S, SPLIT,
                                Subscriber, fence, make_channel, names_of, network, nick,  # noqa: F401
                                register_eventually, token, wait_ison, wait_list, wait_lusers,
                                wait_names)
from hiconn_harness import wait_until


def whois_servers(client, who):
    """The server field of each 312 that WHOIS `who` gives `client`."""
    return [l.split()[4] for l in client.numeric_lines(f"WHOIS {who}") if numeric(l) == 312]


def wait_whois_server(client, who, server, timeout=CROSS):
    got = []

    def ok():
        got[:] = whois_servers(client, who)
        return got == [server]
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=f"WHOIS {who} on {server}")
    except AssertionError:
        raise AssertionError(f"{client.nick}@{client.server_name}: WHOIS {who} gives servers {got}, "
                             f"expected [{server}]")


def wait_metric(nodes, name, predicate, what, timeout=CROSS):
    seen = {}

    def ok():
        for n in nodes:
            seen[n.name] = n.metric(name)
        return all(predicate(v) for v in seen.values())
    try:
        wait_until(ok, timeout=timeout, interval=0.1, what=what)
    except AssertionError:
        raise AssertionError(f"{what}: {name} is {seen}")


def quit_lines(client, who, since=0):
    return [l for l in client.history[since:] if l.startswith(f":{who.prefix} QUIT ")]


# ----------------------------------------------------------------------------- a node dies

def test_killed_node_users_drop_as_a_netsplit(network):
    net = network
    n1, n2, n3 = net.nodes
    a, b = net.client(0, nick("ka")), net.client(1, nick("kb"))
    v1, v2 = net.client(2, nick("kv")), net.client(2, nick("kv"))
    ch1, ch2 = "#k1" + token(""), "#k2" + token("")
    make_channel(ch1, a, b, v1, v2)
    make_channel(ch2, a, v1)  # a shares two channels with v1: still one QUIT
    for x in (a, b):
        wait_lusers(x, 4, 3)
    marks = {x: x.mark() for x in (a, b)}
    started = time.monotonic()
    n3.kill()
    expected = {x: [f":{v.prefix} QUIT :{x.server_name} {n3.name}" for v in (v1, v2)] for x in (a, b)}
    for x, lines in expected.items():
        for line in lines:
            x.wait_for(line, since=marks[x], timeout=SPLIT)
    elapsed = time.monotonic() - started
    print(f"dead node's users dropped after {elapsed:.1f}s "
          f"(node_timeout_s {NODE_TIMEOUT_S}, heartbeat_s {HEARTBEAT_S})")
    # No ghost in NAMES, WHO, ISON, LUSERS, WHOIS; the metrics agree.
    for x in (a, b):
        wait_names(x, ch1, [f"@{a.nick}", b.nick])
        who = x.numeric_lines(f"WHO {ch1}")
        assert [numeric(l) for l in who] == [352, 352, 315], who
        assert not any(v.nick in l for v in (v1, v2) for l in who), who
        wait_lusers(x, 2, 2)
        wait_ison(x, [v1.nick, v2.nick, a.nick], [a.nick])
        assert [numeric(l) for l in x.numeric_lines(f"WHOIS {v2.nick}")] == [401, 318]
    wait_names(a, ch2, [f"@{a.nick}"])
    wait_metric([n1, n2], "hiconn_federation_nodes", lambda v: v == 2, "2 live nodes")
    wait_metric([n1, n2], "hiconn_federation_remote_users", lambda v: v == 1, "1 remote user each")
    # The dead users' nicks are free: taken on another node.
    t1 = register_eventually(net, 0, v1.nick)
    wait_whois_server(b, t1.nick, n1.name)
    # The dead node comes back under its name (its timeout passed): accepted, and nothing of
    # its previous life is left.
    n3.start()
    net.wait_formed(nodes=net.nodes)
    t2 = register_eventually(net, 2, v2.nick)
    wait_names(t2, ch1, [f"@{a.nick}", b.nick])
    for x in (a, b, t2):
        wait_lusers(x, 4, 3)  # a, b, t1, t2
    wait_whois_server(a, t2.nick, n3.name)
    # Exactly one QUIT for each dead user, whatever the channels shared.
    for x in (a, b):
        x.sync()
        for line in expected[x]:
            assert x.count_exact(line, since=marks[x]) == 1, (x.nick, x.history[marks[x]:])
        assert x.count(" QUIT ", since=marks[x]) == 2, (x.nick, x.history[marks[x]:])


# ----------------------------------------------------------------------------- Redis restarts

def test_redis_restart_local_service_netsplit_and_convergence(network):
    net = network
    n1, n2, n3 = net.nodes
    a, a2 = net.client(0, nick("ra")), net.client(0, nick("ra"))
    b, c = net.client(1, nick("rb")), net.client(2, nick("rc"))
    ch = "#r" + token("")
    make_channel(ch, a, a2, b, c)
    text = f"before {token('r')}"
    assert b.numeric_lines(f"PRIVMSG {ch} :{text}") == []
    for x in (a, a2, c):
        x.wait_for(f":{b.prefix} PRIVMSG {ch} :{text}")
    marks = {x: x.mark() for x in (a, a2, b, c)}

    net.redis.stop()
    wait_metric(net.nodes, "hiconn_federation_link_up", lambda v: v == 0, "the links to go down")
    # Traffic local to a node carries on.
    text = f"local {token('r')}"
    assert a.numeric_lines(f"PRIVMSG {ch} :{text}") == []
    a2.wait_for(f":{a.prefix} PRIVMSG {ch} :{text}", since=marks[a2])
    assert a2.numeric_lines(f"PRIVMSG {a.nick} :direct {text}") == []
    a.wait_for(f":{a2.prefix} PRIVMSG {a.nick} :direct {text}", since=marks[a])
    # A nick registered on n2 while Redis is down...
    split_nick = nick("sp")
    s2 = net.client(1, split_nick)
    # ...the users of the other nodes drop like a netsplit...
    split = {a: (b, c), a2: (b, c), b: (a, a2, c), c: (a, a2, b)}
    for x, gone in split.items():
        for y in gone:
            x.wait_for(f":{y.prefix} QUIT :{x.server_name} {y.server_name}", since=marks[x],
                       timeout=SPLIT)
    wait_names(a, ch, [f"@{a.nick}", a2.nick])
    for x in (b, c):
        wait_until(lambda: [m.lstrip("@+") for m in names_of(x, ch)] == [x.nick], timeout=CROSS,
                   interval=0.1, what=f"{x.server_name} to list only its own member of {ch}")
    wait_lusers(a, 2, 1)
    wait_lusers(b, 2, 1)  # b, s2
    # ...and the same nick, later, on n3: both hold it for now.
    s3 = net.client(2, split_nick)
    wait_lusers(c, 2, 1)  # c, s3
    assert a.numeric_lines(f"PRIVMSG {a2.nick} :still local") == []
    a2.wait_for("still local", since=marks[a2])

    marks2 = {x: x.mark() for x in (a, a2, b, c, s2, s3)}
    net.redis.start()  # the same port, an empty data set
    net.wait_formed(nodes=net.nodes, timeout=60)
    for node in net.nodes:
        assert node.metric("hiconn_federation_reconnects_total") >= 1, node.name
    # Memberships come back: the channel peers on the other nodes see JOINs.
    rejoined = {a: (b, c), a2: (b, c), b: (a, a2, c), c: (a, a2, b)}
    for x, back in rejoined.items():
        for y in back:
            x.wait_for(f":{y.prefix} JOIN {ch}", since=marks2[x])
    # The nick conflict: the later registration (s3) is renamed, with a NOTICE.
    rename = s3.wait_for(f":{split_nick}!~{split_nick}@127.0.0.1 NICK :", since=marks2[s3])
    new = rename.split(" NICK :", 1)[1]
    assert new and new.lower() != split_nick.lower(), rename
    s3.wait_for(" NOTICE ", since=marks2[s3])
    s3.nick = new
    for x in (a, b, c):
        wait_whois_server(x, split_nick, n2.name)
        wait_whois_server(x, new, n3.name)
    # Messages cross again, in channels and to nicks.
    after = f"after {token('r')}"
    assert b.numeric_lines(f"PRIVMSG {ch} :{after}") == []
    line = f":{b.prefix} PRIVMSG {ch} :{after}"
    for x in (a, a2, c):
        x.wait_for(line, since=marks2[x])
    assert c.numeric_lines(f"PRIVMSG {a.nick} :private {after}") == []
    a.wait_for(f":{c.prefix} PRIVMSG {a.nick} :private {after}", since=marks2[a])
    assert s3.numeric_lines(f"PRIVMSG {split_nick} :from the renamed one") == []
    s2.wait_for(f":{new}!~{split_nick}@127.0.0.1 PRIVMSG {split_nick} :from the renamed one",
                since=marks2[s2])
    assert s2.numeric_lines(f"PRIVMSG {new} :to the renamed one") == []
    s3.wait_for(f":{split_nick}!~{split_nick}@127.0.0.1 PRIVMSG {new} :to the renamed one",
                since=marks2[s3])
    fence(b, [a, a2, c])
    fence(c, [a, a2, b])
    fence(a, [b, c])
    fence(s2, [s3])
    fence(s3, [s2])
    for x, back in rejoined.items():
        for y in back:
            assert x.count_exact(f":{y.prefix} JOIN {ch}", since=marks2[x]) == 1, (x.nick, y.nick)
    for x in (a, a2, c):
        assert x.count_exact(line, since=marks2[x]) == 1, x.nick
    assert s3.count(" NICK ", since=marks2[s3]) == 1
    assert s2.count(" NICK ", since=marks2[s2]) == 0  # the earlier registration keeps it
    # Every node shows the same channel, with the four members.
    views = []
    for x in (a, b, c):
        wait_until(lambda: sorted(m.lstrip("@+") for m in names_of(x, ch)) ==
                   sorted([a.nick, a2.nick, b.nick, c.nick]), timeout=CROSS, interval=0.1,
                   what=f"{x.server_name}: the four members of {ch}")
        views.append(names_of(x, ch))
    assert views[0] == views[1] == views[2], views
    for x in (a, b, c, s2, s3):
        wait_lusers(x, 6, 3)
    wait_metric(net.nodes, "hiconn_federation_remote_users", lambda v: v == 4, "4 remote users each")


# ----------------------------------------------------------------------------- a node restarts

def test_restarted_node_rejoins_without_leftovers(network):
    net = network
    n1, n2, n3 = net.nodes
    a, b = net.client(0, nick("ta")), net.client(1, nick("tb"))
    r1, r2 = net.client(2, nick("tr")), net.client(2, nick("tr"))
    ch, ch2 = "#t1" + token(""), "#t2" + token("")
    make_channel(ch, a, b, r1, r2)
    make_channel(ch2, r1, a)  # created (operator) on the node that restarts
    assert [numeric(l) for l in r1.numeric_lines("AWAY :old life")] == [306]
    wait_until(lambda: 301 in [numeric(l) for l in a.numeric_lines(f"WHOIS {r1.nick}")],
               timeout=CROSS, interval=0.1, what="the away state on n1")
    marks = {x: x.mark() for x in (a, b)}
    n3.stop()
    assert n3.proc.returncode == 0, n3.log()[-3000:]
    for x in (a, b):
        for r in (r1, r2):
            x.wait_for(f":{r.prefix} QUIT ", since=marks[x], timeout=SPLIT)
    n3.start()  # the same name, straight away
    net.wait_formed(nodes=net.nodes)
    z = net.client(2, nick("tz"))
    for x in (a, b, z):
        wait_names(x, ch, [f"@{a.nick}", b.nick])
        wait_lusers(x, 3, 3)
        wait_ison(x, [r1.nick, r2.nick, a.nick], [a.nick])
    wait_names(a, ch2, [a.nick])
    wait_names(z, ch2, [a.nick])
    # Its users' nicks can be registered again, on it and elsewhere.
    r1b = register_eventually(net, 2, r1.nick)
    r2b = register_eventually(net, 0, r2.nick)
    wait_whois_server(b, r1b.nick, n3.name)
    wait_whois_server(b, r2b.nick, n1.name)
    assert 301 not in [numeric(l) for l in b.numeric_lines(f"WHOIS {r1b.nick}")]  # not away now
    # The new life's events cross (nothing of the old one is taken for them).
    marks2 = {x: x.mark() for x in (a, b, r1b)}
    r1b.command(f"JOIN {ch}")
    for x in (a, b):
        x.wait_for(f":{r1b.prefix} JOIN {ch}", since=marks2[x])
    text = f"new life {token('t')}"
    assert r1b.numeric_lines(f"PRIVMSG {ch} :{text}") == []
    for x in (a, b):
        x.wait_for(f":{r1b.prefix} PRIVMSG {ch} :{text}", since=marks2[x])
    assert a.numeric_lines(f"PRIVMSG {ch} :{text} back") == []
    r1b.wait_for(f":{a.prefix} PRIVMSG {ch} :{text} back", since=marks2[r1b])
    fence(r1b, [a, b])
    fence(a, [b, r1b])
    for x in (a, b):
        assert x.count_exact(f":{r1b.prefix} JOIN {ch}", since=marks2[x]) == 1
        assert x.count_exact(f":{r1b.prefix} PRIVMSG {ch} :{text}", since=marks2[x]) == 1
        for r in (r1, r2):
            assert len(quit_lines(x, r, since=marks[x])) == 1, (x.nick, x.history[marks[x]:])
    assert r1b.count(f"{text} back", since=marks2[r1b]) == 1
    for x in (a, b, r1b):
        wait_names(x, ch, [f"@{a.nick}", b.nick, r1b.nick])


# ----------------------------------------------------------------------------- garbage

GHOST = "gh0stzz"
GHOST_CHANNEL = "#nowherezz"


def _generic_garbage():
    """Payloads that are malformed whatever the event format is."""
    return [
        b"", b"not json at all", b"{", b'{"unterminated": "', b"\xff\xfe\x00garbage",
        b"[]", b"{}", b"null", b"42", b'"just a string"', b"true", b"[1, 2, 3]",
        b'{"type": 7}', b'{"type": null}', b'{"type": ["privmsg"]}',
        b'{"type": "zz-unknown-type", "node": "n1.fed.test", "seq": 1}',
        json.dumps({"type": "x" * 1_000_000}).encode(),
        json.dumps({"type": "privmsg", "text": "y" * 1_000_000}).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
        b"[" * 100_000,
        b'{"type": "privmsg", "from": "a", "to": "#x", "text": "a\\r\\nPRIVMSG #x :INJECTED"}',
        b'{"type": "\\u0000INJECTED"}',
        b'{"type": "\\ud800"}',
        b'{"type": "\xc3\x28"}',
        b'{"n": 1e999999}',
        b"1" * 100_000,
        b"\x00" * 100,
        b" " * 10_000,
        json.dumps({"type": "privmsg", "node": "n1.fed.test", "from": GHOST, "to": GHOST_CHANNEL,
                    "text": f"{GHOST} says INJECTED"}).encode(),
        json.dumps({"type": "join", "node": "n1.fed.test", "nick": GHOST,
                    "channel": GHOST_CHANNEL}).encode(),
    ]


def _string_paths(value, path=()):
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _string_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _string_paths(v, path + (i,))


def _int_paths(value, path=()):
    if isinstance(value, int) and not isinstance(value, bool):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _int_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _int_paths(v, path + (i,))


def _replaced(event, path, new):
    copy = json.loads(json.dumps(event))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new(target[path[-1]])
    return copy


def _substituted(value, old, new):
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _substituted(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_substituted(v, old, new) for v in value]
    return value


def _mutations(events, message_texts, nicks, channel):
    """Variants of real events that are malformed: CR, LF or NUL in a string, a huge string,
    a number where a string was and the other way round, events of unknown user ids, and
    messages or topics from or to unknown users/channels.
    Returns them twice: as they are (the sequence numbers of events already seen: stale),
    and with each sequence number ("s", when the events carry one) moved far ahead, so that
    a node that numbers events before it checks them would act on them."""
    out = []
    for event in events:
        for path in _string_paths(event):
            out.append(_replaced(event, path, lambda s: s + "\r\nPRIVMSG #x :INJECTED"))
            out.append(_replaced(event, path, lambda s: s + "\nINJECTED"))
            out.append(_replaced(event, path, lambda s: s + "\x00INJECTED"))
            out.append(_replaced(event, path, lambda s: s + "H" * 20_000))
            out.append(_replaced(event, path, lambda s: 12345))
        for path in _int_paths(event):
            out.append(_replaced(event, path, lambda n: str(n)))  # a string where a number was
            if path[-1] in ("u", "id", "uid"):  # a user id no node gave out
                out.append(_replaced(event, path, lambda n: n + 987_654_321))
        raw = json.dumps(event)
        if any(t in raw for t in message_texts):
            ghost = event
            for n in nicks:
                ghost = _substituted(ghost, n, GHOST)
            elsewhere = _substituted(event, channel, GHOST_CHANNEL)
            out += [e for e in (ghost, elsewhere) if e != event]  # no plain replays
    ahead = []
    for k, e in enumerate(out):
        if isinstance(e, dict) and isinstance(e.get("s"), int) and not isinstance(e.get("s"), bool):
            e = dict(e, s=e["s"] + 1_000_000 + k)
            ahead.append(e)
    encode = lambda events: [json.dumps(e).encode() for e in events]  # noqa: E731
    return encode(out), encode(ahead)


def _cross_talk(clients, label):
    """Each client sends to every other one (on other nodes) and each gets it: every node
    still hears every other, and has handled whatever Redis carried before (in order)."""
    tok = token("ct")
    for x in clients:
        others = [y for y in clients if y is not x]
        assert x.numeric_lines(f"NOTICE {','.join(y.nick for y in others)} :{label} {tok}") == []
    for x in clients:
        for y in clients:
            if y is not x:
                try:
                    y.wait_for(f":{x.prefix} NOTICE {y.nick} :{label} {tok}")
                except AssertionError as e:
                    raise AssertionError(f"after the {label} garbage, {x.server_name} no longer "
                                         f"reaches {y.server_name}: {e}")


def test_garbage_published_is_dropped_and_counted(network):
    net = network
    a, b, c = net.client(0, nick("ga")), net.client(1, nick("gb")), net.client(2, nick("gc"))
    ch = "#g" + token("")
    make_channel(ch, a, b, c)
    # Real events, captured from the channel: the material of the mutations.
    sub = Subscriber(net.redis.port, EVENTS_CHANNEL)
    try:
        texts = {k: f"{k} {token('g')}" for k in ("topic", "away", "chanmsg", "notice", "privmsg")}
        marks = {x: x.mark() for x in (a, b, c)}
        a.send(f"TOPIC {ch} :{texts['topic']}")
        assert [numeric(l) for l in b.numeric_lines(f"AWAY :{texts['away']}")] == [306]
        a.send(f"PRIVMSG {ch} :{texts['chanmsg']}")
        b.send(f"NOTICE {c.nick} :{texts['notice']}")
        c.send(f"PRIVMSG {a.nick} :{texts['privmsg']}")
        a.send(f"MODE {ch} +v {c.nick}")
        for x in (b, c):
            x.wait_for(f"TOPIC {ch} :{texts['topic']}", since=marks[x])
            x.wait_for(f"PRIVMSG {ch} :{texts['chanmsg']}", since=marks[x])
            x.wait_for(f"MODE {ch} +v {c.nick}", since=marks[x])
        c.wait_for(texts["notice"], since=marks[c])
        a.wait_for(texts["privmsg"], since=marks[a])
        # The setter's own TOPIC and MODE lines too: read now, they are not garbage's doing.
        a.wait_for(f"TOPIC {ch} :{texts['topic']}", since=marks[a])
        a.wait_for(f"MODE {ch} +v {c.nick}", since=marks[a])
        wait_until(lambda: 301 in [numeric(l) for l in c.numeric_lines(f"WHOIS {b.nick}")],
                   timeout=CROSS, interval=0.1, what="the away state on n3")
        payloads = sub.collect(1.0)
    finally:
        sub.close()
    events = []
    for p in payloads:
        try:
            e = json.loads(p)
        except ValueError:
            continue
        raw = json.dumps(e)
        if any(x.nick in raw for x in (a, b, c)) or ch in raw:
            events.append(e)
    assert events, f"no JSON event about the test's users on {EVENTS_CHANNEL}: {payloads[:10]}"
    groups = [("generic", _generic_garbage())]
    stale, ahead = _mutations(events, list(texts.values()), [x.nick for x in (a, b, c)], ch)
    groups += [("stale mutated", stale), ("ahead mutated", ahead)]
    print(f"{len(payloads)} payloads captured, {len(events)} events about the test's users; "
          f"{len(stale)} stale and {len(ahead)} ahead mutations")

    garbage_mark = {x: x.mark() for x in (a, b, c)}
    counted = []  # (label, published, {node: rise})
    for label, group in groups:
        before = {n.name: n.metric("hiconn_federation_malformed_total") for n in net.nodes}
        receivers = net.redis.publish_many(EVENTS_CHANNEL, group)
        assert min(receivers) >= 3, receivers  # every node is subscribed to that channel
        for node in net.nodes:
            assert node.alive(), f"{node.name} died on the {label} garbage:\n{node.log()[-4000:]}"
        _cross_talk([a, b, c], label)
        rise = {n.name: n.metric("hiconn_federation_malformed_total") - before[n.name]
                for n in net.nodes}
        counted.append((label, len(group), rise))
        print(f"{label}: {len(group)} published, malformed_total rose by {rise}")

    # The nodes keep serving: alive, linked, the state unchanged, nothing delivered.
    for node in net.nodes:
        assert node.alive(), f"{node.name} exited:\n{node.log()[-4000:]}"
    net.wait_formed(nodes=net.nodes)
    marks = {x: x.mark() for x in (a, b, c)}
    text = f"after garbage {token('g')}"
    assert a.numeric_lines(f"PRIVMSG {ch} :{text}") == []
    for x in (b, c):
        x.wait_for(f":{a.prefix} PRIVMSG {ch} :{text}", since=marks[x])
    assert c.numeric_lines(f"PRIVMSG {b.nick} :{text} private") == [
        f":{c.server_name} 301 {c.nick} {b.nick} :{texts['away']}"]
    b.wait_for(f":{c.prefix} PRIVMSG {b.nick} :{text} private", since=marks[b])
    fence(a, [b, c])
    fence(b, [a, c])
    fence(c, [a, b])
    for x in (a, b, c):
        wait_names(x, ch, [f"@{a.nick}", b.nick, f"+{c.nick}"])
        wait_list(x, ch, (3, texts["topic"]))
        wait_lusers(x, 3, 3)
        for line in x.history:
            assert "INJECTED" not in line and GHOST not in line and GHOST_CHANNEL not in line, line
            assert len(line.encode("utf-8", "surrogateescape")) <= 510, line[:200]
        for word in (" JOIN ", " PART ", " QUIT ", " NICK ", " KICK ", " MODE ", " TOPIC "):
            assert x.count(word, since=garbage_mark[x]) == 0, (x.nick, word, x.history[garbage_mark[x]:])
    # Each real message still arrived exactly once (no mutated copy was delivered).
    assert b.count(texts["chanmsg"]) == 1 and c.count(texts["chanmsg"]) == 1
    assert c.count(texts["notice"]) == 1
    assert a.count(texts["privmsg"]) == 1
    for x in (b, c):
        assert x.count_exact(f":{a.prefix} TOPIC {ch} :{texts['topic']}") == 1
        assert x.count(f"MODE {ch} +v {c.nick}") == 1
    # Counted: each node counts every generic one; each mutated event is counted by some
    # node (a node may drop what bears its own name without a look).
    label, published, rise = counted[0]
    assert all(r >= published for r in rise.values()), counted
    for label, published, rise in counted[1:]:
        assert sum(rise.values()) >= published, counted
