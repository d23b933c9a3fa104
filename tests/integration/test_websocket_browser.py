"""The web chat page (web/chat) in Debian's headless Chromium, driven by playwright-core
(tests/integration/browser/chat_page.js): two browser pages and irssi (headless in tmux, over
TCP) in one channel; each sees the others' messages and the member list holds all three.
A screenshot of each page lands in the build tree's artifacts/ (chat-page-alice.png,
chat-page-bob.png)."""
import json
import os
import select
import shutil
import subprocess
import time

import pytest

from chat_helpers import Client, Irssi
from hiconn_harness import Server, wait_until
from test_status_page import BROWSER_DIR, artifacts_dir, playwright_core

pytestmark = pytest.mark.skipif(shutil.which("irssi") is None or shutil.which("tmux") is None,
                                reason="needs irssi and tmux (scripts/setup.sh installs them)")


def read_json_line(proc, timeout):
    """The next JSON line the driver prints (fails with its stderr when it exits first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            line = proc.stdout.readline()
            if line:
                return json.loads(line)
        if proc.poll() is not None:
            raise AssertionError(f"chat_page.js exited {proc.returncode}:\n{proc.stderr.read()}")
    raise AssertionError("chat_page.js printed nothing in time")


def test_two_browser_pages_and_irssi_chat_in_one_channel():
    node_modules = playwright_core()
    cfg = {"workload": "chat", "stats": {"interval_s": 0}, "timeouts": {"linger_s": 1},
           "chat": {"server_name": "irc.test", "network_name": "TestNet"}}
    with Server(cfg, listen=["ws://127.0.0.1:0", "127.0.0.1:0"]) as server:
        ws_port = [p for (_, p), s in zip(server.ports, server.schemes) if s == "ws"][0]
        tcp_port = [p for (_, p), s in zip(server.ports, server.schemes) if s == ""][0]
        with Irssi("irs", "Irssi Test", f"--connect=127.0.0.1 --port={tcp_port} --nick=irs") as irssi:
            obs = Client(tcp_port)
            obs.register("obs")
            wait_until(lambda: "irs" in obs.command("ISON irs")[0].split(":")[-1].split(),
                       timeout=30, what="irssi to register")
            irssi.keys("/join #web")
            wait_until(lambda: any(" 319 obs irs :" in l and "#web" in l for l in obs.command("WHOIS irs")),
                       timeout=30, what="irssi to join #web")
            shots = [os.path.join(artifacts_dir(), f"chat-page-{n}.png") for n in ("alice", "bob")]
            for shot in shots:
                if os.path.exists(shot):
                    os.remove(shot)
            proc = subprocess.Popen(["node", os.path.join(BROWSER_DIR, "chat_page.js"),
                                     f"http://127.0.0.1:{ws_port}/", "#web", "irs", "hello from irssi",
                                     *shots],
                                    env=dict(os.environ, PLAYWRIGHT_CORE=node_modules),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                assert read_json_line(proc, 120) == {"joined": True}
                # irssi saw both pages' lines, then speaks to them.
                wait_until(lambda: "hello from alice_web" in irssi.screen_and_log()
                           and "hello from bob_web" in irssi.screen_and_log(),
                           timeout=30, what="irssi to show both browser lines")
                irssi.keys("hello from irssi")
                result = read_json_line(proc, 60)
                proc.wait(30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            with open(os.path.join(artifacts_dir(), "chat-page.json"), "w") as f:
                json.dump(result, f, indent=2)
            assert proc.returncode == 0, proc.stderr.read()
            assert result["errors"] == [], result["errors"]
            for nick, other in (("alice_web", "bob_web"), ("bob_web", "alice_web")):
                shown = result["pages"][nick]
                assert shown["status"] == f"connected as {nick}", shown["status"]
                assert {"alice_web", "bob_web", "irs"} <= set(shown["members_bare"]), shown["members_bare"]
                lines = {(e["nick"], e["text"].split(e["nick"], 1)[-1]) for e in shown["log"] if e["nick"]}
                assert (other, f"hello from {other}") in lines, shown["log"]
                assert ("irs", "hello from irssi") in lines, shown["log"]
                assert all(e["time"] for e in shown["log"]), shown["log"]  # every line has its time
            for shot in shots:
                assert os.path.getsize(shot) > 10_000, shot
            obs.close()
