#!/bin/sh
# Crashes on purpose: prints "starting", waits $CRASH_AFTER seconds (default 0), exits 1.
echo "starting"
sleep "${CRASH_AFTER:-0}"
echo "crashing now" >&2
exit 1
