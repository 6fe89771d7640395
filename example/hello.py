#!/usr/bin/python3
"""The example app: a tiny HTTP service on 127.0.0.1:$PORT that says hello and has a /health."""
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
GREETING = os.environ.get("GREETING", "hello")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (b"ok\n" if self.path == "/health"
                else f"{GREETING} from instance {os.environ.get('BERTH_INSTANCE')} (pid {os.getpid()})\n".encode())
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"listening on {PORT}", flush=True)
server.serve_forever()
