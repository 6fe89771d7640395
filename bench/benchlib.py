"""Helpers the benchmarks share: logging, /proc readings, free ports, the end-of-run sweep, figures."""
import os
import random
import signal
import statistics
import socket
import sys
import time



def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cpu_ticks(pid):
    """utime + stime of one process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_has_tag(pid, tag):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"BENCH_TAG={tag}".encode() in f.read().split(b"\0")
    except OSError:
        return False


def free_port_base(count, lo=30000, hi=40000, tries=200):
    """A base port such that base..base+count-1 can all be bound on 127.0.0.1 now."""
    rnd = random.Random(os.getpid() ^ int(time.time()))
    for _ in range(tries):
        base = rnd.randrange(lo, hi - count)
        socks = []
        try:
            for p in range(base, base + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise SystemExit("no free block of %d ports in %d-%d" % (count, lo, hi))


def print_rows(head, body):
    """An aligned text table: the first column to the left, the others to the right."""
    w = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(cells))
    print(line(head))
    print("  ".join("-" * x for x in w))
    for b in body:
        print(line(b))


def machine_info():
    """Cores, load at the start and memory: the header of every benchmark's figures."""
    info = {"cores": os.cpu_count()}
    try:
        info["loadavg_at_start"] = os.getloadavg()
        with open("/proc/meminfo") as f:
            info["mem_total_kb"] = int(f.readline().split()[1])
    except OSError:
        pass
    return info


def div(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        a = abs(v)
        if a >= 10000:
            return f"{v:,.0f}"
        if a >= 100:
            return f"{v:.0f}"
        if a >= 10:
            return f"{v:.1f}"
        return f"{v:.2f}"
    return str(v)


def sweep(tag):
    """SIGKILL every process whose environment carries BENCH_TAG=<tag>, except this one and its ancestors."""
    keep = {os.getpid()}
    pid = os.getppid()
    while pid > 1:
        keep.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    killed = []
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) not in keep and proc_has_tag(int(d), tag):
            try:
                os.kill(int(d), signal.SIGKILL)
                killed.append(int(d))
            except OSError:
                pass
    if killed:
        log(f"cleanup: killed {len(killed)} leftover process(es) of this run: {killed}")
    return 0


def median(xs):
    """The median of the values there are (None left out), or None."""
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_ratio(r):
    """2.41x; a tiny ratio also as 1/N (0.0033x (1/300))."""
    if r is None:
        return "-"
    if 0 < r < 0.01:
        return f"{r:.4f}x (1/{1 / r:,.0f})"
    return fmt(r) + "x"


def print_goal_table(rows):
    """The summary of a bench: rows of {metric, berth, other, other_is, ratio, goal, met}."""
    head = ["metric", "berth", "other", "ratio", "goal", "met"]
    body = [[r["metric"], fmt(r["berth"]),
             fmt(r["other"]) + ("" if r["other"] is None else f" ({r['other_is']})"),
             fmt_ratio(r["ratio"]), r["goal"],
             "-" if r["met"] is None else ("yes" if r["met"] else "NO")] for r in rows]
    print_rows(head, body)


def main(measure, port_base):
    """A bench.py's commands, as its run script calls them: measure | sweep TAG | ports COUNT."""
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "measure":
        sys.exit(measure())
    if cmd == "sweep":
        sys.exit(sweep(sys.argv[2]))
    if cmd == "ports":
        print(port_base(int(sys.argv[2])))
        sys.exit(0)
    print("usage: bench.py measure | sweep TAG | ports COUNT", file=sys.stderr)
    sys.exit(2)
