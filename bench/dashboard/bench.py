#!/usr/bin/python3
"""Measurement driver of bench/dashboard/run: the dashboard's first paint, the daemon's RSS while it is
open, and the size of the metrics history.

`run` prepares everything (a temporary directory, Berth built, free ports) and calls `bench.py measure`
with the paths in the environment (see Ctx). Every process started here carries BENCH_TAG=<unique tag>
in its environment (the daemon and its CLI, the apps through their berth.yml `env:`, chromedriver and
the chromium it starts, the history fills), so `bench.py sweep` can end exactly those.

Only the standard library: chromium is driven through chromedriver with the W3C WebDriver protocol over
HTTP on 127.0.0.1; the API is called with urllib (no proxy); the history files are read with sqlite3,
read-only. Every wait is bounded.
"""
import concurrent.futures
import datetime
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, free_port_base, div, fmt, sweep, machine_info, cpu_ticks, median, print_goal_table, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FILL = os.path.join(HERE, "FillHistory.java")
# Uptime Kuma's dashboard with 700 monitors: about 45 s to show (the figure of issue #12, its users'
# most cited complaint); a reference, not measured here
KUMA_MS = 45_000.0
TIERS = (("10s", "points_10s"), ("1m", "points_1m"), ("5m", "points_5m"), ("1h", "points_1h"))
# MetricsHistory's bound: rows of one series in each tier (8,640 + 2,880 + 8,640 + 720 = 20,880), and the
# minute of rows that waits for the next pruning (6 of 10 s, 1 of each coarser tier)
TIER_ROWS = {"10s": 8640, "1m": 2880, "5m": 8640, "1h": 720}
SERIES_ROWS_BOUND = sum(TIER_ROWS.values())
PRUNE_SLACK = 6 + 1 + 1 + 1
# the overview's calls (src/main/resources/dashboard/app.js, views.overview): six at once, then the apps' series
OVERVIEW_FIRST = ["/api/v1/apps", "/api/v1/checks", "/api/v1/deployments?limit=100", "/api/v1/backups",
                  "/api/v1/alerts?limit=200", "/api/v1/series?prefix=host&from=-1h&points=60"]
OVERVIEW_THEN = "/api/v1/series?prefix=app&from=-1h&points=60"

# What the page says of itself once the overview shows its data (performance.mark('berth:shown') in app.js).
PAGE_FIGURES = """
const paint = (n) => { const e = performance.getEntriesByType('paint').find((x) => x.name === n); return e ? e.startTime : null; };
const shown = performance.getEntriesByName('berth:shown')[0];
const nav = performance.getEntriesByType('navigation')[0];
const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/')).map((e) => ({
  path: e.name.replace(location.origin, ''), start: e.startTime, ms: e.duration, bytes: e.transferSize || e.encodedBodySize || 0}));
const rows = document.querySelectorAll('tr[data-app]');
let drawn = 0;
rows.forEach((r) => { if (r.querySelector('svg path')) drawn++; });
return {fcp: paint('first-contentful-paint'), fp: paint('first-paint'), shown: shown ? shown.startTime : null,
  dom_content_loaded: nav ? nav.domContentLoadedEventEnd : null, load: nav ? nav.loadEventEnd : null,
  api: api, app_rows: rows.length, rows_with_history: drawn, login_form: !!document.getElementById('login-submit'),
  hash: location.hash, hidden: document.hidden, title: document.title};
"""



def pct(xs, p):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def proc_status_kb(pid):
    """VmRSS, RssAnon, RssFile, RssShmem of one process, KiB (None when it is gone)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k = line.split(":", 1)[0]
                if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM", "Threads"):
                    out[k] = int(line.split()[1])
    except OSError:
        return None
    return out


HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) ")


def range_rss_kb(pid, lo, hi):
    """Rss of the mappings of pid inside [lo, hi) (bytes), from /proc/PID/smaps (read only)."""
    total, inside = 0, False
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                m = HEADER.match(line)
                if m:
                    inside = int(m.group(1), 16) >= lo and int(m.group(2), 16) <= hi
                elif inside and line.startswith("Rss:"):
                    total += int(line.split()[1])
    except OSError:
        return None
    return total


def jvm_heap_range(pid):
    """Where the daemon's Java heap most likely is: -Xmx from its command line, placed (compressed oops,
    zero-based) to end at 4 GiB. Checked against jcmd's GC.heap_info at the end of the run."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return None
    for a in args:
        m = re.match(rb"-Xmx(\d+)([kKmMgG]?)$", a)
        if m:
            n = int(m.group(1)) * {b"": 1, b"k": 1 << 10, b"m": 1 << 20, b"g": 1 << 30}[m.group(2).lower()]
            return (1 << 32) - n, 1 << 32
    return None


def port_base(count):
    """free_port_base, below the kernel's ephemeral range when 30000-40000 overlaps it (as bench/proxy)."""
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


def wait_for(what, limit_s, probe, every=0.2):
    end = time.monotonic() + limit_s
    last = None
    while time.monotonic() < end:
        last = probe()
        if last:
            return last
        time.sleep(every)
    raise RuntimeError(f"{what}: not within {limit_s:.0f} s")


# ---- context --------------------------------------------------------------------------------

class Ctx:
    KEEP_ENV = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "JAVA_HOME")

    def __init__(self):
        e = os.environ
        self.tmp = e["BENCH_TMP"]
        self.tag = e["BENCH_TAG_VALUE"]
        self.berth = e["BENCH_BERTH"]
        self.java = e["BENCH_JAVA"]
        self.jar = e["BENCH_JAR"]
        self.out_json = e["BENCH_OUT_JSON"]
        self.chromium = e.get("BENCH_CHROMIUM", "/usr/bin/chromium")
        self.chromedriver = e.get("BENCH_CHROMEDRIVER", "/usr/bin/chromedriver")
        self.apps = int(e.get("BENCH_APPS", "50"))
        self.days = int(e.get("BENCH_DAYS", "30"))
        self.size_apps = int(e.get("BENCH_SIZE_APPS", "10"))
        self.size_instances = int(e.get("BENCH_SIZE_INSTANCES", "2"))
        self.size_checks = int(e.get("BENCH_SIZE_CHECKS", "5"))
        self.size_extra_days = int(e.get("BENCH_SIZE_EXTRA_DAYS", "2"))
        self.idle_s = float(e.get("BENCH_IDLE_S", "120"))
        self.idle_every_s = float(e.get("BENCH_IDLE_EVERY_S", "5"))
        self.dash_minutes = float(e.get("BENCH_DASH_MINUTES", "10"))
        self.sample_s = float(e.get("BENCH_SAMPLE_S", "30"))
        self.paint_runs = int(e.get("BENCH_PAINT_RUNS", "10"))
        self.link_runs = int(e.get("BENCH_LINK_RUNS", "3"))
        self.api_runs = int(e.get("BENCH_API_RUNS", "20"))
        self.status_runs = int(e.get("BENCH_STATUS_RUNS", "10"))
        self.deadline = time.monotonic() + float(e.get("BENCH_BUDGET_S", "1200"))
        b = int(e["BENCH_PORT_BASE"])
        self.api_port, self.web_port, self.driver_port = b, b + 1, b + 2
        self.home = os.path.join(self.tmp, "home")
        self.project = os.path.join(self.tmp, "project")
        self.size_dir = os.path.join(self.tmp, "size")
        for d in (self.home, self.project, self.size_dir):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o700)
        self.yml = os.path.join(self.project, "berth.yml")
        self._token = None
        self.heap_range = None

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k in self.KEEP_ENV or k.startswith("LC_")}
        env.update(BENCH_TAG=self.tag, BERTH_HOME=self.home, BERTH_PORT=str(self.api_port), TMPDIR=self.tmp)
        env.update(extra)
        return env

    def left_s(self):
        return self.deadline - time.monotonic()

    def cmd(self, *args, timeout=120, check=True):
        r = subprocess.run([self.berth, *args], env=self.env(), cwd=self.project, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"berth {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def daemon_pid(self):
        with open(os.path.join(self.home, "daemon.json")) as f:
            return int(json.load(f)["pid"])

    def token(self):
        if self._token is None:
            with open(os.path.join(self.home, "token")) as f:
                self._token = f.read().strip()
        return self._token

    def port(self):
        with open(os.path.join(self.home, "port")) as f:
            return int(f.read().strip())


# ---- the API with the daemon's token, from Python --------------------------------------------

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never a proxy


def api_get(ctx, path, timeout=30):
    """(milliseconds, bytes of the body) of one GET with the token, on a new connection as urllib makes it."""
    req = urllib.request.Request(f"http://127.0.0.1:{ctx.port()}{path}", headers={"Authorization": "Bearer " + ctx.token()})
    t0 = time.perf_counter()
    with _OPENER.open(req, timeout=timeout) as r:
        body = r.read()
    return (time.perf_counter() - t0) * 1000, body


# ---- WebDriver (W3C) over HTTP to chromedriver -------------------------------------------------

class WebDriver:
    def __init__(self, ctx):
        self.ctx = ctx
        self.port = ctx.driver_port
        self.proc = None
        self.session = None
        self.log_path = os.path.join(ctx.tmp, "chromedriver.log")

    def _call(self, method, path, body=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
            c.request(method, path, body=data, headers={"Content-Type": "application/json"} if data is not None else {})
            r = c.getresponse()
            raw = r.read()
        finally:
            c.close()
        try:
            v = json.loads(raw)["value"] if raw else None
        except ValueError:
            raise RuntimeError(f"chromedriver {method} {path}: {r.status} {raw[:300]!r}")
        if r.status != 200:
            msg = v.get("message", "") if isinstance(v, dict) else v
            raise RuntimeError(f"chromedriver {method} {path}: {r.status} {str(msg)[:500]}")
        return v

    def start(self):
        self.proc = subprocess.Popen([self.ctx.chromedriver, f"--port={self.port}", "--allowed-ips=127.0.0.1",
                                      f"--log-path={self.log_path}"], env=self.ctx.env(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

        def ready():
            try:
                return self._call("GET", "/status", timeout=2).get("ready")
            except (OSError, RuntimeError, http.client.HTTPException):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"chromedriver exited {self.proc.returncode}")
                return False
        wait_for("chromedriver ready", 20, ready)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "pageLoadStrategy": "normal",
                "goog:chromeOptions": {"binary": self.ctx.chromium, "args": [
                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    f"--user-data-dir={os.path.join(self.ctx.tmp, 'chromium-profile')}", "--no-first-run",
                    "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                    "--window-size=1280,900"]}}}}
        v = self._call("POST", "/session", caps, timeout=90)
        self.session = v["sessionId"]
        self.browser = v.get("capabilities", {}).get("browserVersion")
        self._call("POST", f"/session/{self.session}/timeouts", {"pageLoad": 60000, "script": 30000})
        return self

    def go(self, url):
        self._call("POST", f"/session/{self.session}/url", {"url": url}, timeout=90)

    def js(self, script, *args):
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)}, timeout=60)

    def quit(self):
        if self.session:
            try:
                self._call("DELETE", f"/session/{self.session}", timeout=30)
            except (OSError, RuntimeError, http.client.HTTPException):
                pass
            self.session = None
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 15)
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, 9)
                except OSError:
                    pass


def open_and_measure(wd, url, limit_s=30):
    """Navigates to url (from about:blank, so each is a whole new page) and waits until the overview shows
    its data; the page's own figures (ms from its navigation start)."""
    wd.go("about:blank")
    wd.go(url)
    end = time.monotonic() + limit_s
    fig = shown_at = None
    while time.monotonic() < end:
        fig = wd.js(PAGE_FIGURES)
        if fig["shown"] is not None and shown_at is None:
            shown_at = time.monotonic()
        if fig["shown"] is not None and (fig["fcp"] is not None or time.monotonic() > shown_at + 2):
            return fig  # (a page with no first-contentful-paint entry after 2 s more: reported as such)
        if fig["login_form"]:
            raise RuntimeError(f"the dashboard shows its login form at {url.split('#')[0]}")
        time.sleep(0.05)
    raise RuntimeError(f"the overview did not show within {limit_s} s: {fig}")


def dashboard_link(ctx):
    r = ctx.cmd("dashboard", "--json", timeout=60)
    return json.loads(r.stdout)["url"]


# ---- 1. 30 days of history -------------------------------------------------------------------

def fill(ctx, db, apps, instances, days, checks, end, label):
    out = os.path.join(ctx.tmp, f"fill-{label}.out")
    err = os.path.join(ctx.tmp, f"fill-{label}.err")
    cmd = [ctx.java, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", ctx.jar, FILL, db, str(apps),
           str(instances), str(days), ",".join(checks) or "-", "app", end]
    return subprocess.Popen(cmd, env=ctx.env(), stdout=open(out, "w"), stderr=open(err, "w"), cwd=ctx.tmp), out, err


def fill_result(p, out, err, label, limit_s):
    try:
        p.wait(limit_s)
    except subprocess.TimeoutExpired:
        p.kill()
        raise RuntimeError(f"history fill {label}: not done within {limit_s:.0f} s")
    lines = [json.loads(x) for x in open(out) if x.startswith("{")]
    if p.returncode != 0 or not lines or not lines[-1].get("done"):
        raise RuntimeError(f"history fill {label} exited {p.returncode}: {open(err).read()[-2000:]}")
    return lines


def read_store(db):
    """What the file holds, read-only: bytes, pages, rows per tier, the most rows of one series per tier."""
    st = {"bytes": os.path.getsize(db)}
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db + suffix):
            st["bytes" + suffix.replace("-", "_")] = os.path.getsize(db + suffix)
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        st["page_size"] = c.execute("PRAGMA page_size").fetchone()[0]
        st["page_count"] = c.execute("PRAGMA page_count").fetchone()[0]
        st["freelist_count"] = c.execute("PRAGMA freelist_count").fetchone()[0]
        st["series"] = c.execute("SELECT COUNT(*) FROM series").fetchone()[0]
        st["rows"], st["max_rows_per_series"] = {}, {}
        for label, table in TIERS:
            st["rows"][label] = c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            st["max_rows_per_series"][label] = c.execute(
                f"SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM {table} GROUP BY series)").fetchone()[0]
        st["max_rows_one_series"] = c.execute(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT series, SUM(n) AS n FROM (" + " UNION ALL ".join(
                f"SELECT series, COUNT(*) AS n FROM {t} GROUP BY series" for _, t in TIERS) + ") GROUP BY series)").fetchone()[0]
    finally:
        c.close()
    st["total_rows"] = sum(st["rows"].values())
    st["bytes_per_row"] = st["bytes"] / st["total_rows"] if st["total_rows"] else None
    st["mb_per_series"] = st["bytes"] / 1e6 / st["series"] if st["series"] else None
    return st


def measure_history(ctx, res):
    """Fills the daemon's history (the apps of the berth.yml, ending now) and, at the same time, a file of
    its own for the size figure (10 apps x 2 instances, on a timeline of its own), then that file 2 days on."""
    names = [f"c{i}" for i in range(ctx.size_checks)]
    # the size file's timeline: ends on a whole hour a year ago (any fixed point does)
    size_end = (int(time.time()) // 3600 - 24 * 365) * 3600 * 1000
    size_db = os.path.join(ctx.size_dir, "history.db")
    daemon_db = os.path.join(ctx.home, "history.db")
    log(f"history: {ctx.days} simulated days of {ctx.apps} apps x 1 instance + host + check `web` into BERTH_HOME/history.db, "
        f"and of {ctx.size_apps} apps x {ctx.size_instances} + host + {ctx.size_checks} checks into a file of its own (both at once)")
    t0 = time.monotonic()
    pd = fill(ctx, daemon_db, ctx.apps, 1, ctx.days, ["web"], "now", "daemon")
    ps = fill(ctx, size_db, ctx.size_apps, ctx.size_instances, ctx.days, names, str(size_end), "size")
    limit = 900.0
    size_lines = fill_result(*ps, "size", limit)
    size_s = time.monotonic() - t0
    at30 = read_store(size_db)
    log(f"  size: {ctx.days} days in {size_s:.0f} s: {at30['bytes']:,} bytes ({at30['bytes']/1e6:.1f} MB), {at30['series']} series, "
        f"rows {', '.join(f'{k} {v:,}' for k, v in at30['rows'].items())}")
    more = None
    if ctx.size_extra_days > 0:
        px = fill(ctx, size_db, ctx.size_apps, ctx.size_instances, ctx.size_extra_days, names,
                  str(size_end + ctx.size_extra_days * 86_400_000), "size-more")
        fill_result(*px, "size-more", limit)
        more = read_store(size_db)
        log(f"  size: {ctx.size_extra_days} days more ({ctx.days + ctx.size_extra_days} in all): {more['bytes']:,} bytes "
            f"({more['bytes']/1e6:.1f} MB), rows {', '.join(f'{k} {v:,}' for k, v in more['rows'].items())}")
    daemon_lines = fill_result(*pd, "daemon", limit)
    daemon_s = time.monotonic() - t0
    dst = read_store(daemon_db)
    log(f"  daemon's history: {daemon_s:.0f} s ({daemon_lines[-1]['ms_per_round']:.2f} ms per simulated round), "
        f"{dst['bytes']/1e6:.1f} MB, {dst['series']} series")
    res["history"] = {"size": {"apps": ctx.size_apps, "instances": ctx.size_instances, "checks": ctx.size_checks,
                               "days": ctx.days, "extra_days": ctx.size_extra_days, "at_days": at30, "after_extra": more,
                               "fill_reports": size_lines, "fill_s": size_s},
                      "daemon": {"apps": ctx.apps, "days": ctx.days, "store": dst, "fill_reports": daemon_lines,
                                 "fill_s": daemon_s, "end_ms": daemon_lines[-1]["end_ms"]}}


# ---- 2. the daemon with 50 apps and a check ---------------------------------------------------

def start_fleet(ctx, res):
    lines = ["apps:", "  app0:", f"    run: python3 -m http.server {ctx.web_port} --bind 127.0.0.1",
             f"    env: {{BENCH_TAG: \"{ctx.tag}\"}}"]
    for i in range(1, ctx.apps):
        lines += [f"  app{i}:", "    run: sleep 100000", f"    env: {{BENCH_TAG: \"{ctx.tag}\"}}"]
    lines += ["checks:", "  web:", f"    http: http://127.0.0.1:{ctx.web_port}/", "    interval: 10s"]
    with open(ctx.yml, "w") as f:
        f.write("\n".join(lines) + "\n")
    gap_s = time.time() - res["history"]["daemon"]["end_ms"] / 1000
    log(f"fleet: berth start of {ctx.apps} apps (app0: python3 -m http.server on :{ctx.web_port}, the others sleep) "
        f"and an http check `web`; the filled history ends {gap_s:.0f} s ago")
    t0 = time.monotonic()
    ctx.cmd("start", timeout=240)

    def all_running():
        apps = json.loads(ctx.cmd("status", "--json", timeout=60).stdout)
        running = sum(1 for a in apps if a.get("instances") and all(i.get("state") == "running" for i in a["instances"]))
        return running if running >= ctx.apps else None
    wait_for(f"{ctx.apps} apps running", 120, all_running, every=1)

    def web_checked():
        _, body = api_get(ctx, "/api/v1/checks")
        c = next((c for c in json.loads(body)["checks"] if c["name"] == "web"), None)
        return c if c and c.get("state") == "OK" else None
    wait_for("check `web` OK", 60, web_checked, every=1)
    ctx.heap_range = jvm_heap_range(ctx.daemon_pid())
    res["fleet"] = {"start_s": time.monotonic() - t0, "history_gap_s": gap_s, "daemon_pid": ctx.daemon_pid(),
                    "heap_range_assumed": [hex(x) for x in ctx.heap_range] if ctx.heap_range else None}
    log(f"  {ctx.apps} running and `web` OK after {res['fleet']['start_s']:.1f} s; daemon pid {ctx.daemon_pid()}")
    time.sleep(10)  # the start's own garbage collected, the first rounds of history written


# ---- 3. RSS: idle, then with the dashboard open ------------------------------------------------

def sample(ctx, pid):
    s = proc_status_kb(pid)
    if s is None:
        raise RuntimeError(f"the daemon (pid {pid}) is gone")
    if ctx.heap_range:
        s["heap_rss_kb"] = range_rss_kb(pid, *ctx.heap_range)
    return s


def measure_idle(ctx, res):
    pid = ctx.daemon_pid()
    log(f"idle: daemon VmRSS every {ctx.idle_every_s:.0f} s for {ctx.idle_s:.0f} s, no dashboard")
    samples = []
    c0, t0 = cpu_ticks(pid), time.monotonic()
    end = t0 + ctx.idle_s
    while True:
        samples.append(dict(sample(ctx, pid), t=time.monotonic() - t0))
        if time.monotonic() + ctx.idle_every_s > end + 0.5:
            break
        time.sleep(max(0.0, t0 + len(samples) * ctx.idle_every_s - time.monotonic()))
    cpu = (cpu_ticks(pid) - c0) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - t0) * 100
    rss = [s["VmRSS"] for s in samples]
    heap = median([s.get("heap_rss_kb") for s in samples])
    res["idle"] = {"samples": samples, "median_kb": median(rss), "max_kb": max(rss), "min_kb": min(rss), "cpu_pct": cpu,
                   "heap_rss_median_kb": heap}
    log(f"  idle VmRSS median {median(rss)/1024:.1f} MB (min {min(rss)/1024:.1f}, max {max(rss)/1024:.1f}; Java heap's resident "
        f"pages {fmt(heap and heap / 1024)} MB), CPU {cpu:.2f} % of a core")


def measure_open(ctx, res, wd):
    """Opens the dashboard from a login link (a fresh browser) and keeps it on the overview, which refreshes
    itself every 5 s, for BENCH_DASH_MINUTES; VmRSS every BENCH_SAMPLE_S s."""
    pid = ctx.daemon_pid()
    url = dashboard_link(ctx)
    first = open_and_measure(wd, url)
    res["first_open"] = first
    log(f"dashboard: first open from a login link: first contentful paint {fmt(first['fcp'])} ms, overview shown "
        f"{first['shown']:.0f} ms, {first['app_rows']} app rows ({first['rows_with_history']} with a sparkline)")
    if first["app_rows"] != ctx.apps:
        raise RuntimeError(f"the overview lists {first['app_rows']} apps, not {ctx.apps}")
    window = ctx.dash_minutes * 60
    if ctx.left_s() < window + 90:
        window = max(120.0, ctx.left_s() - 90)
        res.setdefault("warnings", []).append(f"dashboard window shortened to {window:.0f} s (time budget)")
    log(f"  kept open on the overview for {window/60:.1f} min; daemon VmRSS every {ctx.sample_s:.0f} s")
    wd.js("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(10000); return 1;")
    samples = []
    c0, t0 = cpu_ticks(pid), time.monotonic()
    while True:
        t = time.monotonic() - t0
        s = dict(sample(ctx, pid), t=t)
        page = wd.js("const a = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/'));"
                     "const n = a.filter((e) => e.name.endsWith('/api/v1/apps')).length;"
                     "performance.clearResourceTimings();"
                     "return {calls: a.length, refreshes: n, ms: a.map((e) => e.duration), rows: document.querySelectorAll('tr[data-app]').length,"
                     " login: !!document.getElementById('login-submit'), hidden: document.hidden};")
        s.update(refreshes=page["refreshes"], api_calls=page["calls"], api_ms_median=median(page["ms"]),
                 api_ms_max=max(page["ms"]) if page["ms"] else None, app_rows=page["rows"])
        if page["login"]:
            raise RuntimeError("the dashboard fell back to its login form while open")
        samples.append(s)
        if len(samples) > 1 and len(samples) % 4 == 1:
            log(f"  t={t:4.0f} s: VmRSS {s['VmRSS']/1024:.1f} MB (Java heap's resident pages {fmt(s.get('heap_rss_kb') and s['heap_rss_kb'] / 1024)} MB), "
                f"{page['refreshes']} refreshes since the last sample")
        if t + ctx.sample_s > window + 1:
            break
        time.sleep(max(0.0, t0 + len(samples) * ctx.sample_s - time.monotonic()))
    span = time.monotonic() - t0
    cpu = (cpu_ticks(pid) - c0) / os.sysconf("SC_CLK_TCK") / span * 100
    rss = [s["VmRSS"] for s in samples]
    first_min = [s["VmRSS"] for s in samples if s["t"] <= 60.5]
    last_min = [s["VmRSS"] for s in samples if s["t"] >= samples[-1]["t"] - 60.5]
    # least-squares slope, MB per 10 minutes
    ts = [s["t"] for s in samples]
    mt, mr = statistics.mean(ts), statistics.mean(rss)
    den = sum((x - mt) ** 2 for x in ts)
    slope = sum((x - mt) * (y - mr) for x, y in zip(ts, rss)) / den * 600 / 1024 if den else None
    refreshes = sum(s["refreshes"] for s in samples[1:])
    half = samples[-1]["t"] / 2
    half_min = [s["VmRSS"] for s in samples if abs(s["t"] - half) <= 30.5]
    res["open"] = {"window_s": span, "samples": samples, "median_kb": median(rss), "max_kb": max(rss), "min_kb": min(rss),
                   "first_minute_median_kb": median(first_min), "last_minute_median_kb": median(last_min),
                   "growth_mb": (median(last_min) - median(first_min)) / 1024, "slope_mb_per_10min": slope,
                   "half_time_median_kb": median(half_min),
                   "second_half_growth_mb": (median(last_min) - median(half_min)) / 1024 if half_min else None,
                   "cpu_pct": cpu, "refreshes": refreshes, "refreshes_expected": span / 5,
                   "heap_rss_median_kb": median([s.get("heap_rss_kb") for s in samples]),
                   "heap_rss_first_minute_median_kb": median([s.get("heap_rss_kb") for s in samples if s["t"] <= 60.5]),
                   "heap_rss_last_minute_median_kb": median([s.get("heap_rss_kb") for s in samples if s["t"] >= samples[-1]["t"] - 60.5]),
                   "rss_anon_first_minute_median_kb": median([s["RssAnon"] for s in samples if s["t"] <= 60.5]),
                   "rss_anon_last_minute_median_kb": median([s["RssAnon"] for s in samples if s["t"] >= samples[-1]["t"] - 60.5])}
    o = res["open"]
    log(f"  open: VmRSS median {o['median_kb']/1024:.1f} MB, first minute {o['first_minute_median_kb']/1024:.1f}, last minute "
        f"{o['last_minute_median_kb']/1024:.1f} (growth {o['growth_mb']:+.2f} MB), max {o['max_kb']/1024:.1f}; CPU {cpu:.2f} % "
        f"of a core; {refreshes} overview refreshes in {span:.0f} s; Java heap's resident pages: first minute "
        f"{fmt(o['heap_rss_first_minute_median_kb'] and o['heap_rss_first_minute_median_kb'] / 1024)}, last minute "
        f"{fmt(o['heap_rss_last_minute_median_kb'] and o['heap_rss_last_minute_median_kb'] / 1024)} MB")


# ---- 4. first paint, the API behind it, status --json --------------------------------------------

def measure_paint(ctx, res, wd):
    base = f"http://127.0.0.1:{ctx.port()}/"
    log(f"first paint: {ctx.paint_runs} reloads of {base} (the session cookie of the login), then "
        f"{ctx.link_runs} fresh login links (berth dashboard --json), each from about:blank")
    runs = []
    for i in range(ctx.paint_runs):
        f = open_and_measure(wd, base)
        runs.append(f)
        log(f"  reload #{i}: first contentful paint {fmt(f['fcp'])} ms, overview shown {f['shown']:.0f} ms "
            f"({f['app_rows']} apps, {f['rows_with_history']} with history; {len(f['api'])} API calls, slowest "
            f"{max((a['ms'] for a in f['api']), default=0):.0f} ms)")
    links = []
    for i in range(ctx.link_runs):
        f = open_and_measure(wd, dashboard_link(ctx))
        links.append(f)
        log(f"  login link #{i}: first contentful paint {fmt(f['fcp'])} ms, overview shown {f['shown']:.0f} ms")
    wd.go("about:blank")  # the page stops polling
    per_path = {}
    for f in runs:
        for a in f["api"]:
            per_path.setdefault(a["path"], []).append(a["ms"])
    res["paint"] = {"reloads": runs, "links": links,
                    "fcp_median_ms": median([f["fcp"] for f in runs]), "shown_median_ms": median([f["shown"] for f in runs]),
                    "shown_max_ms": max(f["shown"] for f in runs) if runs else None,
                    "link_fcp_median_ms": median([f["fcp"] for f in links]),
                    "link_shown_median_ms": median([f["shown"] for f in links]),
                    "browser_api_median_ms": {p: median(v) for p, v in per_path.items()}}
    p = res["paint"]
    log(f"  reloads: first contentful paint median {fmt(p['fcp_median_ms'])} ms, overview shown median {p['shown_median_ms']:.0f} ms "
        f"(max {p['shown_max_ms']:.0f}); login links: shown median {fmt(p['link_shown_median_ms'])} ms")


def overview_calls(res):
    """The overview's API calls as the page made them on a reload (resource timing): the ones that started
    before any had ended went at once, the others after; OVERVIEW_FIRST/THEN when there is no reload."""
    runs = (res.get("paint") or {}).get("reloads") or []
    calls = sorted((a for a in (runs[0]["api"] if runs else []) if not a["path"].startswith("/api/v1/session")),
                   key=lambda a: a["start"])
    if not calls:
        return list(OVERVIEW_FIRST), [OVERVIEW_THEN]
    first_end = min(a["start"] + a["ms"] for a in calls)
    seen = set()
    calls = [a for a in calls if not (a["path"] in seen or seen.add(a["path"]))]
    first = [a["path"] for a in calls if a["start"] < first_end]
    then = [a["path"] for a in calls if a["start"] >= first_end]
    return first, then


def measure_api(ctx, res):
    first, then = overview_calls(res)
    paths = first + then
    log(f"API: each of the overview's {len(paths)} calls with the token, {ctx.api_runs} rounds after 3 to warm up; "
        f"then the overview's set as the page makes it ({len(first)} at once, then {', '.join(then) or 'none'}), "
        f"{ctx.api_runs} times")
    times = {p: [] for p in paths}
    sizes = {}
    for r in range(3 + ctx.api_runs):
        for p in paths:
            ms, body = api_get(ctx, p)
            sizes[p] = len(body)
            if r >= 3:
                times[p].append(ms)
    per = {p: {"median_ms": median(v), "p90_ms": pct(v, 90), "max_ms": max(v), "bytes": sizes[p], "runs": v}
           for p, v in times.items()}
    for p, v in per.items():
        log(f"  GET {p}: median {v['median_ms']:.1f} ms, p90 {v['p90_ms']:.1f}, max {v['max_ms']:.1f}, {v['bytes']:,} bytes")
    sets = []
    with concurrent.futures.ThreadPoolExecutor(len(first)) as pool:
        for r in range(2 + ctx.api_runs):
            t0 = time.perf_counter()
            list(pool.map(lambda p: api_get(ctx, p), first))
            for p in then:
                api_get(ctx, p)
            if r >= 2:
                sets.append((time.perf_counter() - t0) * 1000)
    res["api"] = {"first": first, "then": then, "per_path": per, "overview_set_ms": sets, "overview_set_median_ms": median(sets),
                  "overview_set_max_ms": max(sets), "sequential_sum_median_ms": sum(v["median_ms"] for v in per.values())}
    log(f"  the overview's set: median {median(sets):.1f} ms (max {max(sets):.1f}); one after another: "
        f"{res['api']['sequential_sum_median_ms']:.1f} ms")


def measure_status(ctx, res):
    log(f"berth status --json ({ctx.apps} apps): {ctx.status_runs} runs after 2 to warm up, wall time of the process")
    times = []
    for r in range(2 + ctx.status_runs):
        t0 = time.perf_counter()
        p = ctx.cmd("status", "--json", timeout=60)
        ms = (time.perf_counter() - t0) * 1000
        if r >= 2:
            times.append(ms)
        n = len(json.loads(p.stdout))
    res["status"] = {"runs_ms": times, "median_ms": median(times), "max_ms": max(times), "apps": n}
    log(f"  median {median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}), {n} apps listed")


def heap_info(ctx, res):
    """The daemon's heap at the end (jcmd GC.heap_info), after every RSS sample (attaching adds a thread):
    its generations' address ranges say whether the heap figures of the samples (the mappings in
    [4 GiB - Xmx, 4 GiB)) were the heap's."""
    jcmd = os.path.join(os.path.dirname(ctx.java), "jcmd")
    if not os.path.exists(jcmd):
        return
    pid = ctx.daemon_pid()
    try:
        r = subprocess.run([jcmd, str(pid), "GC.heap_info"], env=ctx.env(), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        res["heap_info_at_end"] = f"jcmd: {e}"
        return
    if r.returncode != 0:
        res["heap_info_at_end"] = f"jcmd exited {r.returncode}: {r.stderr[-500:]}"
        return
    out = r.stdout.strip()
    res["heap_info_at_end"] = out[-3000:]
    gens = [m for line in out.splitlines() if line[:1].isalpha()
            for m in re.findall(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+), (0x[0-9a-f]+)\)", line)]
    if gens and ctx.heap_range:
        actual = (int(gens[0][0], 16), int(gens[-1][2], 16))
        res["heap_range_from_jcmd"] = [hex(x) for x in actual]
        res["heap_range_confirmed"] = actual == tuple(ctx.heap_range)
        if not res["heap_range_confirmed"]:
            res.setdefault("warnings", []).append(
                f"the Java heap is at {res['heap_range_from_jcmd']}, not where assumed ({[hex(x) for x in ctx.heap_range]}): "
                "the samples' heap figures are not the heap's")


# ---- summary --------------------------------------------------------------------------------

def summarize(res, ctx):
    rows = []

    def row(metric, berth, other=None, other_is="-", goal="-", met=None, ratio="auto"):
        r = div(berth, other) if ratio == "auto" else ratio
        rows.append({"metric": metric, "berth": berth, "other": other, "other_is": other_is, "ratio": r,
                     "goal": goal, "met": met})

    p = res.get("paint")
    if p:
        row(f"overview shown with its data, median of {len(p['reloads'])} reloads (ms)", p["shown_median_ms"], KUMA_MS,
            "Uptime Kuma, 700 monitors, reported", "< 300", p["shown_median_ms"] < 300)
        row("  first contentful paint, median of the reloads (ms)", p["fcp_median_ms"], ratio=None)
        row("  overview shown, slowest reload (ms)", p["shown_max_ms"], ratio=None)
        if p["links"]:
            row(f"  overview shown from a fresh login link, median of {len(p['links'])} (ms)", p["link_shown_median_ms"],
                KUMA_MS, "Uptime Kuma", "< 300", p["link_shown_median_ms"] < 300)
    fo = res.get("first_open")
    if fo:
        row("  first open of all (new browser, cold daemon routes), shown (ms)", fo["shown"], ratio=None)
    a, s = res.get("api"), res.get("status")
    if a:
        row("the overview's API calls as the page makes them, median (ms)", a["overview_set_median_ms"],
            s["median_ms"] if s else None, "status --json", "< 300", a["overview_set_median_ms"] < 300)
        for path, v in a["per_path"].items():
            row(f"  GET {path}, median (ms; {v['bytes']:,} bytes)", v["median_ms"], ratio=None)
    if s:
        row(f"berth status --json, {s['apps']} apps, median (ms)", s["median_ms"], ratio=None)
    i, o = res.get("idle"), res.get("open")
    if i and o:
        d = (o["median_kb"] - i["median_kb"]) / 1024
        span = lambda x: f"{x/60:.0f} min" if x >= 60 else f"{x:.0f} s"
        row(f"daemon RSS, dashboard open {span(o['window_s'])} vs idle {span(ctx.idle_s)}, medians (MB)",
            o["median_kb"] / 1024, i["median_kb"] / 1024, "idle", "<= +5 MB", d <= 5)
        row("  difference (MB)", d, ratio=None)
        row("  growth while open: last minute - first minute, medians (MB)", o["growth_mb"], goal="<= 1 MB",
            met=o["growth_mb"] <= 1, ratio=None)
        row("  trend while open, least squares (MB per 10 min)", o["slope_mb_per_10min"], ratio=None)
        row("  growth over the second half: last minute - the minute at half time (MB)", o["second_half_growth_mb"],
            ratio=None)
        row("  max while open vs max idle (MB)", o["max_kb"] / 1024, i["max_kb"] / 1024, "idle")
        if o.get("heap_rss_median_kb") is not None and i.get("heap_rss_median_kb") is not None:
            row("  of it the Java heap's resident pages, open vs idle, medians (MB)", o["heap_rss_median_kb"] / 1024,
                i["heap_rss_median_kb"] / 1024, "idle")
            row("  the heap's resident pages, last minute - first minute (MB)",
                (o["heap_rss_last_minute_median_kb"] - o["heap_rss_first_minute_median_kb"]) / 1024, ratio=None)
        row("  the rest of RssAnon, last minute - first minute (MB)",
            (o["rss_anon_last_minute_median_kb"] - o["rss_anon_first_minute_median_kb"]
             - ((o["heap_rss_last_minute_median_kb"] or 0) - (o["heap_rss_first_minute_median_kb"] or 0))) / 1024, ratio=None)
        row("  daemon CPU, open vs idle (% of a core)", o["cpu_pct"], i["cpu_pct"], "idle")
        row("  overview refreshes while open (one per 5 s expected)", o["refreshes"], round(o["refreshes_expected"]),
            "expected")
    e = res.get("rss_at_end")
    if e and i:
        row("  daemon RSS at the end, after the paint, API and status runs (MB)", e["VmRSS"] / 1024, i["median_kb"] / 1024,
            "idle")
    h = res.get("history")
    if h:
        z = h["size"]
        at = z["at_days"]
        row(f"history.db after {z['days']} days, {z['apps']} apps x {z['instances']} + host + {z['checks']} checks (MB)",
            at["bytes"] / 1e6, ratio=None)
        row(f"  series; rows 10s / 1m / 5m / 1h", f"{at['series']}; " + " / ".join(f"{at['rows'][k]:,}" for k, _ in TIERS),
            ratio=None)
        row("  bytes per row; MB per series", f"{at['bytes_per_row']:.1f}; {at['mb_per_series']:.2f}", ratio=None)
        bound = SERIES_ROWS_BOUND + PRUNE_SLACK
        row("  most rows of one series vs the bound", at["max_rows_one_series"], SERIES_ROWS_BOUND,
            "bound 8640+2880+8640+720", f"<= {SERIES_ROWS_BOUND:,} (+{PRUNE_SLACK})", at["max_rows_one_series"] <= bound)
        m = z.get("after_extra")
        if m:
            r = div(m["bytes"], at["bytes"])
            row(f"  history.db after {z['days'] + z['extra_days']} days vs {z['days']} (MB)", m["bytes"] / 1e6, at["bytes"] / 1e6,
                f"{z['days']} days", "<= 1.02x", r is not None and r <= 1.02)
            row(f"  most rows of one series after {z['days'] + z['extra_days']} days", m["max_rows_one_series"],
                SERIES_ROWS_BOUND, "bound", f"<= {SERIES_ROWS_BOUND:,} (+{PRUNE_SLACK})", m["max_rows_one_series"] <= bound)
        row("  at the 1,000-series cap, by MB per series (MB, extrapolated)", at["mb_per_series"] * 1000, ratio=None)
        d = h["daemon"]["store"]
        row(f"  the daemon's own history.db, {h['daemon']['apps']} apps, {h['daemon']['days']} days (MB, {d['series']} series)",
            d["bytes"] / 1e6, ratio=None)
    res["summary"] = rows
    return rows


def keep_diagnostics(ctx):
    d = ctx.out_json[:-len(".json")] + "-diagnostics"
    os.makedirs(d, exist_ok=True)
    for p in (os.path.join(ctx.home, "daemon.log"), os.path.join(ctx.tmp, "chromedriver.log"), ctx.yml,
              *[os.path.join(ctx.tmp, f) for f in os.listdir(ctx.tmp) if f.startswith("fill-")]):
        if os.path.exists(p) and os.path.getsize(p) < (4 << 20):
            shutil.copy(p, d)
    return d


def measure():
    ctx = Ctx()
    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": machine_info(), "berth_version": os.environ.get("BENCH_BERTH_DESC", ""),
           "chromium": os.environ.get("BENCH_CHROMIUM_VERSION", ""), "settings": {
               k: v for k, v in os.environ.items() if k.startswith("BENCH_") and k not in ("BENCH_TAG_VALUE",)}}
    errors = []
    wd = WebDriver(ctx)
    try:
        for step in (measure_history, start_fleet, measure_idle, "browser", measure_open, measure_paint, measure_api,
                     measure_status, heap_info):
            if step != "browser" and step is not heap_info and ctx.left_s() < 30:
                errors.append(f"time budget used up before {step.__name__}")
                break
            try:
                if step == "browser":
                    wd.start()
                    res["chromium"] = (res["chromium"] + f" (WebDriver: {wd.browser})").strip()
                elif step in (measure_open, measure_paint):
                    step(ctx, res, wd)
                else:
                    step(ctx, res)
            except Exception as e:
                name = step if isinstance(step, str) else step.__name__
                errors.append(f"{name}: {type(e).__name__}: {e}")
                log("FAILED: " + errors[-1])
                if step in (measure_history, start_fleet, "browser"):
                    break  # nothing after it can be measured
        try:
            res["rss_at_end"] = proc_status_kb(ctx.daemon_pid())
        except (OSError, ValueError):
            pass
    finally:
        wd.quit()
    src, jar0 = os.environ.get("BENCH_JAR_SRC"), os.environ.get("BENCH_JAR_MTIME")
    if src and jar0:
        try:
            changed = f"{os.path.getmtime(src):.3f}" != jar0
        except OSError:
            changed = True
        if changed:
            res.setdefault("warnings", []).append("target/berth.jar changed during the run (a build in the checkout): "
                                                  "a CLI call may have rebuilt it, and its timings with it")
    if errors:
        res["errors"] = errors
        res["diagnostics"] = keep_diagnostics(ctx)
    res["machine"]["loadavg_at_end"] = os.getloadavg()
    rows = summarize(res, ctx)
    os.makedirs(os.path.dirname(ctx.out_json), exist_ok=True)
    with open(ctx.out_json, "w") as f:
        json.dump(res, f, indent=2, default=str)
    mi = res["machine"]
    print()
    print(f"Berth {res['berth_version']}; {res['chromium']}; {mi['cores']} cores, load "
          f"{mi['loadavg_at_start'][0]:.2f} -> {mi['loadavg_at_end'][0]:.2f}")
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
