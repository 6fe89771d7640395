#!/usr/bin/python3
"""The soak's logging app: "tick <pid> <n> xxx..." lines, n counting up from 1, about 2,000 a
second, forever. The soak checks that every pid's lines are in its log files once each."""
import os
import sys
import time

pid = os.getpid()
filler = "x" * 60
n = 0
while True:
    chunk = []
    for _ in range(20):
        n += 1
        chunk.append(f"tick {pid} {n} {filler}\n")
    sys.stdout.write("".join(chunk))
    sys.stdout.flush()
    time.sleep(0.01)
