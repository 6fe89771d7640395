#!/usr/bin/python3
"""bench/soak: kills the Berth daemon (SIGKILL) at random moments, seeded, while it supervises
apps under HTTP load and while it runs each long operation, then checks from /proc, the files
and the databases (never from Berth's own answers) that nothing was lost, duplicated, orphaned
or forgotten, and how long it took to serve again. Called by ./run (or by the test suite's
SoakIT) with everything in the environment; prints a table; exits 1 when a loss column is not 0.

What a kill may not do, and how each is seen:
  lost        an app slot that should run has no process; a line of the logging app missing
              from its log files; a succeeded catalog row whose archive is gone or differs; a
              complete archive whose run is not recorded as succeeded; `current` pointing at no
              release; a restored directory gone
  duplicated  two process sessions carrying the same app slot's marks; a log line twice
  orphaned    a process in the dead daemon's session (its restore/drill tools), a marked
              process of no registered slot (a preflight, an unregistered app), a .partial file,
              a drill's scratch database, a release directory the catalog does not know
  forgotten   a backup or deployment still 'running', an off-site upload still 'uploading', an
              operation record left, an operation the CLI lost (exit 5) that did not complete and
              has no 'interrupted' event, an archive file no succeeded row names
Standard library only; every wait is bounded; every process it starts is ended at the end."""
import glob
import gzip
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, print_rows, machine_info, free_port_base  # noqa: E402

BERTH = os.environ["BENCH_BERTH"].split()          # the CLI, as a command line
TMP = os.environ["BENCH_TMP"]
TESTAPPS = os.environ["BENCH_TESTAPPS"]
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = int(os.environ.get("BENCH_SEED", "1"))
KILLS = int(os.environ.get("BENCH_KILLS", "10"))   # per kind
KINDS = os.environ.get("BENCH_KINDS", "load,logrotate,newapp,restart,reload,deploy,rollback,backup,offsite,restore,drill").split(",")
S3_CLASSPATH = os.environ.get("BENCH_S3_CLASSPATH", "")
JAVA = os.environ.get("BENCH_JAVA", "java")
PG = os.environ.get("BENCH_PG", "127.0.0.1:5432")
BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", "3000"))
STEP_S = os.environ.get("BENCH_STEP_S", "0.5")      # the deploy's install and build steps sleep this long
SETTLE = os.environ.get("BENCH_SETTLE", "1s")
# BENCH_WINDOWS: "deploy=3.3,restore=0.7,...": how long each operation takes, instead of one run of each to measure it
OUT_JSON = os.environ.get("BENCH_OUT_JSON")
TAG = os.environ.get("BENCH_TAG_VALUE", "berth-soak-%d" % os.getpid())

HOME = os.path.join(TMP, "berth-home")
PROJECT = os.path.join(TMP, "project")
SRC = os.path.join(TMP, "release-src")
SRV = os.path.join(TMP, "srv")
DATA = os.path.join(TMP, "uploads")
BACKUPS = os.path.join(TMP, "backups")
S3DIR = os.path.join(TMP, "s3")
BUCKET = "soak"
PG_HOST, PG_PORT = PG.split(":")
PG_DB = "berth_soak_%x" % (os.getpid() ^ int(time.time()))
ENV = dict(os.environ, BERTH_HOME=HOME, BENCH_TAG=TAG)
ENV.pop("BERTH_CRASH_AT", None)
INSTANCES = {"web": 2, "logger": 1}
rnd = random.Random(SEED)
started = []  # processes of the bench itself, ended at exit
REPORTED = set()  # (column, problem) already counted


# ---- running things ---------------------------------------------------------------------------

def berth(*args, timeout=120, check=True):
    r = subprocess.run(BERTH + list(args), cwd=PROJECT, env=ENV, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"berth {' '.join(args)} failed ({r.returncode}): {r.stdout[-800:]} {r.stderr[-1500:]}")
    return r


def spawn_berth(*args):
    return subprocess.Popen(BERTH + list(args), cwd=PROJECT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def psql(sql, db="postgres"):
    r = subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", "postgres", "-w", "-d", db, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"psql {sql}: {r.stderr}")
    return r.stdout


def get(port, path="/", timeout=1.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode(errors="replace").strip()
    except (OSError, http.client.HTTPException):
        return None, None
    finally:
        c.close()


# ---- reading /proc, the files and the state database --------------------------------------------

def read_proc(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        rest = stat[stat.rindex(")") + 2:].split()
        if rest[0] == "Z":
            return None
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = {}
            for kv in f.read().split(b"\0"):
                k, _, v = kv.partition(b"=")
                if k in (b"BERTH_HOME", b"BERTH_APP", b"BERTH_INSTANCE", b"BENCH_TAG", b"BERTH_DEPLOY_PATH", b"BERTH_RELEASE"):
                    env[k.decode()] = v.decode(errors="replace")
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        return {"pid": pid, "ppid": int(rest[1]), "pgid": int(rest[2]), "sid": int(rest[3]), "env": env, "cmd": cmd}
    except (OSError, ValueError, IndexError):
        return None


def processes():
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            p = read_proc(int(d))
            if p:
                out.append(p)
    return out


def alive(pid):
    return read_proc(pid) is not None


def is_daemon(p):
    return "dev.berth.cli.Main daemon run" in p["cmd"] and p["env"].get("BERTH_HOME") == HOME


def daemon_pids():
    return [p["pid"] for p in processes() if is_daemon(p)]


def slots(procs=None):
    """(app, index) -> the sessions of live processes carrying that slot's marks. The log relay (berth-logd) has a
    session of its own beside its app's, and is not counted."""
    out = {}
    for p in procs or processes():
        e = p["env"]
        if "berth-logd" in p["cmd"].split(" ")[0]:
            continue
        if e.get("BERTH_HOME") == HOME and "BERTH_APP" in e and "BERTH_INSTANCE" in e:
            out.setdefault((e["BERTH_APP"], e["BERTH_INSTANCE"]), set()).add(p["sid"])
    return out


def db():
    c = sqlite3.connect(f"file:{os.path.join(HOME, 'state.db')}?mode=ro", uri=True, timeout=10)
    c.row_factory = sqlite3.Row
    return c


def query(sql, *args):
    for _ in range(20):
        try:
            with db() as c:
                return [dict(r) for r in c.execute(sql, args)]
        except sqlite3.OperationalError as e:
            if "no such table: operations" in str(e):  # a Berth from before the operations record: nothing to read
                return [{"n": 0}] if "COUNT(*)" in sql else []
            time.sleep(0.1)
    raise RuntimeError("cannot read state.db: " + sql)


def registered():
    return {r["name"]: r["desired"] for r in query("SELECT name, desired FROM apps")}


def expected_slots():
    want = set()
    for name, desired in registered().items():
        if desired == "running":
            for i in range(INSTANCES.get(name, 2)):
                want.add((name, str(i)))
    return want


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


# ---- the set-up ---------------------------------------------------------------------------------

def write_config(port):
    for d in (PROJECT, SRC, SRV, DATA, BACKUPS, os.path.join(S3DIR, BUCKET)):
        os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(TESTAPPS, "release_app.py"), SRC)
    with open(os.path.join(SRC, "VERSION"), "w") as f:
        f.write("v0\n")
    for i in range(20):
        with open(os.path.join(DATA, f"file{i}.txt"), "w") as f:
            f.write(f"upload {i}\n" * 2000)
    with open(os.path.join(PROJECT, ".env.s3"), "w") as f:
        f.write("S3_KEY=AKIDSOAK\nS3_SECRET=soak-secret-0123456789\n")
    offsite = f"""
    env_file: .env.s3
    offsite:
      endpoint: http://127.0.0.1:{S3_PORT}
      bucket: {BUCKET}
      access_key: ${{S3_KEY}}
      secret_key: ${{S3_SECRET}}
      path_style: true
      keep_last: 3""" if S3_PORT else ""
    with open(os.path.join(PROJECT, "berth.yml"), "w") as f:
        f.write(f"""apps:
  web:
    script: release_app.py
    interpreter: python3
    instances: 2
    port: {port}
    ready: {{http: /health, timeout: 20s}}
    kill_timeout: 3s
    deploy:
      path: {SRV}/web
      dir: {SRC}
      install: sleep {STEP_S}
      build: sleep {float(STEP_S) * 3}
      keep_releases: 4
      settle: {SETTLE}
      health: /health
  logger:
    script: {HERE}/ticker.py
    interpreter: python3
    min_uptime: 200ms
    logs:
      timestamp: true
      rotate: {{size: 64K, keep: 400, compress: true}}
backups:
  files: {{dir: {DATA}, to: {BACKUPS}/files, compress: gzip, keep_last: 4}}
  pgdb:
    postgres: {PG_DB}
    host: {PG_HOST}
    port: {PG_PORT}
    user: postgres
    to: {BACKUPS}/pgdb
    keep_last: 4{offsite}
""")


S3_PORT = None


def start_s3():
    """Starts S3Proxy (a test dependency of Berth) over a directory; s3_ready() waits for it."""
    global S3_PORT
    if not S3_CLASSPATH:
        return None
    S3_PORT = free_port_base(1, 40000, 45000)
    os.makedirs(os.path.join(S3DIR, BUCKET), exist_ok=True)  # the filesystem store's buckets are its directories
    props = os.path.join(TMP, "s3proxy.properties")
    with open(props, "w") as f:
        f.write(f"""s3proxy.endpoint=http://127.0.0.1:{S3_PORT}
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=AKIDSOAK
s3proxy.credential=soak-secret-0123456789
jclouds.provider=filesystem
jclouds.filesystem.basedir={S3DIR}
jclouds.identity=x
jclouds.credential=y
""")
    p = subprocess.Popen([JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", S3_CLASSPATH, "org.gaul.s3proxy.Main", "--properties", props],
                         cwd=TMP, env=ENV, stdout=open(os.path.join(TMP, "s3proxy.log"), "w"), stderr=subprocess.STDOUT)
    started.append(p)
    return p


def s3_ready(p):
    end = time.monotonic() + 60
    while p and time.monotonic() < end:
        if get(S3_PORT, "/" + BUCKET, timeout=0.5)[0] is not None:
            return
        if p.poll() is not None:
            break
        time.sleep(0.2)
    if p:
        raise RuntimeError("S3Proxy did not start; see " + os.path.join(TMP, "s3proxy.log"))


class Load(threading.Thread):
    """GET / on both web instances every ~10 ms; counts failures per kill kind going on."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.kind = None
        self.stop_flag = threading.Event()
        self.failed = {}
        self.total = 0

    def run(self):
        i = 0
        while not self.stop_flag.is_set():
            port = self.port + (i % 2)
            i += 1
            status, _ = get(port, timeout=2)
            self.total += 1
            if status != 200 and self.kind:
                self.failed[self.kind] = self.failed.get(self.kind, 0) + 1
            time.sleep(0.01)


# ---- one kill -----------------------------------------------------------------------------------

class Round:
    def __init__(self, kind, n):
        self.kind = kind
        self.n = n
        self.problems = {"lost": [], "duplicated": [], "orphaned": [], "forgotten": []}
        self.recovery_s = None
        self.cli_exit = None
        self.cut = False  # the operation's CLI was still waiting for its answer at the kill
        self.before = {}

    def add(self, column, what):
        # a problem that stays (a scratch database nobody drops) counts once, for the kill that made it
        if (column, what) in REPORTED:
            return
        REPORTED.add((column, what))
        self.problems[column].append(what)
        log(f"  {self.kind}#{self.n}: {column}: {what}")


def operation(kind, n):
    """The command a kill of this kind interrupts (None: only supervision goes on)."""
    if kind == "newapp":
        path = os.path.join(PROJECT, f"new{n}.yml")
        with open(path, "w") as f:
            f.write(f"apps:\n  new{n}:\n    run: sleep 600\n    instances: 2\n    min_uptime: 300ms\n")
        return ["start", "-c", path]
    if kind in ("restart", "reload"):
        return [kind, "web"]
    if kind == "deploy":
        with open(os.path.join(SRC, "VERSION"), "w") as f:
            f.write(f"d{n}\n")
        return ["deploy", "web"]
    if kind == "rollback":
        return ["rollback", "web"]
    if kind == "backup":
        return ["backup", "run", "files"]
    if kind == "offsite":
        return ["backup", "run", "pgdb"]
    if kind == "restore":
        if n % 2 == 1:  # the directory first: it has the moment with the old contents set aside
            good = query("SELECT id FROM backups WHERE name='files' AND state='succeeded' ORDER BY id DESC LIMIT 1")
            return ["backup", "restore", str(good[0]["id"]), "--yes", "--no-safety-backup"] if good else None
        good = query("SELECT id FROM backups WHERE name='pgdb' AND state='succeeded' ORDER BY id DESC LIMIT 1")
        return ["backup", "restore", str(good[0]["id"]), "--yes", "--no-safety-backup"] if good else None
    if kind == "drill":
        return ["backup", "verify", "pgdb", "--restore"]
    return None


def daemon_pids_fast():
    """The daemon's pid from daemon.lock and daemon.json, checked in /proc: at once, where a scan of every
    process's environment takes a second on a loaded machine (and the kill would land that much later)."""
    pids = set()
    for name, read in (("daemon.lock", lambda t: int(t.strip())), ("daemon.json", lambda t: int(json.loads(t)["pid"]))):
        try:
            with open(os.path.join(HOME, name)) as f:
                pids.add(read(f.read()))
        except (OSError, ValueError, KeyError):
            pass
    return [pid for pid in pids if (p := read_proc(pid)) and is_daemon(p)]


def kill_daemon():
    pids = daemon_pids_fast() or daemon_pids()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    end = time.monotonic() + 10
    while time.monotonic() < end and any(alive(p) for p in pids):
        time.sleep(0.01)
    return pids


def serving(port):
    return all(get(port + i, "/health", timeout=0.5)[0] == 200 for i in range(2))


def recover(r, killed_at, port):
    """The next daemon (started by `berth daemon start`) until every slot that should run has one process and web answers."""
    start = spawn_berth("daemon", "start")
    end = time.monotonic() + 90
    while time.monotonic() < end:
        # daemon.json first (one small file); /proc only once it names a live daemon, at most 20 times a
        # second: a scan reads every process's environment, and the daemon starting needs the CPU
        if not daemon_info_stale():
            s = slots()
            if all(s.get(k) for k in expected_slots()) and serving(port):
                r.recovery_s = time.monotonic() - killed_at
                break
            time.sleep(0.05)
        else:
            time.sleep(0.01)
    try:
        start.wait(60)
    except subprocess.TimeoutExpired:
        start.kill()
    if r.recovery_s is None:
        r.add("lost", "not serving again within 90 s of the kill (slots %s)" % sorted(expected_slots() - set(slots())))
    # the next daemon is up: no step of a deployment the dead one ran may still be going (a new deploy is not started yet)
    running = {d["release"] for d in query("SELECT release FROM deployments WHERE state='running'")}
    for p in processes():
        if p["env"].get("BERTH_DEPLOY_PATH") == os.path.join(SRV, "web") and p["env"].get("BERTH_RELEASE") not in running:
            r.add("orphaned", f"deploy step pid {p['pid']} ({p['cmd'][:60]}) of release {p['env'].get('BERTH_RELEASE')}, whose deployment is over")


def daemon_info_stale():
    """True until the new daemon published daemon.json (it answers from then on)."""
    try:
        with open(os.path.join(HOME, "daemon.json")) as f:
            return not alive(json.load(f)["pid"])
    except (OSError, ValueError, KeyError):
        return True


def settle():
    """Background recovery (going back after a deploy, finishing a stop) is done: nothing recorded as under way."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        busy = query("SELECT COUNT(*) AS n FROM deployments WHERE state='running'")[0]["n"] \
            + query("SELECT COUNT(*) AS n FROM backups WHERE state='running'")[0]["n"] \
            + query("SELECT COUNT(*) AS n FROM operations")[0]["n"]
        if busy == 0:
            return True
        time.sleep(0.1)
    return False


def check(r, dead_daemons, port):
    procs = processes()
    live_daemon = [p["pid"] for p in procs if is_daemon(p)]
    if len(live_daemon) != 1:
        r.add("duplicated" if len(live_daemon) > 1 else "lost", f"{len(live_daemon)} daemons run: {live_daemon}")
    # slots: one session each, none missing, none unregistered
    s = slots(procs)
    want = expected_slots()
    for k in sorted(want):
        if not s.get(k):
            # a slot in backoff after a crash gets a moment
            time.sleep(3)
            if not slots().get(k):
                r.add("lost", f"slot {k[0]}[{k[1]}] has no process")
        elif len(s[k]) > 1:
            r.add("duplicated", f"slot {k[0]}[{k[1]}] has {len(s[k])} process sessions {sorted(s[k])}")
    for k in sorted(set(s) - want):
        # a stop or a delete still under way is not an orphan: look again after a moment
        time.sleep(5)
        if slots().get(k) and k not in expected_slots():
            r.add("orphaned", f"process of {k[0]}[{k[1]}] belongs to no registered slot: sessions {sorted(slots()[k])}")
    for p in procs:
        if p["sid"] in dead_daemons and p["pgid"] in dead_daemons:
            r.add("orphaned", f"pid {p['pid']} ({p['cmd'][:80]}) of the dead daemon's session")
    # backups: every succeeded row's archive is there and matches; every archive is a succeeded row's
    rows = query("SELECT id, name, state, file, sha256, offsite_state FROM backups")
    named = {}
    for b in rows:
        if b["state"] == "running":
            r.add("forgotten", f"backup #{b['id']} still running")
        if b["offsite_state"] == "uploading":
            r.add("forgotten", f"backup #{b['id']}: off-site upload still 'uploading'")
        if b["state"] == "succeeded":
            named[b["file"]] = b
            if not b["file"] or not os.path.isfile(b["file"]):
                r.add("lost", f"backup #{b['id']} succeeded but its archive {b['file']} is gone")
            elif sha256(b["file"]) != b["sha256"]:
                r.add("lost", f"backup #{b['id']}: {b['file']} differs from its checksum")
    for d in glob.glob(os.path.join(BACKUPS, "*")):
        for f in os.listdir(d):
            path = os.path.join(d, f)
            if f.endswith(".partial"):
                r.add("orphaned", f"partial file {path}")
            elif not f.startswith(".") and path not in named:
                r.add("forgotten", f"archive {path} that no succeeded row names")
    # off-site copies (S3Proxy's filesystem store: an object is a file under the bucket's directory)
    if S3_PORT:
        offsite = query("SELECT id, bytes, offsite_state, offsite_key FROM backups WHERE offsite_key IS NOT NULL")
        accounted = {o["offsite_key"] for o in offsite if o["offsite_state"] in ("uploaded", "uploading", "removing", "failed")}
        for o in offsite:
            obj = os.path.join(S3DIR, BUCKET, o["offsite_key"])
            if o["offsite_state"] == "uploaded" and (not os.path.isfile(obj) or os.path.getsize(obj) != o["bytes"]):
                r.add("lost", f"backup #{o['id']}: its off-site copy {o['offsite_key']} is recorded as uploaded but is not in the bucket whole")
        bucket = os.path.join(S3DIR, BUCKET)
        for root, _, files in os.walk(bucket):
            for f in files:
                key = os.path.relpath(os.path.join(root, f), bucket)
                if not key.startswith(".") and key not in accounted:
                    r.add("orphaned", f"object {key} in the bucket that no catalog row accounts for")
    # drills: no scratch database left
    try:
        left = [x for x in psql(f"SELECT datname FROM pg_database WHERE datname LIKE 'berth_drill_pgdb_%'").split() if x]
        for x in left:
            r.add("orphaned", f"drill scratch database {x}")
    except RuntimeError as e:
        log(f"  cannot list databases: {e}")
    # deployments and operations
    for dep in query("SELECT id, state FROM deployments WHERE state='running'"):
        r.add("forgotten", f"deployment #{dep['id']} still running")
    for op in query("SELECT id, kind, target FROM operations"):
        r.add("forgotten", f"operation record #{op['id']} ({op['kind']} {op['target']}) left")
    cur = os.path.join(SRV, "web", "current")
    if os.path.islink(cur) and not os.path.isdir(cur):
        r.add("lost", f"current points at {os.readlink(cur)}, which does not exist")
    known = {x["id"] for x in query("SELECT id FROM releases WHERE app='web' AND state != 'pruned'")}
    for d in glob.glob(os.path.join(SRV, "web", "releases", "*")):
        if os.path.basename(d) not in known:
            r.add("orphaned", f"release directory {d} that the catalog does not know")
    # the restored directory is there
    if not os.path.isdir(DATA) or len(os.listdir(DATA)) != 20:
        r.add("lost", f"{DATA} is {'gone' if not os.path.isdir(DATA) else 'incomplete'}")
    check_interrupted_operation(r)


def check_interrupted_operation(r):
    """An operation whose CLI lost the daemon (exit 5) either completed or left an 'interrupted' event."""
    if r.cli_exit != 5 or r.kind not in ("restart", "reload", "restore", "drill", "deploy", "rollback", "newapp"):
        return
    since = int(r.killed_at_ms)
    if r.kind in ("restart", "reload"):
        ev = query("SELECT message FROM events WHERE app='web' AND kind='interrupted' AND at >= ?", since)
        now = {i["idx"]: i["pid"] for i in query("SELECT idx, pid FROM instances WHERE app='web'")}
        changed = [i for i in range(2) if now.get(i) not in (None, r.before.get(i))]
        # Nothing changed and no event: the daemon died before it took the request up (its CLI said
        # it failed, exit 5). A request taken up is an operation record first, which the next
        # daemon turns into an 'interrupted' event (a record left is "forgotten" above).
        if not ev and changed and len(changed) < 2:
            r.add("forgotten", f"{r.kind} of web interrupted after instance(s) {changed}, but no 'interrupted' event and not done")
    elif r.kind in ("restore", "drill"):
        ev = query("SELECT message FROM events WHERE app LIKE 'backup:%' AND kind IN ('interrupted','restore_interrupted') AND at >= ?", since)
        if not ev:
            # done before the kill (the answer was lost with the daemon)?
            done = r.kind == "drill" and query("SELECT COUNT(*) AS n FROM backups WHERE drill_at >= ?", since - 60000)[0]["n"] > 0
            if not done and r.kind == "restore":
                done = True  # a restore that ended leaves nothing to see; its record is gone only after it ended
                if query("SELECT COUNT(*) AS n FROM operations")[0]["n"]:
                    done = False
            if not done:
                r.add("forgotten", f"{r.kind} interrupted, but no event says so")
    elif r.kind in ("deploy", "rollback"):
        deps = query("SELECT id, state FROM deployments WHERE started_at >= ? - 120000 ORDER BY id DESC LIMIT 1", since)
        if deps and deps[0]["state"] == "interrupted":
            ev = query("SELECT COUNT(*) AS n FROM events WHERE app='web' AND kind='interrupted' AND at >= ?", since)[0]["n"]
            if not ev:
                r.add("forgotten", f"deployment #{deps[0]['id']} interrupted without an event in describe")
    elif r.kind == "newapp":
        name = f"new{r.n}"
        reg = name in registered()
        marks = [k for k in slots() if k[0] == name]
        if not reg and marks:
            r.add("orphaned", f"{name} is not registered but {len(marks)} of its slots run")


def check_logs():
    """Every pid's lines of the logging app are there once each, from its first retained line to its last."""
    seen = {}
    lost = dup = 0
    files = sorted(glob.glob(os.path.join(HOME, "logs", "logger-0-out.log*")))
    for path in files:
        opener = gzip.open if path.endswith(".gz") else open
        try:
            with opener(path, "rt", errors="replace") as f:
                for line in f:
                    m = re.search(r"tick (\d+) (\d+)", line)
                    if m:
                        seen.setdefault(int(m.group(1)), []).append(int(m.group(2)))
        except (OSError, EOFError):
            continue  # rotated away while reading
    lines = 0
    for pid, seqs in seen.items():
        lines += len(seqs)
        u = set(seqs)
        dup += len(seqs) - len(u)
        lost += (max(u) - min(u) + 1) - len(u)
    return {"lines": lines, "processes": len(seen), "lost": lost, "duplicated": dup, "files": len(files)}


def cleanup_round(r, port):
    """Puts things back for the next kill: the new app goes; a rollback kind needs two good releases."""
    if r.kind == "newapp" and f"new{r.n}" in registered():
        berth("delete", f"new{r.n}", check=False, timeout=60)
    if r.kind == "restore" and not serving(port):
        time.sleep(1)


def calibrate(kind, n):
    """One run of the operation without a kill: how long it takes (kills land uniformly within it)."""
    argv = operation(kind, n)
    if argv is None:
        return 1.0
    t0 = time.monotonic()
    res = berth(*argv, check=False, timeout=300)
    took = time.monotonic() - t0
    if kind == "newapp":
        berth("delete", f"new{n}", check=False)
    log(f"calibrate {kind}: {took:.2f} s (exit {res.returncode})")
    return took


# ---- the run ------------------------------------------------------------------------------------

def main():
    t_start = time.monotonic()
    port = free_port_base(2)
    os.makedirs(TMP, exist_ok=True)
    s3 = start_s3() if "offsite" in KINDS else None
    write_config(port)
    psql(f"CREATE DATABASE {PG_DB}")
    try:
        psql("CREATE TABLE orders(id int primary key, note text); INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 20000) g", PG_DB)
        return run(t_start, port, s3)
    finally:
        try:
            berth("delete", "all", check=False, timeout=60)
            berth("daemon", "stop", check=False, timeout=30)
        except Exception as e:  # noqa: BLE001 (cleaning up whatever happened)
            log(f"cleanup: {e}")
        for x in psql("SELECT datname FROM pg_database WHERE datname LIKE 'berth_drill_pgdb_%' OR datname = '" + PG_DB + "'").split():
            psql(f"DROP DATABASE IF EXISTS {x}")
        for p in started:
            p.kill()


def run(t_start, port, s3):
    berth("start", "logger")
    for i in range(2):  # the first deploy starts web; two good releases, for rollbacks
        with open(os.path.join(SRC, "VERSION"), "w") as f:
            f.write(f"v{i + 1}\n")
        berth("deploy", "web", timeout=300)
    s3_ready(s3)
    berth("backup", "run", "all", timeout=300)
    load = Load(port)
    load.start()
    kinds = [k for k in KINDS if k != "offsite" or S3_PORT]
    given = dict((kv.split("=")[0], float(kv.split("=")[1])) for kv in os.environ.get("BENCH_WINDOWS", "").split(",") if "=" in kv)
    windows = {k: given[k] if k in given else calibrate(k, 1000 + j) for j, k in enumerate(kinds)}
    log("kill windows (s): " + ", ".join(f"{k} {v:.2f}" for k, v in windows.items()))
    t0 = time.monotonic()
    berth("daemon", "status")
    overhead = float(given.get("cli", time.monotonic() - t0)) * 0.8
    log(f"a CLI call takes {overhead / 0.8:.2f} s before its request is out: kills of operations come after {overhead:.2f} s")
    if "rollback" in kinds and "rollback" not in given:
        berth("deploy", "web", timeout=300)  # the calibration rollback left one good release ahead
    plan = [k for k in kinds for _ in range(KILLS)]
    rnd.shuffle(plan)
    rounds = []
    counters = {}
    for kind in plan:
        if time.monotonic() - t_start > BUDGET_S:
            log(f"budget of {BUDGET_S:.0f} s reached after {len(rounds)} kills")
            break
        n = counters[kind] = counters.get(kind, 0) + 1
        r = Round(kind, n)
        r.before = {i["idx"]: i["pid"] for i in query("SELECT idx, pid FROM instances WHERE app='web'")}
        argv = operation(kind, n)
        if argv is None and kind not in ("load", "logrotate"):
            log(f"{kind}#{n}: nothing to run it on, skipped")
            continue
        if kind == "rollback" and len(query("SELECT id FROM releases WHERE app='web' AND state='good'")) < 2:
            berth("deploy", "web", timeout=300)
        # a kill before the CLI's JVM has even sent the request interrupts nothing: from then on, to the end
        delay = rnd.uniform(0.05, windows[kind] * 1.1) if not argv else rnd.uniform(min(overhead, windows[kind]), windows[kind] * 1.1)
        load.kind = kind
        t_op = time.monotonic()
        cli = spawn_berth(*argv) if argv else None
        time.sleep(delay)
        r.cut = cli is not None and cli.poll() is None
        dead = kill_daemon()
        r.killed_at_ms = time.time() * 1000
        killed_at = time.monotonic()
        delay = killed_at - t_op  # what it really was
        if cli:
            try:
                cli.wait(120)
            except subprocess.TimeoutExpired:
                cli.kill()
                cli.wait()
            r.cli_exit = cli.returncode
            r.cli_said = (cli.stderr.read() or "").strip()[-400:]
        recover(r, killed_at, port)
        load.kind = None
        if not settle():
            r.add("forgotten", "something stayed recorded as under way for 60 s after the restart")
        check(r, set(dead), port)
        if any(r.problems.values()) and getattr(r, "cli_said", ""):
            log(f"  {kind}#{n}: its CLI (exit {r.cli_exit}) said: {r.cli_said}")
        cleanup_round(r, port)
        log(f"{kind}#{n}: killed at {delay:.2f} s, cli exit {r.cli_exit}, serving again after "
            f"{'-' if r.recovery_s is None else '%.2f s' % r.recovery_s}")
        rounds.append(r)
    load.stop_flag.set()
    logs = check_logs()
    return report(rounds, logs, load, kinds, t_start)


def report(rounds, logs, load, kinds, t_start):
    cols = ["lost", "duplicated", "orphaned", "forgotten"]
    head = ["kind", "kills", "cut short", "lost", "duplicated", "orphaned", "forgotten", "recovery median s", "recovery max s", "failed requests"]
    body = []
    figures = {"seed": SEED, "kills_per_kind": KILLS, "machine": machine_info(), "kinds": {}}

    def row(name, rs, failed):
        rec = [x.recovery_s for x in rs if x.recovery_s is not None]
        counts = {c: sum(len(x.problems[c]) for x in rs) for c in cols}
        med = statistics.median(rec) if rec else None
        mx = max(rec) if rec else None
        cut = sum(1 for x in rs if x.cut)
        body.append([name, len(rs), cut] + [counts[c] for c in cols] + ["-" if med is None else f"{med:.2f}", "-" if mx is None else f"{mx:.2f}", failed])
        return {"kills": len(rs), "cut_short": cut, **counts, "recovery_median_s": med, "recovery_max_s": mx, "failed_requests": failed,
                "problems": [p for x in rs for c in cols for p in x.problems[c]]}

    for k in kinds:
        rs = [x for x in rounds if x.kind == k]
        if rs:
            figures["kinds"][k] = row(k, rs, load.failed.get(k, 0))
    figures["all"] = row("all", rounds, sum(load.failed.values()))
    log_row = ["log lines (logger)", logs["lines"], "-", logs["lost"], logs["duplicated"], "-", "-", "-", "-", "-"]
    body.append(log_row)
    figures["logs"] = logs
    figures["requests"] = load.total
    figures["seconds"] = time.monotonic() - t_start
    print(f"bench/soak: seed {SEED}, {len(rounds)} kills, {KILLS} per kind, {figures['seconds']:.0f} s, "
          f"{load.total} requests, {logs['files']} log files")
    print_rows(head, body)
    print("(cut short: the operation's CLI was still waiting for its answer when the daemon died; failed requests: GETs of web that failed while a kill of that kind was being recovered from; "
          "restart, reload, deploy and rollback restart web themselves)")
    if OUT_JSON:
        with open(OUT_JSON, "w") as f:
            json.dump(figures, f, indent=2, default=str)
    losses = sum(figures["all"][c] for c in cols) + logs["lost"] + logs["duplicated"]
    return 1 if losses else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
