#!/usr/bin/env bash
# Sharing benchmark: 1,000 runs × 20 metrics × 100 steps (2,000,000 metric values) made available to another
# machine. mlops: `push --metadata` to S3 (moto_server on loopback, which checks Signature V4), then
# `fetch --metadata` in a fresh clone, then a fetch with nothing new. MLflow: the same runs logged to an
# `mlflow server` (SQLite backend) through MlflowClient calls (create_run, log_batch of up to 1,000 values,
# set_terminated), then read back (search_runs and every metric's history). Both in the same run, on the same
# values; tools from PyPI in a virtualenv.
# Usage: Benchmarks/sharing.sh [rounds] [runs]   (prints a Markdown table; logs in Benchmarks/work/sharing/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
runs="${2:-1000}"
work="$root/Benchmarks/work"
out="$work/sharing"
rm -rf "$out" && mkdir -p "$out"

(cd "$root" && swift build -c release --product mlops >/dev/null)
mlops="$(cd "$root" && swift build -c release --show-bin-path)/mlops"
venv="$work/venv-mlflow"
if [ ! -x "$venv/bin/mlflow" ] || [ ! -x "$venv/bin/moto_server" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check mlflow "moto[server]"
fi
python="$venv/bin/python"
echo "mlops $("$mlops" --version), mlflow $("$python" -c 'import mlflow; print(mlflow.__version__)')" \
    | tee "$out/versions.txt"

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
seconds() { local start=$EPOCHREALTIME; "$@" >>"$out/commands.log" 2>&1; awk "BEGIN { print $EPOCHREALTIME - $start }"; }
results="$out/results.tsv"
: >"$results"
record() { echo -e "$1\t$2\t$3" >>"$results"; }  # scenario, tool, seconds

moto_port="$(free_port)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$out/moto.log" 2>&1 &
moto=$!
mlflow_pid=""
trap 'kill $moto $mlflow_pid 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$moto_port/"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
"$python" -c "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:$moto_port').create_bucket(Bucket='bench')"

# The runs, written once as JSON Lines: each tool records exactly these values.
"$python" - "$runs" "$out/runs.jsonl" <<'PY'
import json, random, sys, uuid
count, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
start = 1_780_000_000_000  # ms
with open(path, "w") as file:
    for index in range(count):
        run = {"id": str(uuid.UUID(int=rng.getrandbits(128))), "name": f"run-{index}", "start_ms": start + index * 1000,
               "params": {"learning_rate": str(rng.choice([0.01, 0.05, 0.1])), "max_leaves": str(rng.choice([7, 15, 31]))},
               "metrics": {f"metric_{m}": [rng.random() for _ in range(100)] for m in range(20)}}
        file.write(json.dumps(run) + "\n")
PY

# mlops: the runs go into a repository's database as `mlops log` would record them (rows of docs/formats.md),
# ended, so that push publishes them.
setup_mlops() {  # setup_mlops <dir>
    rm -rf "$1" && mkdir -p "$1" && cd "$1" && git init -q && "$mlops" init -q
    "$mlops" remote add origin "s3://bench/round-$RANDOM$RANDOM" --endpoint-url "http://127.0.0.1:$moto_port" -q
    git add -A && git -c user.name=bench -c user.email=bench@invalid commit -qm remote
    "$python" - "$out/runs.jsonl" .mlops/mlops.db <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
with db, open(sys.argv[1]) as file:
    for line in file:
        run = json.loads(line)
        start = run["start_ms"] * 1_000_000
        db.execute("INSERT INTO runs (id, name, kind, status, started_ns, git_dirty, tool_version, host) "
                   "VALUES (?, ?, 'external', 'running', ?, 0, 'bench', 'bench')", (run["id"], run["name"], start))
        db.executemany("INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)",
                       [(run["id"], k, v) for k, v in run["params"].items()])
        db.executemany("INSERT INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES (?, ?, ?, ?, ?)",
                       [(run["id"], key, value, step, start + step * 1_000_000)
                        for key, values in run["metrics"].items() for step, value in enumerate(values)])
        db.execute("UPDATE runs SET status = 'finished', ended_ns = ? WHERE id = ?", (start + 500_000_000, run["id"]))
PY
}

for round in $(seq 1 "$rounds"); do
    echo "==> round $round: mlops"
    setup_mlops "$out/a"
    record push mlops "$(seconds "$mlops" push --metadata -C "$out/a")"
    rm -rf "$out/b" && git clone -q "$out/a" "$out/b"
    record fetch mlops "$(seconds "$mlops" fetch --metadata -C "$out/b")"
    record "fetch, nothing new" mlops "$(seconds "$mlops" fetch --metadata -C "$out/b")"
    count="$("$mlops" runs list -C "$out/b" --json | "$python" -c 'import json, sys; print(len(json.load(sys.stdin)))')"
    [ "$count" = "$runs" ] || { echo "the clone has $count runs, not $runs" >&2; exit 1; }

    echo "==> round $round: mlflow"
    rm -rf "$out/mlflow" && mkdir -p "$out/mlflow"
    mlflow_port="$(free_port)"
    "$venv/bin/mlflow" server --backend-store-uri "sqlite:///$out/mlflow/mlflow.db" \
        --default-artifact-root "$out/mlflow/artifacts" --host 127.0.0.1 --port "$mlflow_port" --workers 1 \
        >"$out/mlflow-server.log" 2>&1 &
    mlflow_pid=$!
    wait_for "http://127.0.0.1:$mlflow_port/health"
    export MLFLOW_TRACKING_URI="http://127.0.0.1:$mlflow_port"
    record push mlflow "$(seconds "$python" - "$out/runs.jsonl" <<'PY'
import json, sys
from mlflow.tracking import MlflowClient
from mlflow.entities import Metric, Param
client = MlflowClient()
experiment = client.create_experiment("bench")
with open(sys.argv[1]) as file:
    for line in file:
        run = json.loads(line)
        created = client.create_run(experiment, start_time=run["start_ms"], run_name=run["name"])
        metrics = [Metric(key, value, run["start_ms"] + step, step)
                   for key, values in run["metrics"].items() for step, value in enumerate(values)]
        params = [Param(k, v) for k, v in run["params"].items()]
        for offset in range(0, len(metrics), 1000):
            client.log_batch(created.info.run_id, metrics=metrics[offset:offset + 1000],
                             params=params if offset == 0 else [])
        client.set_terminated(created.info.run_id, end_time=run["start_ms"] + 500)
PY
)"
    record fetch mlflow "$(seconds "$python" - "$runs" <<'PY'
import sys
from mlflow.tracking import MlflowClient
client = MlflowClient()
experiment = client.get_experiment_by_name("bench").experiment_id
runs, token = [], None
while True:
    page = client.search_runs([experiment], max_results=1000, page_token=token)
    runs += page
    token = page.token
    if not token: break
assert len(runs) == int(sys.argv[1]), len(runs)
for run in runs:
    for key in run.data.metrics:
        assert len(client.get_metric_history(run.info.run_id, key)) == 100
PY
)"
    kill "$mlflow_pid" && wait "$mlflow_pid" 2>/dev/null || true
    mlflow_pid=""
done

# Medians per scenario and tool, and MLflow's median over mlops's.
"$python" - "$results" "$runs" <<'PY'
import statistics, sys
from collections import defaultdict
times = defaultdict(list)
for line in open(sys.argv[1]):
    scenario, tool, seconds = line.rstrip("\n").split("\t")
    times[(scenario, tool)].append(float(seconds))
print(f"| {sys.argv[2]} runs × 20 metrics × 100 steps | mlops (s) | MLflow (s) | MLflow / mlops |")
print("|---|---:|---:|---:|")
for scenario in ["push", "fetch", "fetch, nothing new"]:
    ours = statistics.median(times[(scenario, "mlops")])
    theirs = times.get((scenario, "mlflow"))
    if theirs:
        print(f"| {scenario} | {ours:.2f} | {statistics.median(theirs):.2f} | {statistics.median(theirs) / ours:.1f}× |")
    else:
        print(f"| {scenario} | {ours:.2f} | | |")
PY
