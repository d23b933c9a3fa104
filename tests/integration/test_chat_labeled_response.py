"""IRCv3 batch and labeled-response over real sockets against the real binary: labeled
commands answered with an ACK, one labeled line or a labeled-response batch; nothing of it
without both capabilities; the echo-message echo as the response while channel peers see
the message unlabeled; a label over 64 bytes ignored; a labeled SASL login answered after
the deferred password check."""
import re

from chat_helpers import SERVER, Client, count, numeric
from test_chat_ircv3 import cap_client, nick, plain_client, port, server  # noqa: F401 (fixtures)
from test_chat_sasl import plain, sasl_server

BATCH_OPEN = re.compile(r"^@label=(?P<label>[^ ;]+)(?:;[^ ]*)? :" + re.escape(SERVER) +
                        r" BATCH \+(?P<id>[A-Za-z0-9-]+) labeled-response$")


def read_batch(c, label):
    """The lines of one labeled-response batch, from BATCH + to BATCH -; checks its shape."""
    first = c.read_line()
    m = BATCH_OPEN.match(first)
    assert m and m.group("label") == label, first
    bid = m.group("id")
    lines = c.read_until(lambda l: l.endswith(f" BATCH -{bid}"), what=f"BATCH -{bid}")
    for line in lines[:-1]:
        assert line.startswith(f"@batch={bid} ") or line.startswith(f"@batch={bid};"), line
    assert lines[-1] == f":{SERVER} BATCH -{bid}", lines[-1]
    return bid, [l.split(" ", 1)[1] for l in lines[:-1]]


def test_ack_single_line_and_batch(port):
    target = plain_client(port, nick("tg"))
    c = cap_client(port, nick("lb"), "batch labeled-response")
    c.send("@label=p1 PING tok")
    assert c.read_line() == f"@label=p1 :{SERVER} PONG {SERVER} :tok"
    c.send("@label=p2 PONG tok")
    assert c.read_line() == f"@label=p2 :{SERVER} ACK"
    c.send(f"@label=w1 WHOIS {target.nick}")
    bid1, whois = read_batch(c, "w1")
    assert [numeric(l) for l in whois][0] == 311 and numeric(whois[-1]) == 318, whois
    c.send(f"@label=w2 WHOIS {target.nick}")
    bid2, _ = read_batch(c, "w2")
    assert bid1 != bid2  # a batch id is never reused on a connection
    c.send("@label=n1 PRIVMSG nobody :hi")
    assert c.read_line() == f"@label=n1 :{SERVER} 401 {c.nick} nobody :No such nick/channel"
    assert c.sync() == []  # nothing else came


def test_no_labels_without_both_caps(port):
    target = plain_client(port, nick("tg"))
    for caps in (None, "labeled-response", "batch"):
        c = plain_client(port, nick("nl")) if caps is None else cap_client(port, nick("nl"), caps)
        lines = c.command(f"@label=x WHOIS {target.nick}", "@label=y PONG t")
        assert lines and numeric(lines[-1]) == 318, lines
        assert count(lines, "label=") == 0 and count(lines, "BATCH") == 0 and count(lines, "batch=") == 0, lines


def test_long_label_is_ignored(port):
    c = cap_client(port, nick("ll"), "batch labeled-response")
    c.send("@label=" + "k" * 64 + " PONG t")
    assert c.read_line() == "@label=" + "k" * 64 + f" :{SERVER} ACK"
    assert c.command("@label=" + "k" * 65 + " PONG t") == []  # over the spec's 64 bytes: no label, no ACK


def test_echo_is_the_response_peers_see_no_label(port):
    ch = "#" + nick("lr")
    sender = cap_client(port, nick("se"), "batch labeled-response echo-message")
    other = plain_client(port, nick("ot"))
    timed = cap_client(port, nick("ti"), "batch labeled-response server-time")
    for c in (sender, other, timed):
        c.command(f"JOIN {ch}")
    for c in (sender, other, timed):
        c.sync()
    sender.send(f"@label=e1 PRIVMSG {ch} :hello")
    assert sender.read_line() == f"@label=e1 :{sender.nick}!~{sender.nick}@127.0.0.1 PRIVMSG {ch} :hello"
    assert other.read_line() == f":{sender.nick}!~{sender.nick}@127.0.0.1 PRIVMSG {ch} :hello"
    line = timed.read_line()
    assert line.startswith("@time=") and "label=" not in line and line.endswith(f"PRIVMSG {ch} :hello"), line
    # Labeled JOIN: the JOIN echo, 353 and 366 in one batch.
    sender.send(f"@label=j1 JOIN {ch}x")
    _, joined = read_batch(sender, "j1")
    assert joined[0].endswith(f"JOIN {ch}x") and [numeric(l) for l in joined[1:]] == [353, 366], joined


def test_labeled_sasl_login_after_the_deferred_check():
    with sasl_server({"alice": "wonderland"}) as server:
        c = Client(server.port)
        c.send("CAP LS 302", "NICK al", "USER al 0 * :Al", "CAP REQ :sasl batch labeled-response")
        c.expect("ACK :sasl batch labeled-response")
        c.send("@label=a1 AUTHENTICATE PLAIN")
        assert c.read_line() == "@label=a1 AUTHENTICATE +"
        c.send("@label=a2 AUTHENTICATE " + plain("alice", "wonderland"))
        _, lines = read_batch(c, "a2")
        assert [numeric(l) for l in lines] == [900, 903], lines
        c.send("CAP END")
        c.expect_numeric(1)
