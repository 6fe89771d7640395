#!/bin/sh
# Ignores SIGTERM, and so do its two children: only SIGKILL gets rid of this tree.
echo "ignore_term started, pid $$"
trap 'echo "got TERM, ignoring"' TERM

# An ignored signal stays ignored across exec, so the sleeps ignore TERM as well.
sh -c 'trap "" TERM; sleep 1000' &
sh -c 'trap "" TERM; sleep 1000' &

# wait returns early when a trapped signal arrives; loop to keep waiting. The sleep keeps the loop
# from spinning once the children are gone.
while :; do
  wait
  sleep 1
done
