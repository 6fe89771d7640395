#!/bin/sh
# Starts 3 background children (each a sleep loop: a subshell plus its sleep) and waits.
# With DOUBLE_FORK=1 it also leaves an orphan behind: a sleep whose parent exits at once, so it is
# re-parented away from this tree and only its process group still ties it to us.
echo "spawn_children started, pid $$"
for i in 1 2 3; do
  ( while :; do sleep 1000; done ) &
  echo "child $!"
done
if [ "${DOUBLE_FORK:-0}" = 1 ]; then
  ( sleep 1000 & echo "orphan $!" )
fi
echo "all started"
while :; do
  wait
  sleep 1
done
