"""A crash leaves a reason: a fatal signal writes one log line naming it, then a backtrace,
and the process still dies of that signal (so systemd's Restart= sees the usual status)."""
import os
import re
import signal

import pytest

from hiconn_harness import UNDER_WINE, Server, connect, echo_roundtrip

pytestmark = pytest.mark.skipif(UNDER_WINE, reason="POSIX signals; Wine maps them differently")

# "2026-12-02T10:04:05.123Z error fatal signal SIGABRT (abort) sent by pid 42 in thread 43; backtrace:"
FATAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z error fatal signal SIGABRT \(abort\) "
                   r"sent by pid (\d+) in thread (\d+); backtrace:$")


def check_report(text):
    """The report in `text`: one fatal line, its frames, the end mark. Returns the sender."""
    lines = text.splitlines()
    fatal = [i for i, line in enumerate(lines) if " fatal " in line]
    assert len(fatal) == 1, text[-4000:]
    match = FATAL.match(lines[fatal[0]])
    assert match, lines[fatal[0]]
    frames = lines[fatal[0] + 1:]
    assert "end of backtrace" in frames, text[-4000:]
    frames = frames[:frames.index("end of backtrace")]
    # backtrace_symbols_fd: "binary(symbol+0x1f) [0x7f...]" or "binary(+0x4a2f1) [0x55...]"
    assert len(frames) >= 2, frames
    assert all(re.search(r"\[0x[0-9a-f]+\]$", f) for f in frames), frames
    assert any("hiconn" in f for f in frames), frames
    return int(match.group(1))


def test_sigabrt_logs_the_cause_and_a_backtrace_then_dies_of_it(tmp_path):
    log_file = tmp_path / "hiconn.log"
    with Server({"log": {"level": "info", "file": str(log_file)}}) as server:
        with connect(server.port) as c:  # a server at work, not one still starting
            assert echo_roundtrip(c, b"before") == b"before"
            server.signal(signal.SIGABRT)
            status = server.wait_exit(60)
        assert status == -signal.SIGABRT, (status, server.log())
        # stderr has the report, and so has the log file, after the daemon's own lines.
        assert check_report(server.log()) == os.getpid()
        text = log_file.read_text(errors="replace")
        assert "listening on" in text.split(" fatal ")[0]
        assert check_report(text) == os.getpid()


def test_report_without_a_log_file_goes_to_stderr():
    with Server() as server:
        server.signal(signal.SIGABRT)
        assert server.wait_exit(60) == -signal.SIGABRT
        log = server.log()
        assert "listening on" in log.split(" fatal ")[0]
        assert check_report(log) == os.getpid()
