#!/usr/bin/python3
"""HTTP app on 127.0.0.1:$PORT (default 8000). GET / -> "hello from <pid> version=$APP_VERSION",
GET /health -> "ok". Waits $READY_DELAY seconds (default 0) before listening, then prints
"listening on <port>". Prints each variable named in $PRINT_ENV (comma separated) as KEY=VALUE at
start. Shuts down cleanly on SIGTERM."""
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(os.environ.get("PORT", "8000"))
version = os.environ.get("APP_VERSION", "")

print(f"http_app started, pid {os.getpid()}", flush=True)
for key in filter(None, (k.strip() for k in os.environ.get("PRINT_ENV", "").split(","))):
    print(f"{key}={os.environ.get(key, '')}", flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            self.reply(f"hello from {os.getpid()} version={version}")
        elif self.path == "/health":
            self.reply("ok")
        else:
            self.send_error(404)

    def reply(self, text):
        body = (text + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


time.sleep(float(os.environ.get("READY_DELAY", "0")))
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True


def on_term(signum, frame):
    # shutdown() waits for serve_forever() to return, and serve_forever runs on this very thread:
    # calling it here directly would deadlock.
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, on_term)
print(f"listening on {port}", flush=True)
server.serve_forever()
server.server_close()
print("stopped cleanly", flush=True)
sys.exit(0)
