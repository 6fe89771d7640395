#!/usr/bin/python3
"""bench/deploy: `berth deploy` and `berth rollback` against the shell way (git pull + install +
build + restart in place, and git checkout + restart to roll back), on the same app with 2
instances, while a load generator sends requests on 127.0.0.1. Called by ./run with paths in the
environment; prints a table and writes bench/out/deploy-<date>.json. Standard library only; every
wait is bounded; every process it starts is ended at the end.

The load generator talks to the app the way a front proxy with both instances as upstreams does
(nginx's proxy_next_upstream): a request goes to one instance, and to the other when the first
refuses the connection or fails. A request counts as failed when both do. The raw figure (first
attempt failed) is kept too."""
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log  # noqa: E402  (shared with the other benchmarks)

BERTH = os.environ["BENCH_BERTH"]
TMP = os.environ["BENCH_TMP"]
TESTAPPS = os.environ["BENCH_TESTAPPS"]
OUT_JSON = os.environ["BENCH_OUT_JSON"]
PORT = int(os.environ["BENCH_PORT"])        # Berth's instances: PORT, PORT+1
SHELL_PORT = PORT + 2                       # the shell way's instances: SHELL_PORT, SHELL_PORT+1
INSTALL_S = float(os.environ.get("BENCH_INSTALL_S", "4"))
BUILD_S = float(os.environ.get("BENCH_BUILD_S", "8"))
SETTLE = os.environ.get("BENCH_SETTLE", "2s")
ENV = dict(os.environ, BERTH_HOME=os.path.join(TMP, "berth-home"))
started = []  # processes to end at exit



def sh(*argv, cwd=None, check=True, timeout=300, env=None):
    r = subprocess.run(list(argv), cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {r.stdout[-500:]} {r.stderr[-1500:]}")
    return r


def git(repo, *args):
    return sh("git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args)


def get(port, path="/", timeout=1.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read().decode().strip()
        return r.status, body
    except (OSError, http.client.HTTPException):
        return None, None
    finally:
        c.close()


class Load(threading.Thread):
    """Requests every ~5 ms, alternating the first instance tried; retry on the other instance."""

    def __init__(self, base_port):
        super().__init__(daemon=True)
        self.ports = (base_port, base_port + 1)
        self.stop_flag = threading.Event()
        self.total = self.failed = self.first_try_failed = 0
        self.versions = {}

    def run(self):
        i = 0
        while not self.stop_flag.is_set():
            first, second = (self.ports[0], self.ports[1]) if i % 2 == 0 else (self.ports[1], self.ports[0])
            i += 1
            self.total += 1
            status, body = get(first, timeout=2)
            if status != 200:
                self.first_try_failed += 1
                status, body = get(second, timeout=2)
            if status != 200:
                self.failed += 1
            else:
                self.versions[body] = self.versions.get(body, 0) + 1
            time.sleep(0.005)

    def stop(self):
        self.stop_flag.set()
        self.join(10)
        return {"requests": self.total, "failed": self.failed, "first_try_failed": self.first_try_failed, "versions": self.versions}


def wait_serving(ports, version, limit_s=30):
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if all(get(p, timeout=0.3) == (200, f"version={version}") for p in ports):
            return True
        time.sleep(0.005)
    return False


def commit(repo, version):
    with open(os.path.join(repo, "VERSION"), "w") as f:
        f.write(version + "\n")
    git(repo, "commit", "-q", "-am", version)


def median(xs):
    return statistics.median(xs) if xs else None


def cold_start(times=5):
    """python3 release_app.py from start until it answers: the app's own start-up time."""
    out = []
    d = os.path.join(TMP, "cold")
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(TESTAPPS, "release_app.py"), d)
    with open(os.path.join(d, "VERSION"), "w") as f:
        f.write("cold\n")
    port = PORT + 4
    for _ in range(times):
        t0 = time.perf_counter()
        p = subprocess.Popen(["python3", "release_app.py"], cwd=d, env=dict(ENV, PORT=str(port)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while get(port, timeout=0.2)[0] != 200:
                if p.poll() is not None or time.perf_counter() - t0 > 10:
                    raise RuntimeError("the app did not start")
                time.sleep(0.002)
            out.append(time.perf_counter() - t0)
        finally:
            p.terminate()
            p.wait(10)
    return median(out)


def steps_alone(repo):
    """The app's own steps, run by hand in a fresh checkout: what any deploy tool must spend."""
    d = os.path.join(TMP, "steps-alone")
    shutil.rmtree(d, ignore_errors=True)
    sh("git", "clone", "-q", repo, d)
    t0 = time.perf_counter()
    sh("sh", "install.sh", cwd=d)
    sh("sh", "build.sh", cwd=d)
    return time.perf_counter() - t0


# ---- the shell way ------------------------------------------------------------------------------

class ShellApp:
    """What deploy.sh does: one checkout, two instances started with nohup, pid files, restart in place."""

    def __init__(self, repo):
        self.dir = os.path.join(TMP, "shell-app")
        sh("git", "clone", "-q", repo, self.dir)
        self.procs = []

    def start(self):
        self.procs = [subprocess.Popen(["python3", "release_app.py"], cwd=self.dir, env=dict(ENV, PORT=str(SHELL_PORT + i)),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                      for i in range(2)]
        started.extend(self.procs)

    def restart(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(10)
        self.start()

    def deploy(self):
        git(self.dir, "pull", "-q")
        sh("sh", "install.sh", cwd=self.dir)
        sh("sh", "build.sh", cwd=self.dir)
        self.restart()

    def rollback(self):
        git(self.dir, "checkout", "-q", "HEAD~1")
        self.restart()


def measure():
    res = {"install_s": INSTALL_S, "build_s": BUILD_S, "settle": SETTLE}
    repo = os.path.join(TMP, "repo")
    os.makedirs(repo)
    sh("git", "init", "-q", "-b", "main", repo)
    shutil.copy(os.path.join(TESTAPPS, "release_app.py"), repo)
    with open(os.path.join(repo, "install.sh"), "w") as f:
        f.write(f"echo installing; sleep {INSTALL_S}\n")
    with open(os.path.join(repo, "build.sh"), "w") as f:
        f.write(f"echo building; sleep {BUILD_S}\n")
    with open(os.path.join(repo, "VERSION"), "w") as f:
        f.write("v1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    project = os.path.join(TMP, "project")
    os.makedirs(project)
    with open(os.path.join(project, "berth.yml"), "w") as f:
        f.write(f"""apps:
  web:
    run: python3 release_app.py
    instances: 2
    port: {PORT}
    ready: {{ http: / }}
    deploy:
      path: {os.path.join(TMP, 'srv')}
      git: {repo}
      install: sh install.sh
      build: sh build.sh
      settle: {SETTLE}
      health: /health
""")

    log("app cold start and its steps alone")
    res["cold_start_s"] = cold_start()
    res["steps_alone_s"] = steps_alone(repo)
    log(f"  cold start {res['cold_start_s'] * 1000:.0f} ms, steps alone {res['steps_alone_s']:.2f} s")

    log("berth: first deploy (v1, not measured: it clones the mirror and starts the daemon)")
    sh(BERTH, "deploy", "web", cwd=project)
    if not wait_serving([PORT, PORT + 1], "v1"):
        raise RuntimeError("v1 is not served after the first deploy")

    commit(repo, "v2")
    log("berth: deploy v2 under load")
    load = Load(PORT)
    load.start()
    t0 = time.perf_counter()
    sh(BERTH, "deploy", "web", "--json", cwd=project)
    res["berth_deploy_s"] = time.perf_counter() - t0
    time.sleep(0.3)
    res["berth_deploy_load"] = load.stop()
    dep = json.loads(sh(BERTH, "deployments", "web", "--json", cwd=project).stdout)[0]
    steps = json.loads(sh(BERTH, "deployments", "show", str(dep["id"]), "--json", cwd=project).stdout)["steps"]
    res["berth_deploy_steps_ms"] = {s["name"]: s["duration_ms"] for s in steps}
    settle_ms = res["berth_deploy_steps_ms"].get("health gate", 0) or 0
    res["berth_deploy_without_settle_s"] = res["berth_deploy_s"] - settle_ms / 1000
    log(f"  {res['berth_deploy_s']:.2f} s ({res['berth_deploy_without_settle_s']:.2f} s without the settle window), "
        f"load: {res['berth_deploy_load']}")

    log("berth: rollback to v1 under load")
    load = Load(PORT)
    load.start()
    t0 = time.perf_counter()
    proc = subprocess.Popen([BERTH, "rollback", "web"], cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = wait_serving([PORT, PORT + 1], "v1")
    res["berth_rollback_to_serving_s"] = time.perf_counter() - t0 if served else None
    proc.wait(120)
    res["berth_rollback_command_s"] = time.perf_counter() - t0
    time.sleep(0.3)
    res["berth_rollback_load"] = load.stop()
    log(f"  serving v1 after {res['berth_rollback_to_serving_s']:.2f} s, command {res['berth_rollback_command_s']:.2f} s, "
        f"load: {res['berth_rollback_load']}")

    log("shell way: git pull + install + build + restart in place, under load")
    shell = ShellApp(repo)
    git(shell.dir, "checkout", "-q", "HEAD~1")  # v1, as Berth started
    git(shell.dir, "checkout", "-q", "main")
    git(shell.dir, "reset", "-q", "--hard", "HEAD~1")
    shell.start()
    if not wait_serving([SHELL_PORT, SHELL_PORT + 1], "v1"):
        raise RuntimeError("the shell way's v1 does not answer")
    load = Load(SHELL_PORT)
    load.start()
    t0 = time.perf_counter()
    shell.deploy()
    wait_serving([SHELL_PORT, SHELL_PORT + 1], "v2")
    res["shell_deploy_s"] = time.perf_counter() - t0
    time.sleep(0.3)
    res["shell_deploy_load"] = load.stop()
    log(f"  {res['shell_deploy_s']:.2f} s, load: {res['shell_deploy_load']}")

    load = Load(SHELL_PORT)
    load.start()
    t0 = time.perf_counter()
    shell.rollback()
    wait_serving([SHELL_PORT, SHELL_PORT + 1], "v1")
    res["shell_rollback_s"] = time.perf_counter() - t0
    time.sleep(0.3)
    res["shell_rollback_load"] = load.stop()
    log(f"  rollback {res['shell_rollback_s']:.2f} s, load: {res['shell_rollback_load']}")
    return res


def table(res):
    def ratio(a, b):
        return f"{a / b:.2f}x" if a and b else "-"
    rows = [
        ("deploy wall time (s)", f"{res['berth_deploy_s']:.2f}", f"{res['shell_deploy_s']:.2f}", ratio(res['berth_deploy_s'], res['shell_deploy_s']), "", ""),
        ("  without the settle window (s)", f"{res['berth_deploy_without_settle_s']:.2f}", f"{res['steps_alone_s']:.2f} (steps alone)",
         ratio(res['berth_deploy_without_settle_s'], res['steps_alone_s']), "<= 1.1x", "yes" if res['berth_deploy_without_settle_s'] <= 1.1 * res['steps_alone_s'] else "NO"),
        ("failed requests during deploy", str(res['berth_deploy_load']['failed']), str(res['shell_deploy_load']['failed']), "",
         "berth 0", "yes" if res['berth_deploy_load']['failed'] == 0 else "NO"),
        ("  of requests sent", str(res['berth_deploy_load']['requests']), str(res['shell_deploy_load']['requests']), "", "", ""),
        ("  first try failed (no retry)", str(res['berth_deploy_load']['first_try_failed']), str(res['shell_deploy_load']['first_try_failed']), "", "", ""),
        ("rollback until v1 is served (s)", f"{res['berth_rollback_to_serving_s']:.2f}", f"{res['shell_rollback_s']:.2f}",
         ratio(res['berth_rollback_to_serving_s'], res['shell_rollback_s']), f"< 1 s + {res['cold_start_s']:.2f}",
         "yes" if res['berth_rollback_to_serving_s'] < 1 + res['cold_start_s'] else "NO"),
        ("  rollback command incl. settle (s)", f"{res['berth_rollback_command_s']:.2f}", "", "", "", ""),
        ("failed requests during rollback", str(res['berth_rollback_load']['failed']), str(res['shell_rollback_load']['failed']), "",
         "berth 0", "yes" if res['berth_rollback_load']['failed'] == 0 else "NO"),
        ("  of requests sent", str(res['berth_rollback_load']['requests']), str(res['shell_rollback_load']['requests']), "", "", ""),
        ("reference: app cold start (s)", "", f"{res['cold_start_s']:.2f}", "", "", ""),
    ]
    head = ("metric", "berth", "shell way / baseline", "ratio", "goal", "met")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in [head] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main():
    try:
        res = measure()
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
    print(f"\ninstall {INSTALL_S}s + build {BUILD_S}s (sleeps), settle {SETTLE}, 2 instances, requests every ~5 ms on 127.0.0.1")
    print(table(res))
    with open(OUT_JSON, "w") as f:
        json.dump(res, f, indent=2)
    print(f"\nraw figures: {OUT_JSON}")


if __name__ == "__main__":
    main()
