#!/usr/bin/env bash
# Runs a costsim sweep on Slurm: an array job of SHARDS tasks (sweep.sbatch,
# one shard each, tasks numbered 1..SHARDS, writing OUT/shard-1.json ..
# OUT/shard-SHARDS.json), then a merge job that starts only when every task
# has succeeded (--dependency=afterok) and writes the sweep's report to
# OUT/report/, byte for byte what an unsharded `costsim sweep` writes.
#
#   examples/slurm/submit.sh [--wait] SCENARIO OUT SHARDS [SWEEP OPTIONS...]
#
#   examples/slurm/submit.sh scenarios/api-2016.toml results 8 --param memory_mb=128..1024:128
#
# --wait returns only when the merge has ended, with its exit status (0 when
# the report is written). Logs go to OUT/logs/. COSTSIM names the costsim
# executable (default: `costsim` on the PATH of the nodes). OUT must be on
# storage that the nodes and this machine share.
set -euo pipefail

usage() {
  echo "usage: $0 [--wait] SCENARIO OUT SHARDS [SWEEP OPTIONS...]" >&2
  exit 2
}

wait_flag=()
if [ "${1:-}" = --wait ]; then
  wait_flag=(--wait)
  shift
fi
[ $# -ge 3 ] || usage
scenario=$1 out=$2 shards=$3
shift 3
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "$0: SHARDS must be a whole number above 0, not '$shards'" >&2; exit 2; }
[ -f "$scenario" ] || { echo "$0: no scenario file '$scenario'" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
export SCENARIO=$scenario OUT=$out COSTSIM=${COSTSIM:-costsim}

# The array: tasks 1..SHARDS, each running sweep.sbatch with the sweep's options.
array_job=$(sbatch --parsable --array="1-$shards" --output="$out/logs/shard-%a.log" \
  "$here/sweep.sbatch" "$@")
array_job=${array_job%%;*}

# The merge, of the shards' files named one by one (a missing one is an
# error, not a smaller sweep); cancelled if any task fails.
merge=$(printf '%q ' "$COSTSIM" merge)
for k in $(seq 1 "$shards"); do
  merge+=$(printf '%q ' "$out/shard-$k.json")
done
merge+=$(printf -- '--out %q' "$out/report")
echo "submitted sweep array job $array_job ($shards shards); report to come in $out/report/"
# A merge that is cancelled (a task failed) never runs and, to `sbatch
# --wait`, exits 0: only a merge log says that it ran.
rm -f "$out/logs/merge.log"
status=0
sbatch --parsable --job-name=costsim-merge --dependency="afterok:$array_job" \
  --kill-on-invalid-dep=yes --output="$out/logs/merge.log" "${wait_flag[@]}" --wrap "$merge" \
  | sed 's/^\([0-9]*\).*/submitted merge job \1/' || status=$?
if [ ${#wait_flag[@]} -gt 0 ]; then
  [ "$status" -eq 0 ] && [ ! -f "$out/logs/merge.log" ] && status=1
  if [ "$status" -eq 0 ]; then
    echo "merged: $out/report/"
  else
    echo "$0: the sweep did not complete (exit $status); see $out/logs/" >&2
  fi
fi
exit "$status"
