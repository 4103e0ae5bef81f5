#!/usr/bin/env bash
# What a device pays to run a model: `mlops serve --bundle` (no repository) against `mlflow models serve` (MLflow
# from PyPI in a virtualenv, --env-manager local) with the same kind of model on the same data in the same run:
# gradient-boosted trees predicting auto-mpg's mpg from seven features (mlops: its own GBDT in a bundle from
# `mlops model fetch`; MLflow: scikit-learn's HistGradientBoostingRegressor).
# Measured, each server started fresh every round:
#   start-up      exec → first 200 answer to a one-row request (polled every 5 ms)
#   idle RSS      resident memory after the first answer (the whole process tree for MLflow's workers)
#   loaded RSS    resident memory after wrk's load (2 threads, 32 connections)
#   on disk       what must be on the device: the binary and the bundle, or the virtualenv and the model
# Usage: Benchmarks/edge.sh [rounds] [seconds of load]   (prints a Markdown table; MLOPS=<binary> skips the build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"
seconds="${2:-10}"
work="$root/Benchmarks/work/edge"
rm -rf "$work" && mkdir -p "$work"

command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
if [ -z "${MLOPS:-}" ]; then
    (cd "$root" && swift build -c release --product mlops >/dev/null)
    MLOPS="$(cd "$root" && swift build -c release --show-bin-path)/mlops"
fi
strip -o "$work/mlops" "$MLOPS"
mlops="$work/mlops"
. "$root/Benchmarks/serving-setup.sh"
# The project pushes production; the device fetches it without a repository.
mkdir -p "$work/remote" "$work/device"
"$mlops" remote add -q store "$work/remote"
"$mlops" push -q
cd "$work/device"
"$mlops" model fetch -q mpg@production --remote "$work/remote" --output mpg.tar.gz

body='{"dataframe_split":{"columns":["cylinders","displacement","horsepower","weight","acceleration","year","origin"],"data":[[8,307,130,3504,12,70,1]]}}'
cat >"$work/load.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
LUA
tree_rss() {  # resident MiB of a process and all its descendants
    local total=0 pid
    for pid in $1 $(pgrep -P "$1" 2>/dev/null) $(for child in $(pgrep -P "$1" 2>/dev/null); do pgrep -P "$child"; done); do
        total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
    done
    echo $((total / 1024))
}
now_ms() { date +%s%3N; }
measure() {  # measure <label> <port> <command…>: one round's start-up ms, idle MiB, loaded MiB
    local label=$1 port=$2
    shift 2
    local start pid
    start=$(now_ms)
    "$@" >"$work/server.log" 2>&1 &
    pid=$!
    until curl -sf -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/invocations" >/dev/null 2>&1; do
        kill -0 $pid 2>/dev/null || { echo "$label did not start: $(cat "$work/server.log")" >&2; exit 1; }
        sleep 0.005
    done
    local ready=$(($(now_ms) - start))
    sleep 1
    local idle
    idle=$(tree_rss $pid)
    wrk -t2 -c32 -d"${seconds}s" -s "$work/load.lua" "http://127.0.0.1:$port/invocations" >"$work/wrk.txt"
    local loaded rps
    loaded=$(tree_rss $pid)
    rps=$(awk '/Requests\/sec/ {print int($2)}' "$work/wrk.txt")
    pkill -TERM -P $pid 2>/dev/null || true
    kill -TERM $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$ready" "$idle" "$loaded" "$rps" >>"$work/results.tsv"
}

: >"$work/results.tsv"
for _ in $(seq 1 "$rounds"); do
    measure "mlops serve --bundle" 18191 "$mlops" serve --bundle "$work/device/mpg.tar.gz" --port 18191 -q
    measure "mlflow models serve" 18192 "$venv/bin/mlflow" models serve -m "$work/mlflow-model" --env-manager local \
        -p 18192
done

mlops_disk=$(($(stat -c %s "$mlops") + $(stat -c %s "$work/device/mpg.tar.gz")))
mlflow_disk=$(($(du -sb "$venv" | cut -f1) + $(du -sb "$work/mlflow-model" | cut -f1)))
"$python" - "$work/results.tsv" "$mlops_disk" "$mlflow_disk" <<'PY'
import statistics, sys
from collections import defaultdict
path, mlops_disk, mlflow_disk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = defaultdict(list)
for line in open(path):
    label, *values = line.rstrip("\n").split("\t")
    rows[label].append([float(v) for v in values])
disk = {"mlops serve --bundle": mlops_disk, "mlflow models serve": mlflow_disk}
print("| server | start-up to first answer (ms) | idle RSS (MiB) | RSS after load (MiB) | requests/s under load | on disk (MiB) |")
print("|---|---:|---:|---:|---:|---:|")
medians = {}
for label, values in rows.items():
    median = [statistics.median(column) for column in zip(*values)]
    medians[label] = median
    print(f"| {label} | {median[0]:.0f} | {median[1]:.0f} | {median[2]:.0f} | {median[3]:.0f} | {disk[label] / 2**20:.0f} |")
mine, theirs = medians["mlops serve --bundle"], medians["mlflow models serve"]
print(f"\nmlops/MLflow (medians of {len(rows['mlops serve --bundle'])} rounds): start-up {mine[0] / theirs[0]:.3f}×, "
      f"idle RSS {mine[1] / theirs[1]:.2f}×, RSS after load {mine[2] / theirs[2]:.2f}×, "
      f"requests/s {mine[3] / theirs[3]:.1f}×, on disk {mlops_disk / mlflow_disk:.2f}×")
PY
