"""Moderation from the admin endpoint and server bans (K-lines), over real sockets: each
/chat/ route and its access rules, a ban disconnecting matching clients and refusing new ones
with 465, expiry, DELETE, persistence in chat.bans_file across a restart (and a corrupt file
refusing the start), and the routes answering 404 on the echo workload."""
import json
import os

import pytest

from chat_helpers import Client, chat_server, numeric, registered
from hiconn_harness import shown_path, wait_until
from ops_helpers import admin_port, admin_server, request


def moderated_server(http=None, chat=None):
    return chat_server(chat=chat, stats={"interval_s": 0, "http": {"address": "127.0.0.1", "port": 0, **(http or {})}})


def call(port, method, path, body=None, headers=None, source=None):
    """(status, parsed JSON or text) of one admin request with a JSON body."""
    data = None if body is None else json.dumps(body)
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    status, _, text = request(port, method, path, headers=hdrs, source=source, body=data)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def refused_with_465(port, nick):
    """A new client registering as `nick`: 465, then ERROR naming the K-line, then the close."""
    c = Client(port)
    c.send(f"NICK {nick}", f"USER {nick} 0 * :R")
    lines = c.wait_closed()
    c.close()
    assert [numeric(l) for l in lines if numeric(l) is not None] == [465], lines
    assert lines[-1].startswith("ERROR :Closing Link: 127.0.0.1 (K-Lined: "), lines
    return lines


@pytest.fixture
def server():
    with moderated_server() as s:
        s.admin = admin_port(s)
        yield s


def test_clients_lists_nick_user_host_node_since_and_channels(server):
    alice = registered(server.port, "alice")
    bob = registered(server.port, "bob", user="bobby")
    alice.command("JOIN #one", "JOIN #two")
    status, body = call(server.admin, "GET", "/chat/clients")
    assert status == 200, body
    by_nick = {c["nick"]: c for c in body["clients"]}
    assert set(by_nick) == {"alice", "bob"}
    assert by_nick["alice"]["channels"] == ["#one", "#two"]
    assert by_nick["bob"]["user"] == "~bobby"
    assert by_nick["bob"]["host"] == "127.0.0.1"
    assert by_nick["bob"]["node"] == "irc.test"
    assert isinstance(by_nick["bob"]["connected_since"], int) and by_nick["bob"]["connected_since"] > 1.7e9
    alice.close()
    bob.close()


def test_kill_disconnects_the_user_and_its_peers_see_the_quit(server):
    victim = registered(server.port, "victim")
    peer = registered(server.port, "peer")
    victim.command("JOIN #k")
    peer.command("JOIN #k")
    status, body = call(server.admin, "POST", "/chat/kill", {"nick": "VICTIM", "reason": "enough"})
    assert (status, body) == (200, {"killed": "VICTIM"})
    lines = victim.wait_closed()
    assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (Killed (admin (enough)))", lines
    peer.expect(":victim!~victim@127.0.0.1 QUIT :Killed (admin (enough))")
    assert call(server.admin, "POST", "/chat/kill", {"nick": "victim"})[0] == 404
    assert "admin: POST /chat/kill from 127.0.0.1: 200" in server.log()
    peer.close()


def test_ban_disconnects_matching_clients_and_refuses_new_ones(server):
    bad = registered(server.port, "SpamBot1")
    good = registered(server.port, "human")
    bad.command("JOIN #b")
    good.command("JOIN #b")
    status, body = call(server.admin, "POST", "/chat/ban",
                        {"mask": "spambot*!*@*", "duration": 0, "reason": "spam"})
    assert status == 200, body
    assert body["disconnected"] == 1
    assert body["ban"]["mask"] == "spambot*!*@*" and body["ban"]["permanent"] is True
    assert body["ban"]["set_by"] == "admin 127.0.0.1"
    lines = bad.wait_closed()
    assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (K-Lined: spam)", lines
    good.expect(":SpamBot1!~SpamBot1@127.0.0.1 QUIT :K-Lined: spam")
    refused_with_465(server.port, "SPAMBOT2")  # casemapped match
    assert [c["nick"] for c in call(server.admin, "GET", "/chat/clients")[1]["clients"]] == ["human"]
    good.close()


def test_ip_and_cidr_bans_match_the_address(server):
    c = registered(server.port, "anyone")
    status, body = call(server.admin, "POST", "/chat/ban", {"mask": "127.0.0.0/8", "duration": "1h", "reason": "net"})
    assert status == 200 and body["disconnected"] == 1, body
    assert body["ban"]["mask"] == "127.0.0.0/8" and body["ban"]["permanent"] is False
    assert body["ban"]["expires_at"] - body["ban"]["set_at"] == 3600
    c.wait_closed()
    refused_with_465(server.port, "other")
    assert call(server.admin, "DELETE", "/chat/ban", {"mask": "127.0.0.1/8"})[0] == 200  # same network
    registered(server.port, "back").close()


def test_delete_lifts_a_ban_and_bans_lists_the_active_ones(server):
    for mask in ("troll*", "10.9.8.7", "2001:db8::/32"):
        assert call(server.admin, "POST", "/chat/ban", {"mask": mask, "reason": "r"})[0] == 200
    status, body = call(server.admin, "GET", "/chat/bans")
    assert status == 200
    assert sorted(b["mask"] for b in body["bans"]) == ["10.9.8.7", "2001:db8::/32", "troll*!*@*"]
    refused_with_465(server.port, "trollface")
    assert call(server.admin, "DELETE", "/chat/ban", {"mask": "TROLL*"}) == (200, {"removed": "troll*!*@*"})
    assert call(server.admin, "DELETE", "/chat/ban", {"mask": "troll*"})[0] == 404
    registered(server.port, "trollface").close()
    assert len(call(server.admin, "GET", "/chat/bans")[1]["bans"]) == 2


def test_an_expired_ban_stops_applying_by_itself(server):
    status, body = call(server.admin, "POST", "/chat/ban", {"mask": "brief*", "duration": 2, "reason": "short"})
    assert status == 200, body
    refused_with_465(server.port, "briefly")
    # No one removes it: it is gone from the list once its time is up, and stops matching.
    wait_until(lambda: call(server.admin, "GET", "/chat/bans")[1]["bans"] == [], timeout=30,
               what="the ban to expire")
    registered(server.port, "briefly").close()


def test_kline_and_unkline_need_an_irc_operator(server):
    # No OPER: both answer 481 and ban nothing.
    c = registered(server.port, "notoper")
    assert c.numerics_of("KLINE 10 evil* :spam") == [481]
    assert c.numerics_of("UNKLINE evil*") == [481]
    assert c.numerics_of("KLINE") == [461]
    assert call(server.admin, "GET", "/chat/bans")[1]["bans"] == []
    c.close()


def test_an_operators_kline_disconnects_refuses_and_unkline_lifts_it():
    from test_chat_oper import operators
    with moderated_server(chat={"operators": operators()}) as server:
        admin = admin_port(server)
        op = registered(server.port, "op")
        victim = registered(server.port, "evilbot")
        peer = registered(server.port, "peer")
        victim.command("JOIN #k")
        peer.command("JOIN #k")
        assert 381 in op.numerics_of("OPER root opensesame")
        lines = op.command("KLINE 30 evil*!*@* :spam")
        assert any("K-Line for [evil*!*@*]" in l and "1 client(s) disconnected" in l for l in lines), lines
        closed = victim.wait_closed()
        assert closed[-1] == "ERROR :Closing Link: 127.0.0.1 (K-Lined: spam)", closed
        peer.read_until(lambda l: l.startswith(":evilbot!") and " QUIT :K-Lined: spam" in l)
        bans = call(admin, "GET", "/chat/bans")[1]["bans"]
        assert [(b["mask"], b["reason"]) for b in bans] == [("evil*!*@*", "spam")], bans
        assert bans[0]["set_by"].startswith("oper op!"), bans
        assert 1790 <= bans[0]["expires_at"] - bans[0]["set_at"] <= 1800, bans
        refused_with_465(server.port, "evilbot2")
        assert any("is removed" in l for l in op.command("UNKLINE evil*!*@*"))
        assert call(admin, "GET", "/chat/bans")[1]["bans"] == []
        registered(server.port, "evilbot3").close()


@pytest.mark.parametrize("body", [
    None, [], {"mask": 5}, {"mask": "*!*@*"}, {"mask": "10.0.0.0/0"}, {"mask": "a", "duration": -3},
    {"mask": "a", "duration": "soon"}, {"mask": "a", "reason": "x\r\ny"}, {"mask": "a", "color": 1}])
def test_bad_ban_input_is_400_with_a_reason(server, body):
    status, answer = call(server.admin, "POST", "/chat/ban", body)
    assert status == 400, answer
    assert answer["error"], answer
    assert call(server.admin, "GET", "/chat/bans")[1]["bans"] == []


def test_wrong_methods_are_405(server):
    status, _, _ = request(server.admin, "GET", "/chat/ban")
    assert status == 405
    status, headers, _ = request(server.admin, "DELETE", "/chat/clients")
    assert status == 405 and headers["Allow"] == "GET"
    assert request(server.admin, "GET", "/chat/nothing")[0] == 404


ROUTES = [("GET", "/chat/clients", None), ("GET", "/chat/bans", None),
          ("POST", "/chat/kill", {"nick": "nobody"}), ("POST", "/chat/ban", {"mask": "x*", "reason": "r"}),
          ("DELETE", "/chat/ban", {"mask": "x*"})]


def test_routes_refuse_other_addresses_with_403(server):
    for method, path, body in ROUTES:
        assert call(server.admin, method, path, body, source="127.0.0.2")[0] == 403, path
    assert call(server.admin, "GET", "/chat/bans")[1]["bans"] == []
    # Refusals are logged rate-limited: the first one at once.
    assert "admin: GET /chat/clients from 127.0.0.2 refused: address not allowed" in server.log()


def test_routes_need_the_token_when_one_is_set():
    with moderated_server(http={"token": "s3cret", "allow": ["127.0.0.2"]}) as s:
        port = admin_port(s)
        for method, path, body in ROUTES:
            assert call(port, method, path, body)[0] == 401, path
            assert call(port, method, path, body, headers={"Authorization": "Bearer wrong"})[0] == 401, path
        auth = {"Authorization": "Bearer s3cret"}
        assert call(port, "POST", "/chat/ban", {"mask": "x*", "reason": "r"}, headers=auth, source="127.0.0.2")[0] == 200
        status, body = call(port, "GET", "/chat/bans", headers=auth)
        assert status == 200 and body["bans"][0]["set_by"] == "admin 127.0.0.2 (token)", body
        assert "admin: POST /chat/ban from 127.0.0.2 with the token: 200" in s.log()
        assert call(port, "DELETE", "/chat/ban", {"mask": "x*"}, headers=auth)[0] == 200


def test_bans_survive_a_restart_in_the_bans_file():
    with moderated_server() as s:
        port = admin_port(s)
        assert call(port, "POST", "/chat/ban", {"mask": "keepme*", "reason": "persist"})[0] == 200
        assert call(port, "POST", "/chat/ban", {"mask": "192.0.2.0/24", "duration": "7d", "reason": "net"})[0] == 200
        assert call(port, "POST", "/chat/ban", {"mask": "gone*"})[0] == 200
        assert call(port, "DELETE", "/chat/ban", {"mask": "gone*"})[0] == 200
        bans_file = os.path.join(os.path.dirname(s.config_path), "bans.json")
        with open(bans_file) as f:
            saved = json.load(f)
        assert saved["version"] == 1
        assert sorted(b["mask"] for b in saved["bans"]) == ["192.0.2.0/24", "keepme*!*@*"]
        s.stop()
        s.log_file.close()
        s.start()
        port = admin_port(s)
        status, body = call(port, "GET", "/chat/bans")
        assert status == 200
        assert sorted(b["mask"] for b in body["bans"]) == ["192.0.2.0/24", "keepme*!*@*"]
        assert [b["reason"] for b in body["bans"] if b["mask"] == "keepme*!*@*"] == ["persist"]
        assert "chat: 2 server bans from " + shown_path(bans_file) in s.log()
        lines = refused_with_465(s.port, "keepme2")
        assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (K-Lined: persist)"


def test_a_corrupt_bans_file_refuses_the_start_naming_the_file():
    s = moderated_server(chat={"bans_file": "state/bans.json"})
    os.makedirs(os.path.join(s.tmp.name, "state"))
    bans_file = os.path.join(s.tmp.name, "state", "bans.json")
    with open(bans_file, "w") as f:
        f.write('{"version": 1, "bans": [{"mask": "*"}]}')
    try:
        s.start(wait=False)
        assert s.wait_exit() == 2
        assert "chat.bans_file" in s.log() and shown_path(bans_file) + " is corrupt" in s.log(), s.log()
    finally:
        s.__exit__(None, None, None)


def test_echo_has_no_chat_routes():
    with admin_server() as s:
        port = admin_port(s)
        for method, path, body in ROUTES:
            assert call(port, method, path, body)[0] == 404, path


# ----------------------------------------------------------------------------- federation

# The bans live in Redis (hash hiconn:bans) here.
from federation_helpers import two_nodes  # noqa: E402,F401 (a fixture: Redis and two nodes)


def ban_masks(port):
    status, body = call(port, "GET", "/chat/bans")
    assert status == 200, body
    return sorted(b["mask"] for b in body["bans"])


def test_federated_kill_of_a_user_on_the_other_node(two_nodes):
    from federation_helpers import CROSS
    a, b = two_nodes.nodes
    target = two_nodes.client(1, "farkill")
    wait_until(lambda: any(c["nick"] == "farkill" and c["node"] == b.name
                           for c in call(a.http_port, "GET", "/chat/clients")[1]["clients"]),
               timeout=CROSS, what="node A to list node B's user")
    assert call(a.http_port, "POST", "/chat/kill", {"nick": "FARKILL", "reason": "remote"})[0] == 200
    lines = target.wait_closed(timeout=CROSS)
    assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (Killed (admin (remote)))", lines
    wait_until(lambda: all(c["nick"] != "farkill" for c in call(a.http_port, "GET", "/chat/clients")[1]["clients"]),
               timeout=CROSS, what="the killed user to leave node A's list")


def test_federated_ban_applies_on_every_node_and_survives_restarting_both(two_nodes):
    from federation_helpers import CROSS
    a, b = two_nodes.nodes
    victim = two_nodes.client(1, "fedvictim")
    watcher = two_nodes.client(0, "fedwatch")
    victim.command("JOIN #fedban")
    watcher.command("JOIN #fedban")
    wait_until(lambda: any(c["nick"] == "fedvictim" for c in call(a.http_port, "GET", "/chat/clients")[1]["clients"]),
               timeout=CROSS, what="node A to know the victim")
    status, body = call(a.http_port, "POST", "/chat/ban", {"mask": "fedvictim*", "reason": "network-wide"})
    assert status == 200, body
    lines = victim.wait_closed(timeout=CROSS)
    assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (K-Lined: network-wide)", lines
    watcher.wait_for(":fedvictim!~fedvictim@127.0.0.1 QUIT :K-Lined: network-wide")
    wait_until(lambda: ban_masks(b.http_port) == ["fedvictim*!*@*"], timeout=CROSS, what="node B to list the ban")
    assert two_nodes.redis.call("HEXISTS", KEY_BANS, "fedvictim*!*@*") == 1
    refused_with_465(b.port, "fedvictim2")

    for node in two_nodes.nodes:
        node.stop()
    for node in two_nodes.nodes:
        node.start()
    two_nodes.wait_formed()
    for node in two_nodes.nodes:
        wait_until(lambda: ban_masks(node.http_port) == ["fedvictim*!*@*"], timeout=CROSS,
                   what=f"{node.name} to read the ban from Redis")
    refused_with_465(a.port, "fedvictim3")
    refused_with_465(b.port, "fedvictim4")

    # Lifted on B: gone from Redis and from A.
    assert call(b.http_port, "DELETE", "/chat/ban", {"mask": "fedvictim*"})[0] == 200
    wait_until(lambda: ban_masks(a.http_port) == [], timeout=CROSS, what="node A to drop the ban")
    assert two_nodes.redis.call("HEXISTS", KEY_BANS, "fedvictim*!*@*") == 0
    registered(a.port, "fedvictim5").close()


KEY_BANS = "hiconn:bans"
