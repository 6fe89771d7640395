#!/usr/bin/python3
"""Measurement driver of bench/supervisor/run: Berth and PM2 side by side, in one run.

`run` prepares everything (temporary BERTH_HOME and PM2_HOME, PM2 installed in a temporary
directory, Berth built, free ports) and calls `bench.py measure` with the paths in the
environment (see Ctx). Every process started here carries BENCH_TAG=<unique tag> in its
environment, so `bench.py sweep` can end exactly those, and nothing else, whatever happened.

Only the standard library; talks to 127.0.0.1 only; every loop and wait is bounded.
"""
import datetime
import http.client
import json
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
APP_JS = os.path.join(HERE, "app.js")
LINES_JS = os.path.join(HERE, "lines.js")
N_APPS = 10



# ---- small helpers -------------------------------------------------------------------------

def median(xs):
    return statistics.median(xs) if xs else None


def rss_kb(pid):
    """RSS of one process in KiB, as `ps -o rss=` prints it; None when it is gone."""
    r = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
    out = r.stdout.strip()
    return int(out) if r.returncode == 0 and out else None



def http_get(port, path="/", timeout=0.5):
    """(status, body, X-Pid, X-Started) of GET http://127.0.0.1:port/path, or None when it does not answer."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        pid, started = r.getheader("X-Pid"), r.getheader("X-Started")
        return r.status, body, int(pid) if pid else None, float(started) if started else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        c.close()


def serving_pid(port, timeout=0.5):
    r = http_get(port, "/", timeout)
    if r and r[0] == 200 and r[1] == b"ok":
        return r[2]
    return None


def wait_serving(ports, limit_s):
    end = time.monotonic() + limit_s
    pending = set(ports)
    while pending and time.monotonic() < end:
        for p in list(pending):
            if serving_pid(p):
                pending.discard(p)
        if pending:
            time.sleep(0.05)
    return not pending



FINAL_RE = re.compile(rb"wrote (\d+) lines in ([0-9.]+) ms start=([0-9.]+) rss_mb=([0-9.]+)")


def wait_final_line(path, n, from_offset, limit_s, poll_s=0.002):
    """Polls the end of `path` until the line "wrote <n> lines ..." is there (past from_offset).
    Returns (seen_epoch_s, write_ms, start_epoch_ms, app_rss_mb) or None on timeout."""
    want = b"wrote %d lines in" % n
    end = time.monotonic() + limit_s
    fd = None
    last_size = -1
    while time.monotonic() < end:
        if fd is None:
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                time.sleep(poll_s)
                continue
        size = os.fstat(fd).st_size
        if size != last_size and size > from_offset:
            last_size = size
            start = max(from_offset, size - 600)
            tail = os.pread(fd, size - start, start)
            if want in tail:
                seen = time.time()
                m = FINAL_RE.search(tail[tail.rfind(want):])
                if m and tail.endswith(b"\n"):
                    os.close(fd)
                    return seen, float(m.group(2)), float(m.group(3)), float(m.group(4))
        time.sleep(poll_s)
    if fd is not None:
        os.close(fd)
    return None


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 22)
            if not b:
                return n
            n += b.count(b"\n")


class RssSampler(threading.Thread):
    """Samples one pid's RSS (KiB, from /proc) every `every` seconds until stopped; keeps the peak."""

    def __init__(self, pid, every=0.05):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.samples = pid, every, 0, 0
        self._stop_evt = threading.Event()

    def run(self):
        while not self._stop_evt.is_set():
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.peak = max(self.peak, int(line.split()[1]))
                            self.samples += 1
                            break
            except OSError:
                pass
            self._stop_evt.wait(self.every)

    def stop(self):
        self._stop_evt.set()
        self.join(2)
        return self.peak


# ---- context --------------------------------------------------------------------------------

class Ctx:
    def __init__(self):
        e = os.environ
        self.tmp = e["BENCH_TMP"]
        self.tag = e["BENCH_TAG_VALUE"]
        self.berth = e["BENCH_BERTH"]            # the checkout's ./berth
        self.pm2 = e["BENCH_PM2"]                # node_modules/.bin/pm2 of the temporary install
        self.berth_home = e["BENCH_BERTH_HOME"]
        self.pm2_home = e["BENCH_PM2_HOME"]
        self.port_base = int(e["BENCH_PORT_BASE"])
        self.lines = int(e.get("BENCH_LINES_N", "1000000"))
        self.log_reps = int(e.get("BENCH_LOG_REPS", "5"))
        self.crash_reps = int(e.get("BENCH_CRASH_REPS", "10"))
        self.status_runs = int(e.get("BENCH_STATUS_RUNS", "20"))
        self.out_json = e["BENCH_OUT_JSON"]
        self.deadline = time.monotonic() + float(e.get("BENCH_BUDGET_S", "480"))
        self.berth_ports = [self.port_base + i for i in range(N_APPS)]
        self.pm2_ports = [self.port_base + N_APPS + i for i in range(N_APPS)]
        self.cold_port = self.port_base + 2 * N_APPS
        self.berth_api_port = self.port_base + 2 * N_APPS + 1
        self.pm2_logs = os.path.join(self.tmp, "pm2-logs")
        os.makedirs(self.pm2_logs, exist_ok=True)

    # What every CLI, daemon and app of the run sees: a login-like environment, the same for both
    # tools and the reference start. The machine's own may hold things that change how fast Node
    # starts (NODE_EXTRA_CA_CERTS alone costs each node process about 50 ms here), and PM2 passes
    # its environment on to the apps while Berth does not.
    KEEP_ENV = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TMPDIR", "JAVA_HOME")

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k in self.KEEP_ENV or k.startswith("LC_")}
        env.update(BERTH_HOME=self.berth_home, PM2_HOME=self.pm2_home, BERTH_PORT=str(self.berth_api_port),
                   BENCH_TAG=self.tag)
        env.update(extra)
        return env

    def left_s(self):
        return self.deadline - time.monotonic()

    def berth_cmd(self, *args, timeout=120, check=True):
        r = subprocess.run([self.berth, *args], env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"berth {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def pm2_cmd(self, *args, timeout=120, check=True):
        r = subprocess.run([self.pm2, *args], env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"pm2 {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def berth_daemon_pid(self):
        with open(os.path.join(self.berth_home, "daemon.json")) as f:
            return int(json.load(f)["pid"])

    def pm2_daemon_pid(self):
        with open(os.path.join(self.pm2_home, "pm2.pid")) as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            title = f.read().replace(b"\0", b" ").decode(errors="replace")
        if "God Daemon" not in title:
            raise RuntimeError(f"pid {pid} from pm2.pid is not the PM2 God Daemon: {title!r}")
        return pid

    def berth_log(self, app):
        return os.path.join(self.berth_home, "logs", f"{app}-0-out.log")

    def pm2_log(self, app):
        """The out log of a PM2 app, as PM2 itself reports it (it may add "-<id>" to out_file)."""
        for a in json.loads(self.pm2_cmd("jlist").stdout):
            if a["name"] == app:
                return a["pm2_env"]["pm_out_log_path"]
        raise RuntimeError(f"pm2 jlist does not list {app}")


# ---- configuration files ----------------------------------------------------------------------

def berth_app_yaml(ctx, name, script, port=None, timestamp=False, autorestart=True, extra_env=None):
    lines = [f"  {name}:",
             f"    script: {script}",
             "    interpreter: node",
             f"    autorestart: {'true' if autorestart else 'false'}",
             # the smallest values berth.yml accepts: no wait before a restart; a process that lived 200 ms is stable
             "    restart_delay: 0ms",
             "    min_uptime: 200ms"]
    if port is not None:
        lines.append(f"    port: {port}")
    if timestamp:
        lines.append("    logs: {timestamp: true}")
    env = {"BENCH_TAG": ctx.tag}
    env.update(extra_env or {})
    lines.append("    env:")
    lines += [f"      {k}: \"{v}\"" for k, v in env.items()]
    return "\n".join(lines) + "\n"


def pm2_app(ctx, name, script, port=None, timestamp=False, autorestart=True, extra_env=None):
    env = {"BENCH_TAG": ctx.tag}
    if port is not None:
        env["PORT"] = str(port)
    env.update(extra_env or {})
    app = {"name": name, "script": script, "exec_mode": "fork", "instances": 1,
           "autorestart": autorestart, "restart_delay": 0, "min_uptime": 200,
           "out_file": os.path.join(ctx.pm2_logs, f"{name}-out.log"), "error_file": os.path.join(ctx.pm2_logs, f"{name}-err.log"),
           "env": env}
    if timestamp:
        app["log_date_format"] = "YYYY-MM-DDTHH:mm:ss.SSSZ"   # the same ISO-8601 stamp as Berth's `timestamp: true`
    return app


def write_berth_yml(path, apps_yaml):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("apps:\n" + "".join(apps_yaml))


def write_ecosystem(path, apps):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("module.exports = " + json.dumps({"apps": apps}, indent=2) + ";\n")


# ---- the measurements -----------------------------------------------------------------------

def start_fleets(ctx, res):
    log(f"starting {N_APPS} apps under Berth (ports {ctx.berth_ports[0]}-{ctx.berth_ports[-1]}) "
        f"and under PM2 (ports {ctx.pm2_ports[0]}-{ctx.pm2_ports[-1]})")
    byml = os.path.join(ctx.tmp, "berth-cfg", "berth.yml")
    write_berth_yml(byml, [berth_app_yaml(ctx, f"b{i}", APP_JS, port=p) for i, p in enumerate(ctx.berth_ports)])
    eco = os.path.join(ctx.tmp, "pm2-cfg", "ecosystem.config.js")
    write_ecosystem(eco, [pm2_app(ctx, f"p{i}", APP_JS, port=p) for i, p in enumerate(ctx.pm2_ports)])
    t = time.monotonic()
    ctx.berth_cmd("start", byml)
    berth_start = time.monotonic() - t
    t = time.monotonic()
    ctx.pm2_cmd("start", eco)
    pm2_start = time.monotonic() - t
    if not wait_serving(ctx.berth_ports + ctx.pm2_ports, 60):
        raise RuntimeError("not every app answers on its port within 60s")
    res["start"] = {"berth_start_10_apps_s": berth_start, "pm2_start_10_apps_s": pm2_start,
                    "note": "wall time of `berth start berth.yml` / `pm2 start ecosystem.config.js` (the daemon is started by that command)"}
    log(f"  berth start: {berth_start:.2f}s, pm2 start: {pm2_start:.2f}s; all 20 apps answer")
    # the same light traffic for every app, then let both daemons settle
    for p in ctx.berth_ports + ctx.pm2_ports:
        for _ in range(20):
            serving_pid(p)
    time.sleep(3)
    # what each daemon costs while nothing happens: CPU over 30 s (at 100 ticks a second, 10 s
    # would count in steps of 0.1 % and mostly the first round of checks after a start)
    pids = {"berth": ctx.berth_daemon_pid(), "pm2": ctx.pm2_daemon_pid()}
    before = {k: cpu_ticks(v) for k, v in pids.items()}
    t = time.monotonic()
    time.sleep(30)
    elapsed = time.monotonic() - t
    hz = os.sysconf("SC_CLK_TCK")
    res["idle_cpu"] = {k: (cpu_ticks(v) - before[k]) / hz / elapsed * 100 for k, v in pids.items()}
    res["idle_cpu"]["note"] = "% of one core used by the daemon process over 30 s with 10 idle apps"
    log(f"  daemon CPU while idle: berth {res['idle_cpu']['berth']:.2f}% , pm2 {res['idle_cpu']['pm2']:.2f}% of a core")


def daemon_rss_now(pid, n=3, gap=0.5):
    xs = []
    for i in range(n):
        v = rss_kb(pid)
        if v is not None:
            xs.append(v)
        if i < n - 1:
            time.sleep(gap)
    return median(xs)


def smaps_rollup_kb(pid):
    """Pss and Anonymous (KiB) from /proc/PID/smaps_rollup: what the process costs the machine once
    shared pages (a runtime's own binary, shared with other processes running it) are split among
    their users; None when unreadable."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k, _, rest = line.partition(":")
                if k in ("Pss", "Anonymous"):
                    out[k.lower()] = int(rest.split()[0])
    except OSError:
        return None
    return out if len(out) == 2 else None


def measure_memory(ctx, res):
    log("memory: daemons and apps")
    bpid, ppid = ctx.berth_daemon_pid(), ctx.pm2_daemon_pid()
    b_daemon, p_daemon = daemon_rss_now(bpid), daemon_rss_now(ppid)
    b_apps, p_apps = [], []
    for p in ctx.berth_ports:
        b_apps.append(rss_kb(serving_pid(p)))
    for p in ctx.pm2_ports:
        p_apps.append(rss_kb(serving_pid(p)))
    mem = {"berth_daemon_pid": bpid, "pm2_daemon_pid": ppid,
           "berth_daemon_rss_kb": b_daemon, "pm2_daemon_rss_kb": p_daemon,
           "berth_daemon_smaps_kb": smaps_rollup_kb(bpid), "pm2_daemon_smaps_kb": smaps_rollup_kb(ppid),
           "berth_app_rss_kb": b_apps, "pm2_app_rss_kb": p_apps}
    log(f"  daemon RSS: berth {b_daemon/1024:.1f} MB, pm2 {p_daemon/1024:.1f} MB; "
        f"app RSS median: berth {median(b_apps)/1024:.1f} MB, pm2 {median(p_apps)/1024:.1f} MB")

    # a burst of N log lines from one app of each fleet, one fleet after the other
    for tool, port, pid, logfile in (("berth", ctx.berth_ports[0], bpid, ctx.berth_log("b0")),
                                     ("pm2", ctx.pm2_ports[0], ppid, ctx.pm2_log("p0"))):
        offset = os.path.getsize(logfile) if os.path.exists(logfile) else 0
        sampler = RssSampler(pid)
        sampler.start()
        t0 = time.time()
        r = http_get(port, f"/burst?n={ctx.lines}", timeout=120)
        got = wait_final_line(logfile, ctx.lines, offset, limit_s=min(90, max(20, ctx.left_s())))
        time.sleep(3)
        peak = sampler.stop()
        after = daemon_rss_now(pid)
        if r is None or got is None:
            raise RuntimeError(f"{tool}: the burst of {ctx.lines} lines did not reach {logfile}")
        seen, write_ms, start_ms, app_rss = got
        mem[f"{tool}_burst"] = {"daemon_rss_peak_kb": peak, "daemon_rss_after_kb": after,
                                "app_write_ms": write_ms, "to_file_ms": seen * 1000 - start_ms,
                                "app_rss_after_write_mb": app_rss, "log_file": logfile}
        log(f"  {tool} burst: app wrote {ctx.lines} lines in {write_ms:.0f} ms, in the file after "
            f"{seen * 1000 - start_ms:.0f} ms; daemon RSS peak {peak/1024:.1f} MB, after {after/1024:.1f} MB")
    res["memory"] = mem


def measure_status(ctx, res):
    log("status: `berth status --json` vs `pm2 jlist`")
    # both must list the 10 apps as running before they are timed
    b = json.loads(ctx.berth_cmd("status", "--json").stdout)
    p = json.loads(ctx.pm2_cmd("jlist").stdout)
    b_up = sum(1 for a in b for i in a["instances"] if i["state"] == "running")
    p_up = sum(1 for a in p if a["pm2_env"]["status"] == "online")
    if b_up != N_APPS or p_up != N_APPS:
        raise RuntimeError(f"expected {N_APPS} running apps, berth lists {b_up}, pm2 lists {p_up}")
    runs = ctx.status_runs
    hf = shutil.which("hyperfine")
    st = {"runs": runs}
    if hf:
        out = os.path.join(ctx.tmp, "hyperfine.json")
        cmd = [hf, "-N", "--warmup", "3", "--runs", str(runs), "--style", "none", "--export-json", out,
               "-n", "berth", f"{ctx.berth} status --json", "-n", "pm2", f"{ctx.pm2} jlist"]
        subprocess.run(cmd, env=ctx.env(), check=True, timeout=300, stdout=subprocess.DEVNULL)
        with open(out) as f:
            results = {r["command"]: r for r in json.load(f)["results"]}
        st["tool"] = "hyperfine " + subprocess.run([hf, "--version"], capture_output=True, text=True).stdout.strip()
        for k in ("berth", "pm2"):
            times = results[k]["times"]
            st[k] = {"median_ms": median(times) * 1000, "min_ms": min(times) * 1000, "max_ms": max(times) * 1000,
                     "times_ms": [t * 1000 for t in times]}
    else:
        # no hyperfine: the two commands in turn, A B A B ..., after 3 warm-up runs of each
        st["tool"] = "python loop (A B A B ...); install hyperfine for the usual tool"
        cmds = {"berth": [ctx.berth, "status", "--json"], "pm2": [ctx.pm2, "jlist"]}
        times = {"berth": [], "pm2": []}
        for i in range(3 + runs):
            for k, c in cmds.items():
                t = time.perf_counter()
                subprocess.run(c, env=ctx.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=True)
                if i >= 3:
                    times[k].append(time.perf_counter() - t)
        for k in cmds:
            st[k] = {"median_ms": median(times[k]) * 1000, "min_ms": min(times[k]) * 1000,
                     "max_ms": max(times[k]) * 1000, "times_ms": [t * 1000 for t in times[k]]}
    log(f"  median: berth {st['berth']['median_ms']:.0f} ms, pm2 {st['pm2']['median_ms']:.0f} ms ({st['tool']})")
    res["status"] = st


def build_fingerprint(root):
    """Size and mtime of what ./berth runs, and whether sources are newer than the jar (./berth would rebuild)."""
    fp = {}
    for f in ("berth.jar", "berth-logd", "berth-cli.aot", "berth-cli.jsa"):
        path = os.path.join(root, "target", f)
        if os.path.exists(path):
            st = os.stat(path)
            fp[f] = [st.st_size, st.st_mtime]
    r = subprocess.run(["find", os.path.join(root, "src", "main"), os.path.join(root, "pom.xml"),
                        "-newer", os.path.join(root, "target", "berth.jar"), "-print", "-quit"],
                       capture_output=True, text=True)
    fp["sources_newer_than_jar"] = bool(r.stdout.strip())
    return fp


def crash_once(ctx, port, limit_s=15):
    """kill -9 whatever serves `port`; returns (ms until a different process answers "ok" there,
    ms from the kill until that process started, by its own clock)."""
    old = None
    end = time.monotonic() + 10
    while old is None and time.monotonic() < end:
        old = serving_pid(port)
        if old is None:
            time.sleep(0.05)
    if old is None:
        raise RuntimeError(f"nothing serves port {port}")
    if not proc_has_tag(old, ctx.tag):
        raise RuntimeError(f"pid {old} on port {port} is not one of this benchmark's processes; not killing it")
    killed_at = time.time()
    os.kill(old, signal.SIGKILL)
    t0 = time.perf_counter()
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        r = http_get(port, "/", timeout=0.5)
        if r and r[0] == 200 and r[1] == b"ok" and r[2] != old:
            return (time.perf_counter() - t0) * 1000, (r[3] - killed_at * 1000) if r[3] else None
        time.sleep(0.001)
    return None, f"port {port} did not answer again within {limit_s}s after kill -9 {old}"


def cold_start_once(ctx, limit_s=15):
    env = ctx.env(PORT=str(ctx.cold_port))
    t0 = time.perf_counter()
    p = subprocess.Popen(["node", APP_JS], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            if serving_pid(ctx.cold_port, timeout=0.5) == p.pid:
                return (time.perf_counter() - t0) * 1000
            if p.poll() is not None:
                raise RuntimeError(f"node app.js exited with {p.returncode}")
            time.sleep(0.001)
        raise RuntimeError(f"node app.js did not answer within {limit_s}s")
    finally:
        p.kill()
        p.wait(10)


def measure_crash(ctx, res):
    log(f"crash to serving: kill -9, {ctx.crash_reps} times each, Berth and PM2 in turn")
    b, p, bs, ps, cold = [], [], [], [], []
    missed = {"berth": [], "pm2": []}
    for i in range(ctx.crash_reps):
        for tool, port, total, spawned in (("berth", ctx.berth_ports[1], b, bs), ("pm2", ctx.pm2_ports[1], p, ps)):
            try:
                t, s = crash_once(ctx, port)
            except RuntimeError as e:  # nothing to kill (still down from before?): nothing killed, counted
                t, s = None, str(e)
            if t is None:  # never came back in time: counted, reported, and the other repetitions go on
                missed[tool].append(s)
                res.setdefault("warnings", []).append(f"crash {tool} #{i}: {s}")
                log(f"  {tool} #{i}: {s}")
                continue
            total.append(t)
            spawned.append(s)
        time.sleep(1.0)  # past min_uptime (200 ms) with room: each kill is a stable exit, never a crash loop
    for i in range(ctx.crash_reps):
        cold.append(cold_start_once(ctx))
    res["crash"] = {"berth_ms": b, "pm2_ms": p, "cold_start_ms": cold, "not_back_within_15s": missed,
                    "berth_kill_to_process_start_ms": bs, "pm2_kill_to_process_start_ms": ps,
                    "berth_median_ms": median(b), "pm2_median_ms": median(p), "cold_start_median_ms": median(cold),
                    "berth_kill_to_process_start_median_ms": median([x for x in bs if x is not None]),
                    "pm2_kill_to_process_start_median_ms": median([x for x in ps if x is not None]),
                    "note": "kill_to_process_start: the new process's performance.timeOrigin minus the time of the kill "
                            "(how long the supervisor took to start it); the rest is the app's own start"}
    c = res["crash"]
    log(f"  median: berth {fmt(c['berth_median_ms'])} ms, pm2 {fmt(c['pm2_median_ms'])} ms, node app.js cold start "
        f"{fmt(c['cold_start_median_ms'])} ms; kill to new process: berth {fmt(c['berth_kill_to_process_start_median_ms'])} ms, "
        f"pm2 {fmt(c['pm2_kill_to_process_start_median_ms'])} ms")


def log_run(ctx, variant, rep):
    """One run of lines.js (N lines) in one variant; returns the figures."""
    n = ctx.lines
    name = f"l{variant.replace('_', '')}{rep}"
    limit = min(90, max(20, ctx.left_s()))
    if variant == "pipe":
        # The ceiling for any relay: the app's stdout a pipe that `cat` copies to the file, no
        # stamping, no rotation. Measured like the others: first write until the last line is in the file.
        path = os.path.join(ctx.tmp, f"{name}.log")
        with open(path, "wb") as out:
            app = subprocess.Popen(["node", LINES_JS], env=ctx.env(BENCH_LINES=str(n), BENCH_EXIT="1"),
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            sink = subprocess.Popen(["cat"], stdin=app.stdout, stdout=out, env=ctx.env())
            app.stdout.close()
        try:
            got = wait_final_line(path, n, 0, limit)
            app.wait(60)
            sink.wait(30)
        finally:
            for p in (app, sink):
                if p.poll() is None:
                    p.kill()
                    p.wait(10)
    elif variant == "file":
        path = os.path.join(ctx.tmp, f"{name}.log")
        with open(path, "wb") as out:
            proc = subprocess.Popen(["node", LINES_JS], env=ctx.env(BENCH_LINES=str(n), BENCH_EXIT="1"),
                                    stdout=out, stderr=subprocess.DEVNULL)
        try:
            got = wait_final_line(path, n, 0, limit)
            proc.wait(60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    elif variant.startswith("berth"):
        yml = os.path.join(ctx.tmp, "berth-cfg", f"{name}.yml")
        write_berth_yml(yml, [berth_app_yaml(ctx, name, LINES_JS, timestamp=variant == "berth_ts", autorestart=False,
                                             extra_env={"BENCH_LINES": n})])
        path = ctx.berth_log(name)
        ctx.berth_cmd("start", yml)
        try:
            got = wait_final_line(path, n, 0, limit)
        finally:
            ctx.berth_cmd("delete", name, check=False)
    else:
        eco = os.path.join(ctx.tmp, "pm2-cfg", f"{name}.config.js")
        write_ecosystem(eco, [pm2_app(ctx, name, LINES_JS, timestamp=variant == "pm2_ts", autorestart=False,
                                      extra_env={"BENCH_LINES": str(n)})])
        ctx.pm2_cmd("start", eco)
        path = ctx.pm2_log(name)
        try:
            got = wait_final_line(path, n, 0, limit)
        finally:
            ctx.pm2_cmd("delete", name, check=False)
    if got is None:
        raise RuntimeError(f"log {variant} run {rep}: the last line did not reach {path} within {limit:.0f}s")
    seen, write_ms, start_ms, app_rss = got
    to_file_ms = seen * 1000 - start_ms
    in_file = count_lines(path)
    os.remove(path)
    r = {"write_ms": write_ms, "to_file_ms": to_file_ms, "lines_per_s": n / (to_file_ms / 1000),
         "app_write_lines_per_s": n / (write_ms / 1000), "app_rss_after_write_mb": app_rss,
         "lines_in_file": in_file, "complete": in_file == n + 1}
    log(f"  {variant:9s} #{rep}: app wrote in {write_ms:7.0f} ms, last line in the file after {to_file_ms:7.0f} ms "
        f"({r['lines_per_s']:,.0f} lines/s), app RSS {app_rss:.0f} MB, {in_file} lines in the file")
    return r


LOG_VARIANTS = ("pipe", "file", "berth", "pm2", "berth_ts", "pm2_ts")


def measure_logs(ctx, res):
    log(f"log throughput: {ctx.lines} lines of 100 bytes, {ctx.log_reps} run(s) of each variant, in turn")
    runs = {v: [] for v in LOG_VARIANTS}
    for rep in range(ctx.log_reps):
        for v in LOG_VARIANTS:
            runs[v].append(log_run(ctx, v, rep))
    out = {}
    for v, rs in runs.items():
        out[v] = {"runs": rs,
                  "median_write_ms": median([r["write_ms"] for r in rs]),
                  "median_to_file_ms": median([r["to_file_ms"] for r in rs]),
                  "median_lines_per_s": median([r["lines_per_s"] for r in rs]),
                  "all_complete": all(r["complete"] for r in rs)}
    res["logs"] = out


# ---- summary --------------------------------------------------------------------------------


def summarize(ctx, res):
    """The table: metric, berth, pm2 (or the baseline), ratio berth/other, goal, met."""
    rows = []

    def row(metric, berth, other, other_is, goal="-", test=None, ratio="auto"):
        r = div(berth, other) if ratio == "auto" else ratio
        met = None
        if test is not None:
            v = r if test[0] == "ratio" else berth
            met = None if v is None else (v <= test[2] if test[1] == "<=" else v >= test[2])
        rows.append({"metric": metric, "berth": berth, "other": other, "other_is": other_is,
                     "ratio": r, "goal": goal, "met": met})

    mb = lambda kb: None if kb is None else kb / 1024
    m = res.get("memory")
    if m:
        row("daemon RSS, 10 apps (MB)", mb(m["berth_daemon_rss_kb"]), mb(m["pm2_daemon_rss_kb"]), "pm2",
            "<= 0.75x", ("ratio", "<=", 0.75))
        bs, ps = m.get("berth_daemon_smaps_kb"), m.get("pm2_daemon_smaps_kb")
        if bs and ps:
            # RSS counts a shared page whole in every process that maps it: PM2's daemon shares the
            # node binary with the 20 node apps, Berth's JVM shares libjvm with nothing.
            row("  daemon PSS, shared pages split among their users (MB)", mb(bs["pss"]), mb(ps["pss"]), "pm2")
            row("  daemon anonymous (private) memory (MB)", mb(bs["anonymous"]), mb(ps["anonymous"]), "pm2")
        row("app RSS, median of 10 (MB)", mb(median([x for x in m["berth_app_rss_kb"] if x])),
            mb(median([x for x in m["pm2_app_rss_kb"] if x])), "pm2")
        bb, pb = m.get("berth_burst"), m.get("pm2_burst")
        if bb and pb:
            row(f"daemon RSS after {ctx.lines:,}-line burst (MB)", mb(bb["daemon_rss_after_kb"]),
                mb(pb["daemon_rss_after_kb"]), "pm2")
            growth = lambda after, before: (after / before - 1) * 100
            row("  daemon RSS growth after the burst (%)", growth(bb["daemon_rss_after_kb"], m["berth_daemon_rss_kb"]),
                growth(pb["daemon_rss_after_kb"], m["pm2_daemon_rss_kb"]), "pm2", "berth <= 5%",
                ("value", "<=", 5), ratio=None)
            row("  daemon RSS peak during the burst (MB)", mb(bb["daemon_rss_peak_kb"]), mb(pb["daemon_rss_peak_kb"]), "pm2")
    ic = res.get("idle_cpu")
    if ic:
        row("daemon CPU, idle, 10 apps (% of a core)", ic["berth"], ic["pm2"], "pm2")
    st = res.get("start")
    if st:
        row("start 10 apps, wall time (s)", st["berth_start_10_apps_s"], st["pm2_start_10_apps_s"], "pm2")
    s = res.get("status")
    if s:
        row("status --json vs jlist, median (ms)", s["berth"]["median_ms"], s["pm2"]["median_ms"], "pm2",
            "<= 0.5x", ("ratio", "<=", 0.5))
    c = res.get("crash")
    if c:
        row("kill -9 to serving again, median (ms)", c["berth_median_ms"], c["pm2_median_ms"], "pm2")
        row("  of which: kill -9 to new process started (ms)", c["berth_kill_to_process_start_median_ms"],
            c["pm2_kill_to_process_start_median_ms"], "pm2")
        nb, np_ = len(c["not_back_within_15s"]["berth"]), len(c["not_back_within_15s"]["pm2"])
        if nb or np_:
            row("  not serving again within 15 s (count)", nb, np_, "pm2", "berth 0", ("value", "<=", 0), ratio=None)
        row("  reference: node app.js cold start (ms)", None, c["cold_start_median_ms"], "node", ratio=None)
        over = lambda t: None if t is None or c["cold_start_median_ms"] is None else t - c["cold_start_median_ms"]
        row("kill -9 to serving, beyond the app's cold start (ms)", over(c["berth_median_ms"]), over(c["pm2_median_ms"]),
            "pm2", "berth <= 20 ms", ("value", "<=", 20), ratio=None)
    lg = res.get("logs")
    if lg:
        rate = lambda v: lg[v]["median_lines_per_s"]
        wt = lambda v: lg[v]["median_write_ms"]
        row("log lines/s, no timestamps: berth vs file", rate("berth"), rate("file"), "file", ">= 0.9x", ("ratio", ">=", 0.9))
        row("  log lines/s, no timestamps: berth vs pm2", rate("berth"), rate("pm2"), "pm2")
        row("log lines/s, timestamps: berth vs pm2", rate("berth_ts"), rate("pm2_ts"), "pm2", ">= 10x", ("ratio", ">=", 10))
        row("  log lines/s, timestamps: berth vs file", rate("berth_ts"), rate("file"), "file")
        # The 10x goal cannot be met when the app itself, writing to /dev/null, is slower than 10x pm2.
        row("  ceiling: the app into a pipe, cat to the file, vs pm2 timestamps", rate("pipe"), rate("pm2_ts"), "pm2")
        row("  log lines/s, timestamps: berth vs that ceiling", rate("berth_ts"), rate("pipe"), "pipe")
        row("app write time, timestamps: berth vs file (ms)", wt("berth_ts"), wt("file"), "file", "<= 1.5x", ("ratio", "<=", 1.5))
        row("app write time, no timestamps: berth vs file (ms)", wt("berth"), wt("file"), "file", "<= 1.5x", ("ratio", "<=", 1.5))
        row("  app write time, timestamps: pm2 vs file (ms)", wt("pm2_ts"), wt("file"), "file")
        complete = lambda vs: all(lg[v]["all_complete"] for v in vs)
        row("log files have every line (all runs)", complete(("berth", "berth_ts")), complete(("pm2", "pm2_ts")), "pm2",
            "berth yes", None, ratio=None)
        rows[-1]["met"] = complete(("berth", "berth_ts"))
    res["summary"] = rows
    return rows



def print_table(rows):
    head = ["metric", "berth", "pm2 / baseline", "ratio", "goal", "met"]
    body = [[r["metric"], fmt(r["berth"]),
             fmt(r["other"]) + ("" if r["other_is"] == "pm2" or r["other"] is None else f" ({r['other_is']})"),
             fmt(r["ratio"]) + ("x" if r["ratio"] is not None else ""), r["goal"],
             "-" if r["met"] is None else ("yes" if r["met"] else "NO")] for r in rows]
    print_rows(head, body)


# ---- entry points ---------------------------------------------------------------------------

def machine_info_with_node():
    info = machine_info()
    info["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return info


def measure():
    ctx = Ctx()
    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": machine_info_with_node(), "lines": ctx.lines,
           "berth_version": os.environ.get("BENCH_BERTH_DESC", ""), "pm2_version": os.environ.get("BENCH_PM2_VERSION", ""),
           "ports": {"berth_apps": ctx.berth_ports, "pm2_apps": ctx.pm2_ports, "cold": ctx.cold_port,
                     "berth_api": ctx.berth_api_port}}
    errors = []
    root = os.environ.get("BENCH_ROOT")
    fp_before = build_fingerprint(root) if root else None
    try:
        start_fleets(ctx, res)
        steps = (measure_memory, measure_status, measure_crash, measure_logs)
    except Exception as e:
        errors.append(f"start: {type(e).__name__}: {e}")
        log("FAILED: " + errors[-1])
        steps = ()
    for step in steps:  # a failed step is reported and the others still run
        if ctx.left_s() < 30:
            errors.append(f"time budget used up before {step.__name__}")
            break
        try:
            step(ctx, res)
        except Exception as e:
            errors.append(f"{step.__name__}: {type(e).__name__}: {e}")
            log("FAILED: " + errors[-1])
    if root:
        fp_after = build_fingerprint(root)
        res["berth_build"] = {"before": fp_before, "after": fp_after}
        if fp_after != fp_before:
            res.setdefault("warnings", []).append(
                "target/ or the sources changed during the run (another build in this checkout?): "
                "./berth CLI figures may mix two builds, or include a rebuild; run again")
    if errors or res.get("warnings"):
        res["errors"] = errors
        res["diagnostics"] = keep_diagnostics(ctx)
    res["machine"]["loadavg_at_end"] = os.getloadavg()
    rows = summarize(ctx, res)
    os.makedirs(os.path.dirname(ctx.out_json), exist_ok=True)
    with open(ctx.out_json, "w") as f:
        json.dump(res, f, indent=2)
    print()
    print(f"Berth {res['berth_version']} vs PM2 {res['pm2_version']}, node {res['machine']['node']}, "
          f"{res['machine']['cores']} cores, load {res['machine']['loadavg_at_start'][0]:.2f} -> "
          f"{res['machine']['loadavg_at_end'][0]:.2f}, {ctx.lines:,} lines per log run")
    print_table(rows)
    print(f"\nraw figures: {ctx.out_json}")
    for w in res.get("warnings", []):
        print("WARNING: " + w)
    if errors:
        print("benchmark FAILED:\n  " + "\n  ".join(errors) + f"\n  diagnostics: {res['diagnostics']}", file=sys.stderr)
        return 1
    return 0


def keep_diagnostics(ctx):
    """On failure: both daemons' logs and views, next to the JSON (the temporary directory goes away)."""
    d = ctx.out_json[:-len(".json")] + "-diagnostics"
    os.makedirs(d, exist_ok=True)
    srcs = [os.path.join(ctx.berth_home, "daemon.log"), os.path.join(ctx.pm2_home, "pm2.log")]
    for logdir in (ctx.pm2_logs, os.path.join(ctx.berth_home, "logs")):
        if os.path.isdir(logdir):
            srcs += [os.path.join(logdir, f) for f in os.listdir(logdir) if "err" in f]
    for src in srcs:
        if os.path.exists(src) and os.path.getsize(src) < (1 << 20):
            shutil.copy(src, d)
    for name, fn in (("berth-status.json", lambda: ctx.berth_cmd("status", "--json", check=False, timeout=30).stdout),
                     ("pm2-jlist.json", lambda: ctx.pm2_cmd("jlist", check=False, timeout=30).stdout)):
        try:
            with open(os.path.join(d, name), "w") as f:
                f.write(fn())
        except Exception as e:
            log(f"cannot keep {name}: {e}")
    try:
        b = json.loads(ctx.berth_cmd("status", "--json", check=False, timeout=30).stdout or "[]")
        with open(os.path.join(d, "berth-describe.txt"), "w") as f:
            for a in b:
                f.write(ctx.berth_cmd("describe", a["name"], check=False, timeout=30).stdout + "\n")
    except Exception as e:
        log(f"cannot keep berth describe: {e}")
    return d



if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "measure":
        sys.exit(measure())
    if cmd == "sweep":
        sys.exit(sweep(sys.argv[2]))
    if cmd == "ports":
        print(free_port_base(int(sys.argv[2])))
        sys.exit(0)
    print("usage: bench.py measure | sweep TAG | ports COUNT", file=sys.stderr)
    sys.exit(2)
