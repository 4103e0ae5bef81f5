#!/usr/bin/env bash
# Serving benchmarks: `mlops serve` against `mlflow models serve` (MLflow from PyPI, in a virtualenv) with the
# same kind of model on the same data in the same run: gradient-boosted trees predicting auto-mpg's mpg from
# seven features (mlops: its own GBDT; MLflow: scikit-learn's HistGradientBoostingRegressor).
# Load: wrk on loopback, one-row JSON requests, 2 threads and 32 connections (and 1 connection for latency).
# Scenarios:
#   mlflow-protocol   POST /invocations {"dataframe_split": …}    both servers, the same body
#   v2                POST /v2/models/mpg/infer (Open Inference)   mlops
#   one-connection    median latency, 1 connection                 mlops (v2) and MLflow
#   million           at least 1,000,000 requests in a row, logging on   mlops: errors, RSS every 10 s, rows logged
#   batch-1000        1,000 rows per request                       mlops: rows per second
# Usage: Benchmarks/serving.sh [seconds per run] [all|million]
#   (prints a Markdown table; raw wrk output in Benchmarks/work/serving/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-10}"
scenarios="${2:-all}"
work="$root/Benchmarks/work/serving"
rm -rf "$work" && mkdir -p "$work"

command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
(cd "$root" && swift build -c release --product mlops >/dev/null)
mlops="$(cd "$root" && swift build -c release --show-bin-path)/mlops"
. "$root/Benchmarks/serving-setup.sh"

row='"columns":["cylinders","displacement","horsepower","weight","acceleration","year","origin"],"data":[[8,307,130,3504,12,70,1]]'
v2='{"inputs":[{"name":"cylinders","shape":[1],"datatype":"FP64","data":[8]},{"name":"displacement","shape":[1],"datatype":"FP64","data":[307]},{"name":"horsepower","shape":[1],"datatype":"FP64","data":[130]},{"name":"weight","shape":[1],"datatype":"FP64","data":[3504]},{"name":"acceleration","shape":[1],"datatype":"FP64","data":[12]},{"name":"year","shape":[1],"datatype":"FP64","data":[70]},{"name":"origin","shape":[1],"datatype":"BYTES","data":["1"]}]}'
script() {  # script <file> <body>
    cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$2'
LUA
}
script "$work/mlflow.lua" "{\"dataframe_split\":{$row}}"
script "$work/v2.lua" "$v2"
"$python" - "$work/batch.lua" <<'PY'
import json, sys
rows = [[8 - i % 5, 307.0 - i % 97, 130 + i % 50, 3504 - i, 12.0 + (i % 7) / 2, 70 + i % 12, str(1 + i % 3)] for i in range(1000)]
body = {"dataframe_split": {"columns": ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"], "data": rows}}
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[' + json.dumps(body) + ']==]\n')
PY

wait_for() { for _ in $(seq 1 300); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }
rss() { awk '/VmRSS/ {print $2 / 1024}' "/proc/$1/status"; }
summary() {  # summary <label> <wrk output file>: requests/s, p50, p99, errors
    "$python" - "$1" "$2" <<'PY'
import re, sys
label, path = sys.argv[1:3]
text = open(path).read()
def latency(p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
    if not m: return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors += int(non2xx.group(1)) if non2xx else 0
print(f"{label}\t{rps:.0f}\t{latency(50):.3f}\t{latency(99):.3f}\t{requests}\t{errors}")
PY
}

"$mlops" serve mpg@production --port 18181 -q >"$work/mlops.log" 2>&1 &
mlops_pid=$!
"$venv/bin/mlflow" models serve -m "$work/mlflow-model" --env-manager local -p 18182 >"$work/mlflow.log" 2>&1 &
mlflow_pid=$!
trap 'kill $mlops_pid $mlflow_pid 2>/dev/null || true' EXIT
wait_for http://127.0.0.1:18181/v2/health/ready
wait_for http://127.0.0.1:18182/ping
curl -sf -H 'Content-Type: application/json' -d "{\"dataframe_split\":{$row}}" http://127.0.0.1:18182/invocations >/dev/null

results="$work/results.tsv"
: >"$results"
rounds=3
[ "$scenarios" = million ] && rounds=0
for round in $(seq 1 $rounds); do
    wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/mlflow.lua" http://127.0.0.1:18182/invocations >"$work/mlflow-$round.txt"
    summary "MLflow, mlflow-protocol" "$work/mlflow-$round.txt" >>"$results"
    wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/mlflow.lua" http://127.0.0.1:18181/invocations >"$work/mlops-mlflow-$round.txt"
    summary "mlops, mlflow-protocol" "$work/mlops-mlflow-$round.txt" >>"$results"
    wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/v2.lua" http://127.0.0.1:18181/v2/models/mpg/infer >"$work/mlops-v2-$round.txt"
    summary "mlops, v2" "$work/mlops-v2-$round.txt" >>"$results"
    wrk -t1 -c1 -d"${seconds}s" --latency -s "$work/mlflow.lua" http://127.0.0.1:18182/invocations >"$work/mlflow-one-$round.txt"
    summary "MLflow, one connection" "$work/mlflow-one-$round.txt" >>"$results"
    wrk -t1 -c1 -d"${seconds}s" --latency -s "$work/v2.lua" http://127.0.0.1:18181/v2/models/mpg/infer >"$work/mlops-one-$round.txt"
    summary "mlops, v2, one connection" "$work/mlops-one-$round.txt" >>"$results"
done
if [ "$scenarios" = all ]; then
    wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/batch.lua" http://127.0.0.1:18181/invocations >"$work/mlops-batch.txt"
    summary "mlops, 1,000-row batches" "$work/mlops-batch.txt" >>"$results"
    wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/batch.lua" http://127.0.0.1:18182/invocations >"$work/mlflow-batch.txt"
    summary "MLflow, 1,000-row batches" "$work/mlflow-batch.txt" >>"$results"
fi

# The long run: wrk for long enough to pass 1,000,000 requests, RSS sampled every 10 s.
rss_before="$(rss $mlops_pid)"
( while kill -0 $mlops_pid 2>/dev/null; do rss $mlops_pid; sleep 10; done ) >"$work/rss.txt" &
sampler=$!
wrk -t2 -c32 -d120s --latency -s "$work/v2.lua" http://127.0.0.1:18181/v2/models/mpg/infer >"$work/million.txt"
kill $sampler 2>/dev/null || true
sleep 1
rss_after="$(rss $mlops_pid)"
summary "mlops, 120 s in a row (logging on)" "$work/million.txt" >>"$results"
kill -TERM $mlops_pid && wait $mlops_pid || true
logged="$("$python" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from serving_log").fetchone()[0])' "$repo/.mlops/mlops.db")"

"$python" - "$results" "$rss_before" "$rss_after" "$logged" "$work/rss.txt" <<'PY'
import statistics, sys
from collections import defaultdict
path, before, after, logged, samples = sys.argv[1:6]
rows = defaultdict(list)
for line in open(path):
    label, rps, p50, p99, requests, errors = line.rstrip("\n").split("\t")
    rows[label].append((float(rps), float(p50), float(p99), int(requests), int(errors)))
print("| scenario | requests/s | p50 ms | p99 ms | requests | errors |")
print("|---|---:|---:|---:|---:|---:|")
for label, runs in rows.items():
    med = lambda i: statistics.median(r[i] for r in runs)
    print(f"| {label} | {med(0):,.0f} | {med(1):.3f} | {med(2):.2f} | {sum(r[3] for r in runs):,} | {sum(r[4] for r in runs)} |")
if "MLflow, mlflow-protocol" in rows:
    ratio = statistics.median(r[0] for r in rows["mlops, mlflow-protocol"]) / statistics.median(r[0] for r in rows["MLflow, mlflow-protocol"])
    print(f"\nmlops / MLflow requests per second (same MLflow-protocol body, 32 connections): {ratio:.0f}×")
for label in ("mlops, 1,000-row batches", "MLflow, 1,000-row batches"):
    if label in rows: print(f"{label}: {rows[label][0][0] * 1000:,.0f} rows/s")
rss = [float(line) for line in open(samples) if line.strip()]
long = rows["mlops, 120 s in a row (logging on)"][0]
print(f"Long run with logging on: {long[3]:,} requests, {long[4]} errors; RSS {float(before):.1f} MB before, "
      f"{float(after):.1f} MB after, every 10 s: {', '.join(f'{r:.0f}' for r in rss)} MB; {int(logged):,} rows in serving_log")
PY
