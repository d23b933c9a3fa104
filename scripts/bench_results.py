"""What the bench-*.sh reports share: reading the RESULT lines hiconn-load left in the results
folder, picking figures out of them, and the notes on runs that were not clean."""
import json
import os


def load(out, name):
    """The RESULT json in out/name, or None."""
    try:
        for line in open(os.path.join(out, name)):
            if line.startswith("RESULT "):
                return json.loads(line[7:])
    except OSError:
        pass
    return None


def get(r, key):
    """r[key], or r[key[0]][key[1]] for a pair ("latency_us", "p99"); None when absent."""
    if r is None:
        return None
    if isinstance(key, tuple):
        return (r.get(key[0]) or {}).get(key[1])
    return r.get(key)


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def fmt(v, f):
    return f.format(v) if v is not None else "n/a"


def side_by_side(rows, width, left, right):
    """Prints (label, left value, right value, format) rows with the right/left ratio."""
    print(f"{'figure':<{width}}{left:>12}{right:>12}{right + '/' + left:>12}")
    for label, a, b, f in rows:
        ratio = f"{b / a:.2f}" if a and b is not None else ""
        print(f"{label:<{width}}{fmt(a, f):>12}{fmt(b, f):>12}{ratio:>12}")


# Files beside the RESULT lines that are not results.
SIDE_FILES = (".err", ".client_cpu_s", ".syscalls", ".raw", ".log", ".warmup")


def print_notes(out, prefixes):
    """One line per run (its file name starts with one of `prefixes`) that was not clean."""
    for name in sorted(os.listdir(out)):
        if not name.startswith(prefixes) or name.endswith(SIDE_FILES):
            continue
        r = load(out, name)
        if r is None:
            print(f"{name}: no result")
            continue
        notes = []
        if not r.get("ok", False):
            notes.append("NOT OK")
        for k in ("mismatched_bytes", "unanswered", "closed_by_server", "failed", "dropped", "connect_failed",
                  "close_errors"):
            if r.get(k):
                notes.append(f"{k}={r[k]}")
        if r.get("errors"):
            notes.append(f"errors={r['errors']}")
        if r.get("timed_out"):
            notes.append("timed out")
        if notes:
            print(f"{name}: " + ", ".join(notes))
