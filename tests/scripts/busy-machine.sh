#!/usr/bin/env bash
# Runs the README's test command while other processes keep every core busy, and says how long it
# took: the suite must hold on a loaded machine (issue 15). Usage, from the repository:
#
#   bash tests/scripts/busy-machine.sh                 # one CPU burner per core beside `pnpm test`
#   BURNERS=0 bash tests/scripts/busy-machine.sh       # the same command on its own, for comparison
#   bash tests/scripts/busy-machine.sh npx -y pnpm@10.34.9 test:e2e   # another command
#
# A burner is `node -e 'for(;;){}'` at normal priority (no nice): it competes with the tests for
# every core the whole time. The burners are stopped when the command ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

BURNERS="${BURNERS:-$(nproc)}"
if [ "$#" -eq 0 ]; then set -- npx -y pnpm@10.34.9 test; fi

burners=()
stop_burners() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_burners EXIT

for ((i = 0; i < BURNERS; i++)); do
  node -e 'for (;;) {}' &
  burners+=("$!")
done
echo "busy-machine: $BURNERS CPU burner(s) on $(nproc) core(s) (pids ${burners[*]:-none}); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "busy-machine: running: $*"

started=$(date +%s)
set +e
"$@"
status=$?
set -e
elapsed=$(($(date +%s) - started))

echo "busy-machine: '$*' exited $status after $((elapsed / 60)) min $((elapsed % 60)) s with $BURNERS burner(s); load $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
