#!/usr/bin/python3
"""Measurement driver of bench/proxy/run: Berth's front door side by side with PM2 and plain nginx.

`run` prepares everything (a temporary directory, PM2 installed into it, Berth built, free ports)
and calls `bench.py measure` with the paths in the environment (see Ctx). Every process started
here carries BENCH_TAG=<unique tag> in its environment, so `bench.py sweep` can end exactly those;
nginx (Berth's managed one and the hand-written one) is ended by `run` from its pid file.

Only the standard library (plus the `wrk` binary); talks to 127.0.0.1 only; every wait is bounded.
"""
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, free_port_base, div, fmt, sweep, machine_info, proc_has_tag, median, print_goal_table, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
APP_JS = os.path.join(HERE, "app.js")



def http_get(port, path="/", timeout=1.0):
    """(status, body) of GET http://127.0.0.1:port/path on a new connection, or (None, error)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return None, type(e).__name__
    finally:
        c.close()


def wait_body(port, want, limit_s):
    """Until GET / answers 200 with a body starting with `want` (bytes); True when it did."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        s, b = http_get(port, timeout=0.5)
        if s == 200 and b.startswith(want):
            return True
        time.sleep(0.02)
    return False


def vm_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def group_rss_kb(pgid):
    """Sum of VmRSS of every process in process group `pgid` (an nginx master and its workers)."""
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += vm_rss_kb(int(d)) or 0
        except (OSError, ValueError, IndexError):
            pass
    return total


def port_base(count):
    """free_port_base, but below the kernel's ephemeral range when 30000-40000 overlaps it (Linux:
    32768-60999). The load loops make tens of thousands of connections; a GET to a port in that range
    while nothing listens there (an app restarting) can connect to itself (TCP simultaneous open), and
    that socket then holds the port: the app fails with EADDRINUSE and stays down."""
    lo, hi = 30000, 40000
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            eph_lo, eph_hi = (int(x) for x in f.read().split())
        if eph_lo < hi and eph_hi >= lo:
            hi = eph_lo
            if hi - lo < 4 * count:
                lo = max(1024, hi - 10000)
    except (OSError, ValueError):
        pass
    return free_port_base(count, lo=lo, hi=hi)


# ---- context --------------------------------------------------------------------------------

class Home:
    """One BERTH_HOME with its project directory, daemon API port, and (with sites) front door ports."""

    def __init__(self, ctx, name, api_port, http_port=None, ports=None):
        self.ctx, self.name = ctx, name
        self.dir = os.path.join(ctx.tmp, "homes", name)
        self.project = os.path.join(ctx.tmp, "projects", name)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o700)
        os.makedirs(self.project, exist_ok=True)
        self.api_port, self.http_port, self.ports = api_port, http_port, ports
        self.yml = os.path.join(self.project, "berth.yml")

    def env(self):
        return self.ctx.env(BERTH_HOME=self.dir, BERTH_PORT=str(self.api_port))

    def cmd(self, *args, timeout=120, check=True):
        r = subprocess.run([self.ctx.berth, *args], env=self.env(), cwd=self.project, capture_output=True,
                           text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"berth {' '.join(args)} ({self.name}) exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def daemon_pid(self):
        with open(os.path.join(self.dir, "daemon.json")) as f:
            return int(json.load(f)["pid"])

    def nginx_pid(self):
        try:
            with open(os.path.join(self.dir, "frontdoor", "nginx", "nginx.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def instance_ports(self, app="web"):
        for a in json.loads(self.cmd("status", "--json").stdout):
            if a["name"] == app:
                return [i["port"] for i in a["instances"] if i["state"] == "running"]
        return []

    def proxy_yaml(self):
        lo, hi = self.ports
        return (f"proxy: {{nginx: managed, http_port: {self.http_port}, drain: 2s, ports: {lo}-{hi}}}\n"
                "sites:\n  local:\n    domains: [localhost, 127.0.0.1]\n    routes:\n      /: {app: web}\n")

    def write(self, text):
        with open(self.yml, "w") as f:
            f.write(text)

    def stop(self):
        """delete all, daemon stop, and the managed nginx (its process group, by its pid file)."""
        self.cmd("delete", "all", check=False, timeout=60)
        self.cmd("daemon", "stop", check=False, timeout=30)
        pid = self.nginx_pid()
        if pid:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    ours = self.dir.encode() in f.read()
                if ours:
                    os.killpg(pid, 15)
            except OSError:
                pass


class Ctx:
    KEEP_ENV = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TMPDIR", "JAVA_HOME")

    def __init__(self):
        e = os.environ
        self.tmp = e["BENCH_TMP"]
        self.tag = e["BENCH_TAG_VALUE"]
        self.berth = e["BENCH_BERTH"]
        self.pm2 = e["BENCH_PM2"]
        self.pm2_home = e["BENCH_PM2_HOME"]
        self.nginx = e.get("BENCH_NGINX", "/usr/sbin/nginx")
        self.out_json = e["BENCH_OUT_JSON"]
        self.reloads = int(e.get("BENCH_RELOADS", "10"))
        self.wrk_reps = int(e.get("BENCH_WRK_REPS", "6"))
        self.wrk_s = int(e.get("BENCH_WRK_SECONDS", "5"))
        self.wrk_threads = int(e.get("BENCH_WRK_THREADS", "2"))
        # wrk alone on one CPU: one thread (BENCH_WRK_THREADS when set); BENCH_NO_PIN=1 shares every CPU
        self.pinned_wrk_threads = int(e.get("BENCH_WRK_THREADS", "1"))
        self.no_pin = e.get("BENCH_NO_PIN", "") not in ("", "0")
        self.wrk_conns = int(e.get("BENCH_WRK_CONNS", "50"))
        self.rollback_reps = int(e.get("BENCH_ROLLBACK_REPS", "3"))
        self.deadline = time.monotonic() + float(e.get("BENCH_BUDGET_S", "540"))
        b = int(e["BENCH_PORT_BASE"])
        # layout of the 110 ports from free_port_base
        self.front = Home(self, "front", api_port=b + 33, http_port=b, ports=(b + 1, b + 32))
        self.pm2_fork_port, self.pm2_cluster_port = b + 34, b + 35
        self.hand_port, self.cold_port = b + 36, b + 37
        self.deploy = Home(self, "deploy", api_port=b + 71, http_port=b + 38, ports=(b + 39, b + 70))
        self.mem_on = Home(self, "mem-on", api_port=b + 105, http_port=b + 72, ports=(b + 73, b + 104))
        self.mem_off = Home(self, "mem-off", api_port=b + 107)
        self.mem_off_app_port = b + 106

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k in self.KEEP_ENV or k.startswith("LC_")}
        env.update(PM2_HOME=self.pm2_home, BENCH_TAG=self.tag)
        env.update(extra)
        return env

    def left_s(self):
        return self.deadline - time.monotonic()

    def pm2_cmd(self, *args, timeout=120, check=True):
        r = subprocess.run([self.pm2, *args], env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"pm2 {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def app_yaml(self, script=APP_JS, port=None, extra=""):
        lines = ["apps:", "  web:", f"    script: {script}", "    interpreter: node",
                 "    ready: {port: true, timeout: 20s}", "    kill_timeout: 5s"]
        if port is not None:
            lines.append(f"    port: {port}")
        lines.append(f"    env: {{BENCH_TAG: \"{self.tag}\"}}")
        return "\n".join(lines) + "\n" + extra


# ---- the app's own start ----------------------------------------------------------------------

def cold_start_ms(ctx, limit_s=15):
    """Exec of `node app.js` until it answers 200 on its port (polled every ~1 ms)."""
    # A port free right now: 30000-40000 overlaps the kernel's ephemeral range, and after the load
    # steps a fixed port may be the local end of some connection (EADDRINUSE).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err = os.path.join(ctx.tmp, "cold-start.err")
    t0 = time.perf_counter()
    with open(err, "wb") as ef:
        p = subprocess.Popen(["node", APP_JS], env=ctx.env(PORT=str(port)), stdout=subprocess.DEVNULL, stderr=ef)
    try:
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            s, _ = http_get(port, timeout=0.5)
            if s == 200:
                return (time.perf_counter() - t0) * 1000
            if p.poll() is not None:
                raise RuntimeError(f"node app.js exited with {p.returncode}: {open(err).read()[-500:]}")
            time.sleep(0.001)
        raise RuntimeError(f"node app.js did not answer within {limit_s}s")
    finally:
        p.kill()
        p.wait(10)


# ---- 1. reloads under load ----------------------------------------------------------------------

class Loader(threading.Thread):
    """GET / in a loop on a new connection each time (1 s timeout, ~2 ms apart); counts what failed."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.total = self.ok = 0
        self.bad_status = {}
        self.errors = {}
        self.first_failures = []
        self._stop_evt = threading.Event()

    def run(self):
        while not self._stop_evt.is_set():
            s, b = http_get(self.port, timeout=1.0)
            self.total += 1
            if s == 200:
                self.ok += 1
            else:
                key = str(s) if s is not None else b
                d = self.bad_status if s is not None else self.errors
                d[key] = d.get(key, 0) + 1
                if len(self.first_failures) < 20:
                    self.first_failures.append([round(time.time(), 3), key])
            self._stop_evt.wait(0.002)

    def stop(self):
        self._stop_evt.set()
        self.join(5)

    def figures(self):
        return {"total": self.total, "ok": self.ok, "failed": self.total - self.ok, "non_200": self.bad_status,
                "connection_errors": self.errors, "first_failures": self.first_failures}


def measure_reloads(ctx, res):
    log(f"reloads: {ctx.reloads} reloads each of berth (front door), pm2 fork, pm2 cluster, in turn, under load")
    h = ctx.front
    h.write(ctx.app_yaml() + h.proxy_yaml())
    h.cmd("start")
    eco = os.path.join(ctx.tmp, "ecosystem.config.js")
    apps = [{"name": name, "script": APP_JS, "exec_mode": mode, "instances": 1, "autorestart": True,
             "out_file": os.path.join(ctx.tmp, f"{name}-out.log"), "error_file": os.path.join(ctx.tmp, f"{name}-err.log"),
             "env": {"BENCH_TAG": ctx.tag, "PORT": str(port)}}
            for name, mode, port in (("pfork", "fork", ctx.pm2_fork_port), ("pcluster", "cluster", ctx.pm2_cluster_port))]
    with open(eco, "w") as f:
        f.write("module.exports = " + json.dumps({"apps": apps}, indent=2) + ";\n")
    ctx.pm2_cmd("start", eco)
    targets = {"berth": h.http_port, "pm2_fork": ctx.pm2_fork_port, "pm2_cluster": ctx.pm2_cluster_port}
    for k, port in targets.items():
        if not wait_body(port, b"ok", 30):
            raise RuntimeError(f"{k} does not serve on 127.0.0.1:{port}")
    cmds = {"berth": lambda: h.cmd("reload", "web", timeout=120),
            "pm2_fork": lambda: ctx.pm2_cmd("reload", "pfork"),
            "pm2_cluster": lambda: ctx.pm2_cmd("reload", "pcluster")}
    loaders = {k: Loader(p) for k, p in targets.items()}
    for ld in loaders.values():
        ld.start()
    times = {k: [] for k in targets}
    time.sleep(1.0)
    try:
        for i in range(ctx.reloads):
            if ctx.left_s() < 120:
                res.setdefault("warnings", []).append(f"reloads: stopped after {i} rounds (time budget)")
                break
            for k in targets:
                t = time.perf_counter()
                cmds[k]()
                times[k].append((time.perf_counter() - t) * 1000)
                # serving again (PM2's fork reload returns before the new process listens), then a pause
                wait_body(targets[k], b"ok", 20)
                time.sleep(0.5)
            log(f"  round {i + 1}: " + ", ".join(f"{k} failed {ld.total - ld.ok}/{ld.total}" for k, ld in loaders.items()))
        time.sleep(3.0)  # past Berth's drain (2 s): the old instance's stop is inside the window too
    finally:
        for ld in loaders.values():
            ld.stop()
    out = {k: dict(loaders[k].figures(), reload_cmd_ms=times[k], reload_cmd_median_ms=median(times[k]),
                   reloads=len(times[k])) for k in targets}
    res["reloads"] = out
    log("  " + ", ".join(f"{k}: {v['failed']} failed of {v['total']}" for k, v in out.items()))
    ctx.pm2_cmd("delete", "all", check=False)


# ---- 2. throughput and p99 ---------------------------------------------------------------------

def instance_pids(tag):
    """The app instances of this run (they carry BENCH_TAG): PM2's are stopped by now."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit() and proc_has_tag(int(d), tag):
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    if APP_JS.encode() in f.read():
                        out.append(int(d))
            except OSError:
                pass
    return out


WRK_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
WRK_P = re.compile(r"^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s)\s*$", re.M)
WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_SOCK = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
WRK_REQS = re.compile(r"(\d+) requests in")


def pin(pids, cpus):
    """Every thread of each pid onto cpus (threads of their own: node has several)."""
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                os.sched_setaffinity(int(tid), cpus)
            except OSError:
                pass


def with_workers(master):
    """An nginx master and its workers."""
    out = [master]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def wrk(ctx, port, seconds, cpus=None):
    cmd = ["wrk", "-t", str(ctx.wrk_threads if cpus is None else ctx.pinned_wrk_threads), "-c", str(ctx.wrk_conns),
           "-d", f"{seconds}s", "--latency", f"http://127.0.0.1:{port}/"]
    r = subprocess.run(cmd, env=ctx.env(), capture_output=True, text=True, timeout=seconds + 30,
                       preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    if r.returncode != 0:
        raise RuntimeError(f"wrk exited {r.returncode}: {r.stdout}\n{r.stderr}")
    out = r.stdout
    m = WRK_RPS.search(out)
    if not m:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    pct = {p: float(v) * unit[u] for p, v, u in WRK_P.findall(out)}
    non2xx = WRK_NON2XX.search(out)
    sock = WRK_SOCK.search(out)
    reqs = WRK_REQS.search(out)
    return {"rps": float(m.group(1)), "p50_ms": pct.get("50"), "p99_ms": pct.get("99"),
            "requests": int(reqs.group(1)) if reqs else None,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0}


def measure_throughput(ctx, res):
    h = ctx.front
    ports = h.instance_ports()
    if len(ports) != 1:
        raise RuntimeError(f"expected one running instance of web, status lists ports {ports}")
    app_port = ports[0]
    hd = os.path.join(ctx.tmp, "hand")
    os.makedirs(os.path.join(hd, "logs"), exist_ok=True)
    conf = os.path.join(hd, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""# the minimal hand-written proxy of bench/proxy (access log to a file, like nginx's default)
daemon on;
pid {hd}/nginx.pid;
error_log {hd}/logs/error.log warn;
worker_processes auto;
events {{}}
http {{
    access_log {hd}/logs/access.log;
    upstream u {{ server 127.0.0.1:{app_port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{ctx.hand_port};
        location / {{ proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }}
    }}
}}
""")
    subprocess.run([ctx.nginx, "-p", hd + "/", "-e", f"{hd}/logs/error.log", "-c", conf], env=ctx.env(),
                   check=True, timeout=30, capture_output=True)
    if not wait_body(ctx.hand_port, b"ok", 10):
        raise RuntimeError("the hand-written nginx does not serve")
    # the same instance behind both: check it is still the one the hand-written nginx points at
    if h.instance_ports() != [app_port]:
        raise RuntimeError("the instance of web changed port")
    n = ctx.wrk_reps
    # wrk on a CPU of its own, both nginx and the app on the others: on a small machine a load
    # generator fighting the server for the same cores makes the figures scheduling luck (the same
    # configuration measured 21,000-36,000 req/s in turn on 2 cores) instead of the proxies' cost
    every = sorted(os.sched_getaffinity(0))
    load_cpus = {every[-1]} if len(every) >= 2 and not ctx.no_pin else None
    servers = with_workers(h.nginx_pid()) + with_workers(int(open(os.path.join(hd, "nginx.pid")).read().strip())) \
        + instance_pids(ctx.tag)
    if load_cpus:
        pin(servers, set(every[:-1]))
    log(f"throughput: wrk -t{ctx.wrk_threads if load_cpus is None else ctx.pinned_wrk_threads} -c{ctx.wrk_conns} "
        f"-d{ctx.wrk_s}s --latency, {n} runs each, berth's nginx (:{h.http_port}) and the hand-written one "
        f"(:{ctx.hand_port}) in turn, to the app on :{app_port}"
        + (f"; wrk on CPU {every[-1]}, nginx and the app on CPU {','.join(map(str, every[:-1]))}" if load_cpus else "; not pinned"))
    try:
        for port in (h.http_port, ctx.hand_port):
            wrk(ctx, port, 2, load_cpus)  # warm-up: workers, upstream keepalive, the app's JIT
        runs = {"berth": [], "hand": []}
        for i in range(n):
            order = (("berth", h.http_port), ("hand", ctx.hand_port))
            if i % 2:
                order = order[::-1]
            for k, port in order:
                r = wrk(ctx, port, ctx.wrk_s, load_cpus)
                runs[k].append(r)
                log(f"  {k:5s} #{i}: {r['rps']:,.0f} req/s, p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
                    f"non-2xx {r['non_2xx']}, socket errors {r['socket_errors']}")
        # reference: the app itself, no proxy
        direct = wrk(ctx, app_port, ctx.wrk_s, load_cpus)
    finally:
        if load_cpus:
            pin(servers, set(every))
    log(f"  direct to the app: {direct['rps']:,.0f} req/s, p99 {direct['p99_ms']:.2f} ms")
    res["throughput"] = {"app_port": app_port, "berth_port": h.http_port, "hand_port": ctx.hand_port,
                         "pinned": {"wrk": sorted(load_cpus), "servers": every[:-1]} if load_cpus else None,
                         "hand_conf": open(conf).read(), "runs": runs, "direct": direct,
                         "berth_rps": median([r["rps"] for r in runs["berth"]]),
                         "hand_rps": median([r["rps"] for r in runs["hand"]]),
                         "berth_p99_ms": median([r["p99_ms"] for r in runs["berth"]]),
                         "hand_p99_ms": median([r["p99_ms"] for r in runs["hand"]]),
                         "errors": sum(r["non_2xx"] + r["socket_errors"] for rs in runs.values() for r in rs)}


# ---- 3. rollback to the old release serving ----------------------------------------------------

class Poller(threading.Thread):
    """GET / every ~10 ms (new connection); keeps (monotonic time, status, body)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.samples = port, []
        self._stop_evt = threading.Event()

    def run(self):
        while not self._stop_evt.is_set():
            t = time.perf_counter()
            s, b = http_get(self.port, timeout=1.0)
            self.samples.append((t, s, b if s is not None else None))
            self._stop_evt.wait(max(0.0, 0.010 - (time.perf_counter() - t)))

    def stop(self):
        self._stop_evt.set()
        self.join(5)


def measure_rollback(ctx, res):
    h = ctx.deploy
    src = os.path.join(ctx.tmp, "src")
    srv = os.path.join(ctx.tmp, "srv")
    os.makedirs(src, exist_ok=True)
    shutil.copy(APP_JS, os.path.join(src, "app.js"))

    def version(v):
        with open(os.path.join(src, "VERSION"), "w") as f:
            f.write(v + "\n")

    h.write(ctx.app_yaml(script="app.js", extra="").replace(
        "    env:", f"    deploy: {{path: {srv}, dir: {src}, settle: 1s}}\n    env:") + h.proxy_yaml())
    log(f"rollback: deploy v1, deploy v2, then `berth rollback web` x{ctx.rollback_reps} (v2 deployed again between)")
    version("v1")
    h.cmd("deploy", "web", timeout=180)
    if not wait_body(h.http_port, b"version=v1", 20):
        raise RuntimeError("v1 is not served after its deploy")
    cold = [cold_start_ms(ctx) for _ in range(5)]
    log(f"  the app's own start (exec to answering): median {median(cold):.0f} ms of {[round(c) for c in cold]}")
    reps = []
    for i in range(ctx.rollback_reps):
        if ctx.left_s() < 60:
            res.setdefault("warnings", []).append(f"rollback: stopped after {i} repetitions (time budget)")
            break
        version("v2")
        h.cmd("deploy", "web", timeout=180)
        if not wait_body(h.http_port, b"version=v2", 20):
            raise RuntimeError("v2 is not served after its deploy")
        time.sleep(0.5)
        poller = Poller(h.http_port)
        poller.start()
        time.sleep(0.3)
        t0 = time.perf_counter()
        r = subprocess.run([ctx.berth, "rollback", "web"], env=h.env(), cwd=h.project, capture_output=True,
                           text=True, timeout=120)
        t_cli = time.perf_counter()
        end = time.monotonic() + 10
        while time.monotonic() < end:   # on until 1.5 s after the CLI and v1 served
            last = poller.samples[-1] if poller.samples else None
            if time.perf_counter() - t_cli > 1.5 and last and last[1] == 200 and last[2].startswith(b"version=v1"):
                break
            time.sleep(0.05)
        poller.stop()
        if r.returncode != 0:
            raise RuntimeError(f"berth rollback web exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        after = [s for s in poller.samples if s[0] >= t0]
        v1 = lambda s: s[1] == 200 and s[2].startswith(b"version=v1")
        last_not_v1 = max((j for j, s in enumerate(after) if not v1(s)), default=-1)
        if last_not_v1 + 1 >= len(after):
            raise RuntimeError("v1 was not served after the rollback")
        all_v1_ms = (after[last_not_v1 + 1][0] - t0) * 1000
        failed = sum(1 for s in after if s[1] != 200)
        first_v1_ms = next(((s[0] - t0) * 1000 for s in after if v1(s)), None)
        rep = {"all_v1_ms": all_v1_ms, "first_v1_ms": first_v1_ms, "cli_ms": (t_cli - t0) * 1000,
               "polls": len(after), "failed": failed, "v2_after_first_v1": sum(
                   1 for s in after if first_v1_ms is not None and (s[0] - t0) * 1000 > first_v1_ms and not v1(s))}
        reps.append(rep)
        log(f"  #{i}: every response v1 after {all_v1_ms:.0f} ms (first v1 {first_v1_ms:.0f} ms), CLI {rep['cli_ms']:.0f} ms, "
            f"{failed} failed of {len(after)} polls")
    res["rollback"] = {"reps": reps, "cold_start_ms": cold, "cold_start_median_ms": median(cold),
                       "all_v1_median_ms": median([r["all_v1_ms"] for r in reps]),
                       "cli_median_ms": median([r["cli_ms"] for r in reps]),
                       "failed": sum(r["failed"] for r in reps)}
    h.stop()


# ---- 4. daemon RSS with and without the front door -------------------------------------------

def measure_memory(ctx, res):
    log("daemon RSS: the same app in two BERTH_HOMEs, one with `sites:` (front door on), one with `port:`")
    # the daemons of the steps before are stopped first: two daemons only, the same for both
    for h in (ctx.front, ctx.deploy):
        if os.path.exists(os.path.join(h.dir, "daemon.json")):
            h.stop()
    on, off = ctx.mem_on, ctx.mem_off
    on.write(ctx.app_yaml() + on.proxy_yaml())
    off.write(ctx.app_yaml(port=ctx.mem_off_app_port))
    on.cmd("start")
    off.cmd("start")
    if not wait_body(on.http_port, b"ok", 20) or not wait_body(ctx.mem_off_app_port, b"ok", 20):
        raise RuntimeError("the app does not serve in both homes")
    # the same small use in each: 20 requests, a status; then idle
    for _ in range(20):
        http_get(on.http_port)
        http_get(ctx.mem_off_app_port)
    on.cmd("status", "--json")
    off.cmd("status", "--json")
    on.cmd("proxy", "status", "--json")
    time.sleep(10)
    pon, poff = on.daemon_pid(), off.daemon_pid()
    son, soff = [], []
    for _ in range(5):
        son.append(vm_rss_kb(pon))
        soff.append(vm_rss_kb(poff))
        time.sleep(1)
    npid = on.nginx_pid()
    res["memory"] = {"on_kb": son, "off_kb": soff, "on_median_kb": median(son), "off_median_kb": median(soff),
                     "diff_mb": (median(son) - median(soff)) / 1024,
                     "nginx_group_rss_kb": group_rss_kb(npid) if npid else None}
    m = res["memory"]
    log(f"  daemon VmRSS median: front door on {m['on_median_kb']/1024:.1f} MB, off {m['off_median_kb']/1024:.1f} MB, "
        f"diff {m['diff_mb']:+.1f} MB (managed nginx itself: {(m['nginx_group_rss_kb'] or 0)/1024:.1f} MB)")


# ---- summary --------------------------------------------------------------------------------

def summarize(res):
    rows = []

    def row(metric, berth, other, other_is, goal="-", met=None, ratio="auto"):
        r = div(berth, other) if ratio == "auto" else ratio
        rows.append({"metric": metric, "berth": berth, "other": other, "other_is": other_is, "ratio": r,
                     "goal": goal, "met": met})

    rl = res.get("reloads")
    if rl:
        b = rl["berth"]
        n = b["reloads"]
        row(f"failed requests, {n} reloads: berth vs pm2 fork", b["failed"], rl["pm2_fork"]["failed"], "pm2 fork",
            "berth 0", b["failed"] == 0, ratio=None)
        row(f"failed requests, {n} reloads: berth vs pm2 cluster", b["failed"], rl["pm2_cluster"]["failed"],
            "pm2 cluster", "berth 0", b["failed"] == 0, ratio=None)
        row("  total requests in that window: berth vs pm2 fork", b["total"], rl["pm2_fork"]["total"], "pm2 fork")
        row("  total requests in that window: berth vs pm2 cluster", b["total"], rl["pm2_cluster"]["total"], "pm2 cluster")
        row("  reload command, median (ms): berth vs pm2 fork", b["reload_cmd_median_ms"],
            rl["pm2_fork"]["reload_cmd_median_ms"], "pm2 fork")
        row("  reload command, median (ms): berth vs pm2 cluster", b["reload_cmd_median_ms"],
            rl["pm2_cluster"]["reload_cmd_median_ms"], "pm2 cluster")
    tp = res.get("throughput")
    if tp:
        r = div(tp["berth_rps"], tp["hand_rps"])
        row("throughput, median (req/s): berth's nginx vs hand-written", tp["berth_rps"], tp["hand_rps"], "hand",
            ">= 0.95x", None if r is None else r >= 0.95)
        r = div(tp["berth_p99_ms"], tp["hand_p99_ms"])
        row("p99 latency, median (ms): berth's nginx vs hand-written", tp["berth_p99_ms"], tp["hand_p99_ms"], "hand",
            "<= 1.1x", None if r is None else r <= 1.1)
        row("  reference: the app direct, no proxy (req/s)", None, tp["direct"]["rps"], "direct", ratio=None)
        row("  reference: the app direct, no proxy, p99 (ms)", None, tp["direct"]["p99_ms"], "direct", ratio=None)
        row("  non-2xx and socket errors in the wrk runs", tp["errors"], None, "-", ratio=None)
    rb = res.get("rollback")
    if rb and rb["reps"]:
        over = rb["all_v1_median_ms"] - rb["cold_start_median_ms"]
        row("rollback to every response v1, median (ms) vs app start", rb["all_v1_median_ms"], rb["cold_start_median_ms"],
            "app start", "< app start + 1000", over < 1000)
        row("  rollback beyond the app's own start (ms)", over, None, "-", ratio=None)
        row("  berth rollback command, median (ms)", rb["cli_median_ms"], None, "-", ratio=None)
        row("  failed polls during the rollbacks", rb["failed"], None, "-", "0", rb["failed"] == 0, ratio=None)
    m = res.get("memory")
    if m:
        row("daemon RSS, median (MB): front door on vs off", m["on_median_kb"] / 1024, m["off_median_kb"] / 1024, "off",
            "<= +3 MB", m["diff_mb"] <= 3)
        row("  difference (MB)", m["diff_mb"], None, "-", ratio=None)
        if m.get("nginx_group_rss_kb"):
            row("  managed nginx itself, master + workers (MB, not in the daemon)", m["nginx_group_rss_kb"] / 1024, None,
                "-", ratio=None)
    res["summary"] = rows
    return rows


def keep_diagnostics(ctx):
    d = ctx.out_json[:-len(".json")] + "-diagnostics"
    os.makedirs(d, exist_ok=True)
    for h in (ctx.front, ctx.deploy, ctx.mem_on, ctx.mem_off):
        for rel in ("daemon.log", "frontdoor/nginx/logs/error.log", "frontdoor/nginx/nginx.conf"):
            p = os.path.join(h.dir, rel)
            if os.path.exists(p) and os.path.getsize(p) < (1 << 20):
                shutil.copy(p, os.path.join(d, f"{h.name}-{rel.replace('/', '-')}"))
        logs = os.path.join(h.dir, "logs")
        if os.path.isdir(logs):
            for f in os.listdir(logs):
                if "err" in f and os.path.getsize(os.path.join(logs, f)) < (1 << 20):
                    shutil.copy(os.path.join(logs, f), os.path.join(d, f"{h.name}-{f}"))
    p = os.path.join(ctx.pm2_home, "pm2.log")
    if os.path.exists(p):
        shutil.copy(p, d)
    return d


def measure():
    ctx = Ctx()
    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": machine_info(), "berth_version": os.environ.get("BENCH_BERTH_DESC", ""),
           "pm2_version": os.environ.get("BENCH_PM2_VERSION", ""), "nginx_version": os.environ.get("BENCH_NGINX_VERSION", ""),
           "wrk_version": os.environ.get("BENCH_WRK_VERSION", "")}
    res["machine"]["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    errors = []
    for step in (measure_reloads, measure_throughput, measure_rollback, measure_memory):
        if ctx.left_s() < 30:
            errors.append(f"time budget used up before {step.__name__}")
            break
        try:
            step(ctx, res)
        except Exception as e:
            errors.append(f"{step.__name__}: {type(e).__name__}: {e}")
            log("FAILED: " + errors[-1])
    if errors:
        res["errors"] = errors
        res["diagnostics"] = keep_diagnostics(ctx)
    res["machine"]["loadavg_at_end"] = os.getloadavg()
    rows = summarize(res)
    os.makedirs(os.path.dirname(ctx.out_json), exist_ok=True)
    with open(ctx.out_json, "w") as f:
        json.dump(res, f, indent=2, default=str)
    mi = res["machine"]
    print()
    print(f"Berth {res['berth_version']} vs PM2 {res['pm2_version']} and nginx {res['nginx_version']} by hand; "
          f"node {mi['node']}, {res['wrk_version']}, {mi['cores']} cores, load {mi['loadavg_at_start'][0]:.2f} -> "
          f"{mi['loadavg_at_end'][0]:.2f}")
    print_goal_table(rows)
    print(f"\nraw figures: {ctx.out_json}")
    for w in res.get("warnings", []):
        print("WARNING: " + w)
    if errors:
        print("benchmark FAILED:\n  " + "\n  ".join(errors) + f"\n  diagnostics: {res['diagnostics']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main(measure, port_base)
