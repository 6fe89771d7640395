#!/usr/bin/python3
"""Measurement driver of bench/monitor/run: Berth's daemon running 1,000 HTTP checks, and host sampling.

`run` prepares everything (a temporary BERTH_HOME, Berth built, free ports, the server the checks
call: nginx or `bench.py serve`) and calls `bench.py measure` with the paths in the environment
(see Ctx). Every process started here carries BENCH_TAG=<unique tag> in its environment, so
`bench.py sweep` can end exactly those, and nothing else, whatever happened.

Only the standard library; talks to 127.0.0.1 only; every loop and wait is bounded.
"""
import datetime
import http.client
import http.server
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, cpu_ticks, proc_has_tag, free_port_base, div, fmt, sweep, print_rows, machine_info  # noqa: E402  (shared with the other benchmarks)

HERE = os.path.dirname(os.path.abspath(__file__))
HZ = os.sysconf("SC_CLK_TCK")



# ---- small helpers -------------------------------------------------------------------------

def quantile(sorted_xs, q):
    """Nearest rank, as the daemon's /metrics computes it: the ceil(q*n)-th smallest."""
    if not sorted_xs:
        return None
    return sorted_xs[min(len(sorted_xs) - 1, max(0, math.ceil(q * len(sorted_xs)) - 1))]



def proc_status(pid):
    """VmRSS (KiB) and Threads of one process."""
    rss = threads = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads



METRIC_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')


def scrape(port, timeout=10):
    """GET /metrics of the daemon: {"name{labels}": value}, and the time it took (ms)."""
    t = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read().decode()
        if r.status != 200:
            raise RuntimeError(f"GET /metrics answered {r.status}")
    finally:
        c.close()
    ms = (time.perf_counter() - t) * 1000
    out = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        m = METRIC_RE.match(line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out, ms


def lateness_gauges(metrics):
    q = {}
    for key, name in (("p50", '"0.5"'), ("p99", '"0.99"'), ("max", '"1"')):
        v = metrics.get(f"berth_check_lateness_seconds{{quantile={name}}}")
        q[key] = None if v is None else v * 1000
    return q


def states(metrics):
    """How many checks /metrics shows in each state (0 OK, 1 WARNING, 2 CRITICAL)."""
    n = {"OK": 0, "WARNING": 0, "CRITICAL": 0}
    for k, v in metrics.items():
        if k.startswith("berth_check_state{"):
            n[("OK", "WARNING", "CRITICAL")[int(v)] if 0 <= int(v) <= 2 else "CRITICAL"] += 1
    return n


# ---- the Python server (when nginx is not installed) -------------------------------------------

def serve(port, log_path):
    """Answers every GET with 200 "ok" (HTTP/1.1, keep-alive) and writes "<epoch s> <path> 200" per
    request to log_path (the time it arrived), as the nginx of `run` does. BENCH_SERVER_DELAY (s):
    the checks' paths /cNNNN answer that much later (many checks in flight at once)."""
    delay = float(os.environ.get("BENCH_SERVER_DELAY") or 0)
    lock = threading.Lock()
    logf = open(log_path, "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            t = time.time()
            if delay and self.path.startswith("/c"):
                time.sleep(delay)
            body = b"ok\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with lock:
                logf.write(f"{t:.3f} {self.path} 200\n")

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    srv = Server(("127.0.0.1", int(port)), Handler)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    srv.serve_forever()


def read_access_log(path):
    """[(epoch s, path)] of every request the server logged."""
    out = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                try:
                    out.append((float(parts[0]), parts[1]))
                except ValueError:
                    pass
    return out


def server_side_lateness(requests, interval_s):
    """How late each check's requests reached the server, from the server's log alone.

    Per check (its own path), the k-th request of the window should come k intervals after the
    first; the check's phase is the earliest of (t_k - k*interval), and each request's lateness is
    how far it came after its slot. So a check that was late all the time counts as on time (the
    daemon's gauge sees that), but every delay that varies, including the request's own time to
    reach the server, is in it. Also counts slots with no request (skipped runs)."""
    by_path = {}
    for t, p in requests:
        by_path.setdefault(p, []).append(t)
    late, missed = [], 0
    for ts in by_path.values():
        ts.sort()
        ks = [round((t - ts[0]) / interval_s) for t in ts]
        base = min(t - k * interval_s for t, k in zip(ts, ks))
        late += [(t - k * interval_s - base) * 1000 for t, k in zip(ts, ks)]
        missed += ks[-1] + 1 - len(set(ks))
    late.sort()
    return {"requests": len(late), "checks": len(by_path), "slots_missed": missed,
            "p50_ms": quantile(late, 0.5), "p99_ms": quantile(late, 0.99), "max_ms": late[-1] if late else None}


# ---- context --------------------------------------------------------------------------------

class Ctx:
    KEEP_ENV = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TMPDIR", "JAVA_HOME")

    def __init__(self):
        e = os.environ
        self.tmp = e["BENCH_TMP"]
        self.tag = e["BENCH_TAG_VALUE"]
        self.berth = e["BENCH_BERTH"]
        self.berth_home = e["BENCH_BERTH_HOME"]
        self.api_port = int(e["BENCH_API_PORT"])
        self.web_port = int(e["BENCH_WEB_PORT"])
        self.access_log = e["BENCH_ACCESS_LOG"]
        self.server_kind = e["BENCH_SERVER_KIND"]
        self.server_desc = e.get("BENCH_SERVER_DESC", "")
        self.server_pid = int(e["BENCH_SERVER_PID"])
        self.seconds = int(e.get("BENCH_SECONDS", "120"))
        self.warmup = int(e.get("BENCH_WARMUP", "20"))
        self.n_checks = int(e.get("BENCH_CHECKS", "1000"))
        self.interval = e.get("BENCH_INTERVAL", "10s")
        self.interval_s = parse_duration(self.interval)
        self.host_runs = int(e.get("BENCH_HOST_RUNS", "20"))
        self.server_delay = float(e.get("BENCH_SERVER_DELAY") or 0)
        self.out_json = e["BENCH_OUT_JSON"]
        self.fleet_dir = os.path.join(self.tmp, "fleet")
        self.host_dir = os.path.join(self.tmp, "host")

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k in self.KEEP_ENV or k.startswith("LC_")}
        env.update(BERTH_HOME=self.berth_home, BERTH_PORT=str(self.api_port), BENCH_TAG=self.tag)
        env.update(extra)
        return env

    def berth_cmd(self, *args, cwd=None, timeout=120, check=True):
        r = subprocess.run([self.berth, *args], env=self.env(), cwd=cwd, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"berth {' '.join(args)} exited {r.returncode}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        return r

    def daemon(self):
        """(pid, port) from daemon.json."""
        with open(os.path.join(self.berth_home, "daemon.json")) as f:
            d = json.load(f)
        return int(d["pid"]), int(d["port"])


def parse_duration(s):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", s.strip())
    if not m:
        raise SystemExit(f"BENCH_INTERVAL: {s!r} is not like 10s, 500ms or 1m")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def write_files(ctx):
    os.makedirs(ctx.fleet_dir, exist_ok=True)
    os.makedirs(ctx.host_dir, exist_ok=True)
    lines = ["# bench/monitor: HTTP checks against the local server, no built-in host checks",
             "monitor: {host: false}", "checks:"]
    for i in range(1, ctx.n_checks + 1):
        lines.append(f"  c{i:04d}: {{http: \"http://127.0.0.1:{ctx.web_port}/c{i:04d}\", interval: {ctx.interval}}}")
    with open(os.path.join(ctx.fleet_dir, "berth.yml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(ctx.host_dir, "berth.yml"), "w") as f:
        f.write("# bench/monitor: the built-in host checks (cpu, memory, swap, load, disk) and one HTTP check\n"
                "monitor: {host: true}\n"
                "checks:\n"
                f"  web: {{http: \"http://127.0.0.1:{ctx.web_port}/web\"}}\n")


# ---- 1,000 checks in the daemon ----------------------------------------------------------------

def measure_fleet(ctx, res):
    log(f"starting the daemon (BERTH_HOME={ctx.berth_home}, port {ctx.api_port})")
    ctx.berth_cmd("daemon", "start", cwd=ctx.fleet_dir, timeout=60)
    pid, port = ctx.daemon()
    if not proc_has_tag(pid, ctx.tag):
        raise RuntimeError(f"daemon pid {pid} from daemon.json is not this benchmark's")
    rss0, thr0 = proc_status(pid)
    res["daemon_started"] = {"pid": pid, "port": port, "rss_kb": rss0, "threads": thr0}

    log(f"berth check --json: {ctx.n_checks} HTTP checks now (the daemon runs them and watches the file from then on)")
    t = time.perf_counter()
    r = ctx.berth_cmd("check", "--json", cwd=ctx.fleet_dir, timeout=180, check=False)
    check_ms = (time.perf_counter() - t) * 1000
    registered = time.time()
    try:
        out = json.loads(r.stdout)
    except ValueError:
        raise RuntimeError(f"berth check --json exited {r.returncode} without JSON:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    by_state = {}
    for c in out["checks"]:
        by_state[c["state"]] = by_state.get(c["state"], 0) + 1
    lat = sorted(c["latency_ms"] for c in out["checks"] if c.get("latency_ms") is not None)
    res["first_check"] = {"wall_ms": check_ms, "exit": r.returncode, "health": out.get("health"), "states": by_state,
                          "checks": len(out["checks"]), "latency_p50_ms": quantile(lat, 0.5), "latency_max_ms": lat[-1] if lat else None}
    log(f"  {len(out['checks'])} checks in {check_ms:.0f} ms: {out.get('health')} {by_state}")
    if len(out["checks"]) != ctx.n_checks:
        raise RuntimeError(f"berth check ran {len(out['checks'])} checks, expected {ctx.n_checks}")

    start_at = registered + ctx.warmup
    end_at = registered + ctx.seconds
    log(f"warm-up {ctx.warmup} s, then {ctx.seconds - ctx.warmup} s measured: CPU and RSS every second, /metrics every 15 s")
    time.sleep(max(0, start_at - time.time()))
    m0, scrape0_ms = scrape(port)
    t0, ticks0 = time.time(), cpu_ticks(pid)
    samples, scrapes = [], [{"t": t0 - registered, "ms": scrape0_ms, **lateness_gauges(m0),
                             "runs": m0.get("berth_check_runs_total")}]
    last_t, last_ticks = t0, ticks0
    next_scrape = t0 + 15
    while True:
        now = time.time()
        if now >= end_at:
            break
        time.sleep(max(0.0, min(last_t + 1.0, end_at) - now))
        t, ticks = time.time(), cpu_ticks(pid)
        rss, thr = proc_status(pid)
        samples.append({"t": t - registered, "cpu_pct": (ticks - last_ticks) / HZ / (t - last_t) * 100,
                        "rss_kb": rss, "threads": thr})
        last_t, last_ticks = t, ticks
        if t >= next_scrape and t < end_at - 2:
            mm, ms = scrape(port)
            scrapes.append({"t": t - registered, "ms": ms, **lateness_gauges(mm), "runs": mm.get("berth_check_runs_total")})
            next_scrape += 15
    t1, ticks1 = time.time(), cpu_ticks(pid)
    m1, scrape1_ms = scrape(port)
    scrapes.append({"t": time.time() - registered, "ms": scrape1_ms, **lateness_gauges(m1), "runs": m1.get("berth_check_runs_total")})
    window = t1 - t0
    runs0, runs1 = m0.get("berth_check_runs_total"), m1.get("berth_check_runs_total")
    if runs0 is None or runs1 is None:
        raise RuntimeError("/metrics has no berth_check_runs_total")

    time.sleep(max(0.0, t1 + ctx.server_delay + (0.5 if ctx.server_delay else 0) - time.time()))  # lines are written on answering
    reqs = [(t, p) for t, p in read_access_log(ctx.access_log) if t0 <= t < t1 and re.fullmatch(r"/c\d{4}", p)]
    server = server_side_lateness(reqs, ctx.interval_s)
    cpus = [s["cpu_pct"] for s in samples]
    rsss = [s["rss_kb"] for s in samples if s["rss_kb"]]
    metric_lateness = lateness_gauges(m1)
    res["fleet"] = {
        "checks": ctx.n_checks, "interval_s": ctx.interval_s, "scheduled_per_s": ctx.n_checks / ctx.interval_s,
        "warmup_s": ctx.warmup, "window_s": window, "window_from_registration_s": [t0 - registered, t1 - registered],
        "runs_in_window": runs1 - runs0, "runs_total_at_end": runs1, "checks_per_s": (runs1 - runs0) / window,
        "server_requests_in_window": len(reqs), "server_requests_per_s": len(reqs) / window,
        "lateness_metric_ms": metric_lateness,
        "lateness_metric_covers_runs": int(min(runs1, 10000)),
        "lateness_metric_covers_s": min(runs1, 10000) / ((runs1 - runs0) / window) if runs1 > runs0 else None,
        "lateness_metric_worst_p99_ms": max((s["p99"] for s in scrapes if s["p99"] is not None), default=None),
        "lateness_server_log": server,
        "cpu_pct_mean": (ticks1 - ticks0) / HZ / window * 100, "cpu_pct_max": max(cpus) if cpus else None,
        "cpu_pct_p50_of_1s": statistics.median(cpus) if cpus else None,
        "rss_mb_mean": statistics.mean(rsss) / 1024 if rsss else None, "rss_mb_max": max(rsss) / 1024 if rsss else None,
        "threads_max": max((s["threads"] or 0) for s in samples) if samples else None,
        "states_at_end": states(m1), "metrics_scrape_ms": [s["ms"] for s in scrapes],
        "scrapes": scrapes, "samples": samples,
    }
    f = res["fleet"]
    log(f"  {f['checks_per_s']:.1f} checks/s (server got {f['server_requests_per_s']:.1f}/s); lateness /metrics "
        f"p50 {fmt(metric_lateness['p50'])} p99 {fmt(metric_lateness['p99'])} max {fmt(metric_lateness['max'])} ms, "
        f"server log p50 {fmt(server['p50_ms'])} p99 {fmt(server['p99_ms'])} max {fmt(server['max_ms'])} ms; "
        f"CPU {f['cpu_pct_mean']:.1f}% (max {fmt(f['cpu_pct_max'])}%), RSS {fmt(f['rss_mb_mean'])} MB (max {fmt(f['rss_mb_max'])}); "
        f"states {f['states_at_end']}")


# ---- host sampling: berth check vs the shell way -------------------------------------------------

def shell_way(ctx):
    return ("top -bn1 | head -5; free -m; df -h; "
            f"curl -s -o /dev/null -w '%{{http_code}}' http://127.0.0.1:{ctx.web_port}/shell")


def time_pair(ctx, name, label_a, argv_a, label_b, argv_b):
    """Mean wall time of two commands, hyperfine when installed, else A B A B ... in Python."""
    runs = ctx.host_runs
    env = ctx.env()
    hf = shutil.which("hyperfine")
    st = {"runs": runs}
    if hf:
        out = os.path.join(ctx.tmp, f"hyperfine-{name}.json")
        q = lambda argv: " ".join("'" + a.replace("'", "'\\''") + "'" if re.search(r"[^\w@%+=:,./-]", a) else a for a in argv)
        cmd = [hf, "-N", "-i", "--warmup", "3", "--runs", str(runs), "--style", "none", "--export-json", out,
               "-n", label_a, q(argv_a), "-n", label_b, q(argv_b)]
        r = subprocess.run(cmd, env=env, cwd=ctx.host_dir, timeout=600, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"hyperfine exited {r.returncode}: {r.stderr[-2000:]}")
        with open(out) as f:
            results = {r["command"]: r for r in json.load(f)["results"]}
        exits = {k: results[k].get("exit_codes") or [] for k in (label_a, label_b)}
        st["tool"] = "hyperfine " + subprocess.run([hf, "--version"], capture_output=True, text=True).stdout.strip().split()[-1]
        times = {k: results[k]["times"] for k in (label_a, label_b)}
    else:
        st["tool"] = "python loop (A B A B ...); install hyperfine for the usual tool"
        times = {label_a: [], label_b: []}
        exits = {label_a: [], label_b: []}
        for i in range(3 + runs):
            for k, c in ((label_a, argv_a), (label_b, argv_b)):
                t = time.perf_counter()
                r = subprocess.run(c, env=env, cwd=ctx.host_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
                if i >= 3:
                    times[k].append(time.perf_counter() - t)
                    exits[k].append(r.returncode)
    for k, ts in times.items():
        ms = [x * 1000 for x in ts]
        st[k] = {"mean_ms": statistics.mean(ms), "median_ms": statistics.median(ms), "stdev_ms": statistics.stdev(ms) if len(ms) > 1 else 0,
                 "min_ms": min(ms), "max_ms": max(ms), "times_ms": ms, "exit_codes": exits[k]}
    codes = lambda k: ", ".join(f"{c}: {exits[k].count(c)}x" for c in sorted(set(exits[k])))
    log(f"  mean: {label_a} {st[label_a]['mean_ms']:.0f} ms (exit codes {codes(label_a)}), "
        f"{label_b} {st[label_b]['mean_ms']:.0f} ms (exit codes {codes(label_b)}) ({st['tool']})")
    return st


def measure_host(ctx, res):
    shell = ["sh", "-c", shell_way(ctx)]
    berth = [ctx.berth, "check", "--json"]
    host = {"shell_way": shell_way(ctx)}
    r = ctx.berth_cmd("check", "--json", cwd=ctx.host_dir, check=False)
    host["berth_check_daemon_output"] = json.loads(r.stdout) if r.stdout.strip().startswith("{") else r.stdout
    host["berth_check_daemon_exit"] = r.returncode
    log(f"host sampling, daemon running: berth check --json vs the shell way, {ctx.host_runs} runs each")
    host["daemon"] = time_pair(ctx, "daemon", "berth", berth, "shell", shell)
    log("stopping the daemon")
    ctx.berth_cmd("daemon", "stop", timeout=30)
    r = ctx.berth_cmd("check", "--json", cwd=ctx.host_dir, check=False)
    host["berth_check_cli_output"] = json.loads(r.stdout) if r.stdout.strip().startswith("{") else r.stdout
    host["berth_check_cli_exit"] = r.returncode
    if os.path.exists(os.path.join(ctx.berth_home, "daemon.json")):
        try:
            pid, _ = ctx.daemon()
            os.kill(pid, 0)
            raise RuntimeError("a daemon is running again after `daemon stop`: `berth check` started one?")
        except ProcessLookupError:
            pass
    log(f"host sampling, no daemon: berth check --json (checks in the CLI's JVM) vs the shell way, {ctx.host_runs} runs each")
    host["cli"] = time_pair(ctx, "cli", "berth", berth, "shell", shell)
    res["host"] = host


# ---- summary --------------------------------------------------------------------------------


def summarize(ctx, res):
    """The table: metric, berth, baseline, ratio berth/baseline, goal, met."""
    rows = []

    def row(metric, berth, other=None, other_is="", goal="-", test=None, ratio="auto"):
        r = div(berth, other) if ratio == "auto" else ratio
        met = None
        if test is not None:
            v = r if test[0] == "ratio" else berth
            met = None if v is None else (v < test[2] if test[1] == "<" else v <= test[2] if test[1] == "<=" else v >= test[2])
        rows.append({"metric": metric, "berth": berth, "other": other, "other_is": other_is, "ratio": r, "goal": goal, "met": met})

    f = res.get("fleet")
    if f:
        sched = f["scheduled_per_s"]
        n, iv = f["checks"], f["interval_s"]
        row(f"checks/s sustained, {n:,} checks every {iv:g} s", f["checks_per_s"], sched, "scheduled")
        row("  requests/s the server received", f["server_requests_per_s"], sched, "scheduled")
        ml, sl = f["lateness_metric_ms"], f["lateness_server_log"]
        row("lateness p50, /metrics (ms)", ml["p50"], ratio=None)
        row("lateness p99, /metrics (ms)", ml["p99"], goal="< 100 ms", test=("value", "<", 100), ratio=None)
        row("lateness max, /metrics (ms)", ml["max"], ratio=None)
        row("  lateness p50, server log (ms)", sl["p50_ms"], ratio=None)
        row("  lateness p99, server log (ms)", sl["p99_ms"], ratio=None)
        row("  lateness max, server log (ms)", sl["max_ms"], ratio=None)
        row("  slots with no request, server log (count)", sl["slots_missed"], ratio=None)
        row("checks not OK at the end (count)", f["states_at_end"]["WARNING"] + f["states_at_end"]["CRITICAL"],
            goal="0", test=("value", "<=", 0), ratio=None)
        row("daemon CPU, mean (% of a core)", f["cpu_pct_mean"], ratio=None)
        row("daemon CPU, max of 1 s samples (% of a core)", f["cpu_pct_max"], ratio=None)
        row("daemon RSS, mean (MB)", f["rss_mb_mean"], ratio=None)
        row("daemon RSS, max (MB)", f["rss_mb_max"], ratio=None)
    fc = res.get("first_check")
    if fc:
        row(f"berth check --json, {fc['checks']:,} checks, once (ms)", fc["wall_ms"], ratio=None)
    h = res.get("host")
    if h:
        for k, what in (("daemon", "daemon running"), ("cli", "no daemon")):
            if k in h:
                row(f"host sampling: berth check, {what}, mean (ms)", h[k]["berth"]["mean_ms"], h[k]["shell"]["mean_ms"], "shell")
    res["summary"] = rows
    return rows



def print_table(rows):
    head = ["metric", "berth", "baseline", "ratio", "goal", "met"]
    body = [[r["metric"], fmt(r["berth"]),
             "" if r["other"] is None else fmt(r["other"]) + (f" ({r['other_is']})" if r["other_is"] else ""),
             fmt(r["ratio"]) + ("x" if r["ratio"] is not None else ""), r["goal"],
             "-" if r["met"] is None else ("PASS" if r["met"] else "FAIL")] for r in rows]
    print_rows(head, body)


# ---- entry points ---------------------------------------------------------------------------

def keep_diagnostics(ctx):
    """On failure: the daemon's log and the server's, next to the JSON (the temporary directory goes away)."""
    d = ctx.out_json[:-len(".json")] + "-diagnostics"
    os.makedirs(d, exist_ok=True)
    for src in (os.path.join(ctx.berth_home, "daemon.log"), os.path.join(os.path.dirname(ctx.access_log), "error.log")):
        if os.path.exists(src):
            with open(src, "rb") as fi, open(os.path.join(d, os.path.basename(src)), "wb") as fo:
                size = os.path.getsize(src)
                fi.seek(max(0, size - (1 << 20)))
                fo.write(fi.read())
    return d


def measure():
    ctx = Ctx()
    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": machine_info(), "berth_version": os.environ.get("BENCH_BERTH_DESC", ""),
           "server": {"kind": ctx.server_kind, "desc": ctx.server_desc, "port": ctx.web_port},
           "settings": {"seconds": ctx.seconds, "warmup": ctx.warmup, "checks": ctx.n_checks, "interval": ctx.interval,
                        "host_runs": ctx.host_runs, "server_delay_s": ctx.server_delay}}
    errors = []
    write_files(ctx)
    for step in (measure_fleet, measure_host):  # a failed step is reported and the next still runs
        try:
            step(ctx, res)
        except Exception as e:
            errors.append(f"{step.__name__}: {type(e).__name__}: {e}")
            log("FAILED: " + errors[-1])
    try:
        os.kill(ctx.server_pid, 0)
    except OSError:
        errors.append(f"the {ctx.server_kind} server (pid {ctx.server_pid}) died during the run")
    if errors:
        res["errors"] = errors
        res["diagnostics"] = keep_diagnostics(ctx)
    res["machine"]["loadavg_at_end"] = os.getloadavg()
    rows = summarize(ctx, res)
    os.makedirs(os.path.dirname(ctx.out_json), exist_ok=True)
    with open(ctx.out_json, "w") as f:
        json.dump(res, f, indent=2)
    m = res["machine"]
    print()
    print(f"Berth {res['berth_version']}, {m['cores']} cores, load {m['loadavg_at_start'][0]:.2f} -> {m['loadavg_at_end'][0]:.2f}")
    print(f"server: {ctx.server_kind} ({ctx.server_desc}) on 127.0.0.1:{ctx.web_port}; {ctx.n_checks:,} HTTP checks every "
          f"{ctx.interval}, {ctx.seconds} s of which {ctx.warmup} s warm-up")
    f = res.get("fleet")
    if f:
        print(f"lateness: /metrics covers the last {f['lateness_metric_covers_runs']:,} runs "
              f"(about {fmt(f['lateness_metric_covers_s'])} s at this rate; the window is {f['window_s']:.0f} s); "
              "the server-log figures cover the window exactly, relative to each check's own phase")
    h = res.get("host")
    if h:
        hd = h.get("berth_check_daemon_output")
        health = hd.get("health") if isinstance(hd, dict) else "?"
        print(f"host sampling: `berth check --json` (built-in host checks + 1 HTTP check; it says {health}) vs "
              f"`sh -c \"{h['shell_way']}\"`, {ctx.host_runs} runs each, {h.get('daemon', h.get('cli', {})).get('tool', '?')}")
    print_table(rows)
    if f:
        p99 = f["lateness_metric_ms"]["p99"]
        print(f"\np99 lateness < 100 ms: {'PASS' if p99 is not None and p99 < 100 else 'FAIL'} ({fmt(p99)} ms)")
    print(f"raw figures: {ctx.out_json}")
    if errors:
        print("benchmark FAILED:\n  " + "\n  ".join(errors) + f"\n  diagnostics: {res['diagnostics']}", file=sys.stderr)
        return 1
    return 0



if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "measure":
        sys.exit(measure())
    if cmd == "sweep":
        sys.exit(sweep(sys.argv[2]))
    if cmd == "ports":
        print(free_port_base(int(sys.argv[2])))
        sys.exit(0)
    if cmd == "serve":
        serve(sys.argv[2], sys.argv[3])
        sys.exit(0)
    print("usage: bench.py measure | sweep TAG | ports COUNT | serve PORT LOG", file=sys.stderr)
    sys.exit(2)
