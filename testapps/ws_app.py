#!/usr/bin/python3
"""HTTP and websocket app on 127.0.0.1:$PORT. GET / -> "hello from <pid>"; GET /ws upgrades to a
websocket that answers each text message with "<pid>: <message>". Standard library only."""
import base64
import hashlib
import os
import signal
import socketserver
import struct
import sys
import threading

port = int(os.environ.get("PORT", "8000"))
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_frame(f):
    head = f.read(2)
    if len(head) < 2:
        return None, None
    opcode = head[0] & 0x0F
    length = head[1] & 0x7F
    if length == 126:
        length = struct.unpack(">H", f.read(2))[0]
    elif length == 127:
        length = struct.unpack(">Q", f.read(8))[0]
    mask = f.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = bytes(b ^ mask[i % 4] for i, b in enumerate(f.read(length)))
    return opcode, data


def frame(opcode, data):
    n = len(data)
    if n < 126:
        return bytes([0x80 | opcode, n]) + data
    if n < 65536:
        return bytes([0x80 | opcode, 126]) + struct.pack(">H", n) + data
    return bytes([0x80 | opcode, 127]) + struct.pack(">Q", n) + data


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            line = self.rfile.readline()
            if not line:
                return
            request = line.decode("latin-1").split()
            headers = {}
            while True:
                h = self.rfile.readline().decode("latin-1")
                if h in ("\r\n", "\n", ""):
                    break
                k, _, v = h.partition(":")
                headers[k.strip().lower()] = v.strip()
            path = request[1] if len(request) > 1 else "/"
            if path == "/ws" and headers.get("upgrade", "").lower() == "websocket":
                accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
                self.wfile.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
                self.wfile.flush()
                while True:
                    opcode, data = read_frame(self.rfile)
                    if opcode is None or opcode == 8:
                        return
                    if opcode == 9:
                        self.wfile.write(frame(10, data))
                    elif opcode == 1:
                        self.wfile.write(frame(1, f"{os.getpid()}: {data.decode()}".encode()))
                    self.wfile.flush()
            body = f"hello from {os.getpid()}\n".encode()
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", port), Handler)
signal.signal(signal.SIGTERM, lambda s, f: threading.Thread(target=server.shutdown).start())
print(f"listening on {port}", flush=True)
server.serve_forever()
sys.exit(0)
