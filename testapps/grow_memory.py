#!/usr/bin/python3
"""Grows its resident memory by $GROW_MB_PER_SEC MB a second (default 20) up to $GROW_MAX_MB
(default 400), then stays at that size. Prints the size after each step."""
import os
import time

MB = 1024 * 1024
per_sec = int(os.environ.get("GROW_MB_PER_SEC", "20"))
max_mb = int(os.environ.get("GROW_MAX_MB", "400"))

print(f"grow_memory started, pid {os.getpid()}", flush=True)
chunks = []
size = 0
while True:
    if size < max_mb:
        step = min(per_sec, max_mb - size)
        # bytes of 0x01, not bytearray(n): a zero-filled buffer can stay unmapped and not count as RSS.
        chunks.append(b"\x01" * (step * MB))
        size += step
        print(f"size {size} MB", flush=True)
    time.sleep(1)
