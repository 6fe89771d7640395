#!/usr/bin/python3
"""Writes $LINES numbered lines (default 1000000) of 100 bytes each to stdout as fast as it can,
then prints "done" and sleeps forever, or exits when $EXIT_AFTER=1.
Each line is "line <9-digit number> xxx...": tests check that no number is missing."""
import os
import sys
import time

lines = int(os.environ.get("LINES", "1000000"))
exit_after = os.environ.get("EXIT_AFTER", "0") == "1"

out = sys.stdout
out.write(f"chatty started, pid {os.getpid()}, lines {lines}\n")
out.flush()
filler = "x" * (100 - len("line 000000000 \n"))
batch = 10000
try:
    for start in range(1, lines + 1, batch):
        end = min(start + batch, lines + 1)
        out.write("".join(f"line {i:09d} {filler}\n" for i in range(start, end)))
    out.write("done\n")
    out.flush()
except BrokenPipeError:
    sys.exit(0)

if not exit_after:
    while True:
        time.sleep(3600)
