#!/usr/bin/python3
"""Runs forever without opening any port and without ever saying it is ready."""
import os
import time

print(f"never_ready started, pid {os.getpid()}", flush=True)
while True:
    time.sleep(3600)
