#!/usr/bin/python3
"""The app the deploy tests ship, run from a release directory (its cwd).
GET / -> "version=<contents of ./VERSION>", GET /health -> "ok" (200), GET /env/NAME -> $NAME.
Files in the release change its behaviour, so a test can make a bad release with one commit:
  CRASH      exit 3 at start (never ready)
  UNHEALTHY  / answers (ready passes), but /health answers 500
  DIE_AFTER  exit 4 that many seconds after start (crashes during the settle window)
  UNHEALTHY_AFTER  /health answers 500 from that many seconds after start on
  SLOW_START  sleep that many seconds before listening
Shuts down cleanly on SIGTERM."""
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(os.environ.get("PORT", "8000"))
version = open("VERSION").read().strip() if os.path.exists("VERSION") else "?"
print(f"release_app {version} started in {os.getcwd()}, pid {os.getpid()}", flush=True)
if os.path.exists("CRASH"):
    print("CRASH file present: exiting", flush=True)
    sys.exit(3)
unhealthy = os.path.exists("UNHEALTHY")
started = time.monotonic()
unhealthy_after = float(open("UNHEALTHY_AFTER").read().strip()) if os.path.exists("UNHEALTHY_AFTER") else None
if os.path.exists("SLOW_START"):
    time.sleep(float(open("SLOW_START").read().strip() or "1"))
if os.path.exists("DIE_AFTER"):
    delay = float(open("DIE_AFTER").read().strip() or "1")
    threading.Timer(delay, lambda: os._exit(4)).start()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            self.reply(200, f"version={version}")
        elif self.path.startswith("/env/"):
            self.reply(200, os.environ.get(self.path[5:], ""))
        elif self.path == "/health":
            sick = unhealthy or (unhealthy_after is not None and time.monotonic() - started > unhealthy_after)
            self.reply(500 if sick else 200, "unhealthy" if sick else "ok")
        else:
            self.reply(404, "no")

    def reply(self, status, text):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
print(f"listening on {port}", flush=True)
server.serve_forever()
