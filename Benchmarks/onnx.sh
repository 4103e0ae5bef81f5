#!/usr/bin/env bash
# ONNX models from other frameworks: mlops' own evaluator against ONNX Runtime, in the same run on the same rows.
#   batch      100,000 rows already in memory: ONNX Runtime's InferenceSession.run (Python, intra-op threads 1
#              and 2) against the evaluator's predict on the encoded rows (Benchmarks/LearnBenchmark --onnx,
#              threads 1 and 2), for scikit-learn, LightGBM and XGBoost models (median of the repeats).
#   serving    one-row requests to `mlops serve`, sequential on one kept-alive connection: an mlops GBDT in its
#              own format against the same trees exported to ONNX and registered as an ONNX version (median
#              latency in microseconds; three alternating rounds, the median of their medians).
# Usage: Benchmarks/onnx.sh [repeats] [requests]   (prints Markdown tables; work files in Benchmarks/work/onnx/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
repeats="${1:-7}"
requests="${2:-3000}"
work="$root/Benchmarks/work/onnx"
rm -rf "$work" && mkdir -p "$work"

(cd "$root" && swift build -c release --product mlops >/dev/null && swift build -c release --product mlops-learn-benchmark >/dev/null)
bin="$(cd "$root" && swift build -c release --show-bin-path)"
mlops="$bin/mlops"
venv="$root/Benchmarks/work/venv-onnx"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check onnxruntime numpy scikit-learn skl2onnx onnxmltools \
        lightgbm xgboost onnx
fi
python="$venv/bin/python"

# 100,000 diamonds (drawn with replacement from the 53,940) and the models, trained on the first 20,000.
"$python" - "$root/Examples/diamonds/diamonds.csv" "$work" <<'PY'
import csv, random, sys
import numpy as np
source, work = sys.argv[1:3]
rows = list(csv.DictReader(open(source)))
random.seed(0)
sample = [random.choice(rows) for _ in range(100_000)]
numbers = ["carat", "depth", "table", "x", "y", "z"]
with open(f"{work}/rows.csv", "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(numbers + ["cut", "color", "clarity", "price"])
    writer.writerows([r[c] for c in numbers + ["cut", "color", "clarity", "price"]] for r in sample)
X = np.array([[float(r[c]) for c in numbers] for r in sample], dtype=np.float32)
y = np.array([float(r["price"]) for r in sample])
expensive = (y > 2400).astype(np.int64)
train = slice(0, 20_000)

from skl2onnx import to_onnx
from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import lightgbm, xgboost
from onnxmltools import convert_lightgbm, convert_xgboost
from onnxmltools.convert.common.data_types import FloatTensorType

models = {
    "sklearn GradientBoostingRegressor (100 trees, depth 4)":
        ("gb", to_onnx(GradientBoostingRegressor(n_estimators=100, max_depth=4, random_state=0).fit(X[train], y[train]), X[:1], target_opset=15)),
    "sklearn RandomForestClassifier (50 trees, depth 10)":
        ("rf", to_onnx(RandomForestClassifier(n_estimators=50, max_depth=10, random_state=0).fit(X[train], expensive[train]), X[:1], target_opset=15, options={"zipmap": False})),
    "sklearn StandardScaler + MLPRegressor (64, 32)":
        ("mlp", to_onnx(make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(64, 32), max_iter=200, random_state=0)).fit(X[train], y[train]), X[:1], target_opset=15)),
    "LightGBM LGBMRegressor (200 trees, 31 leaves)":
        ("lgbm", convert_lightgbm(lightgbm.LGBMRegressor(n_estimators=200, verbose=-1).fit(X[train], y[train]), initial_types=[("X", FloatTensorType([None, 6]))], target_opset=15)),
    "XGBoost XGBRegressor (200 trees, depth 6)":
        ("xgb", convert_xgboost(xgboost.XGBRegressor(n_estimators=200, max_depth=6).fit(X[train], y[train]), initial_types=[("X", FloatTensorType([None, 6]))], target_opset=15)),
}
with open(f"{work}/models.tsv", "w") as listing:
    for label, (name, model) in models.items():
        open(f"{work}/{name}.onnx", "wb").write(model.SerializeToString())
        listing.write(f"{name}\t{label}\n")
np.save(f"{work}/X.npy", X)
PY

ort() {  # ort <model> <threads>: median seconds of session.run on the 100,000 rows
    "$python" - "$work/$1.onnx" "$2" "$repeats" "$work/X.npy" <<'PY'
import sys, time, statistics
import numpy as np, onnxruntime as ort
path, threads, repeats, data = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
options = ort.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
X = np.load(data)
name = session.get_inputs()[0].name
session.run(None, {name: X[:100]})
times = []
for _ in range(repeats):
    start = time.perf_counter()
    session.run(None, {name: X})
    times.append(time.perf_counter() - start)
print(statistics.median(times))
PY
}

cd "$work"
git init -q && "$mlops" init -q
features="carat,depth,table,x,y,z"
echo "| model (100,000 rows) | ORT 1 thread (ms) | mlops 1 thread (ms) | mlops/ORT | ORT 2 threads (ms) | mlops 2 threads (ms) | mlops/ORT |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r name label; do
    "$mlops" model register -q "$name.onnx" --name "$name" --features "$features" --target price >/dev/null
    "$mlops" export -q "$name@1" --format onnx --output "$name.named.onnx" >/dev/null
    line="| $label |"
    for threads in 1 2; do
        theirs="$(ort "$name" "$threads")"
        ours="$("$bin/mlops-learn-benchmark" --onnx "$name.named.onnx" --test rows.csv --threads "$threads" --repeat "$repeats" \
            | "$python" -c 'import json, sys; print(json.load(sys.stdin)["predict_seconds"])')"
        line+="$("$python" -c "import sys; t, o = float(sys.argv[1]), float(sys.argv[2]); print(f' {t * 1000:.1f} | {o * 1000:.1f} | {o / t:.2f}× |')" "$theirs" "$ours")"
    done
    echo "$line"
done <models.tsv

# Serving: the same trees in mlops' format and as ONNX.
"$mlops" train -q --data rows.csv --target price --feature carat --feature depth --feature table --feature x \
    --feature y --feature z --name native --param rounds=200
run="$("$mlops" runs list --name native --json | "$python" -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"
"$mlops" model register -q "run:$run" --name native
"$mlops" export -q native@1 --format onnx --output native.onnx
"$mlops" model register -q native.onnx --name exported
latency() {  # latency <model>: median microseconds of one-row requests, after a warm-up
    "$mlops" serve "$1@1" --port 0 --json >"$work/$1.jsonl" &
    local server=$!
    local url=""
    for _ in $(seq 1 100); do
        url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/$1.jsonl" | head -1)"
        [ -n "$url" ] && break
        sleep 0.1
    done
    "$python" - "$url" "$requests" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
url, count = sys.argv[1], int(sys.argv[2])
parts = urllib.parse.urlsplit(url)
connection = http.client.HTTPConnection(parts.hostname, parts.port)
body = json.dumps({"dataframe_records": [{"carat": 0.7, "depth": 61.5, "table": 56, "x": 5.7, "y": 5.72, "z": 3.5}]})
headers = {"Content-Type": "application/json"}
times = []
for i in range(count + 200):
    start = time.perf_counter()
    connection.request("POST", "/invocations", body, headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
    if i >= 200:
        times.append(time.perf_counter() - start)
print(statistics.median(times) * 1e6)
PY
    kill -TERM "$server" && wait "$server" || true
}
# Three rounds, the two servers alternating, so a noisy minute on a shared machine hits both; the median of the
# rounds' medians is reported.
natives=() exports=()
for _ in 1 2 3; do
    natives+=("$(latency native)")
    exports+=("$(latency exported)")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
native="$(median "${natives[@]}")"
exported="$(median "${exports[@]}")"
echo
echo "| served model (one row per request, $requests requests, median of 3 rounds) | median latency (µs) |"
echo "|---|---:|"
echo "| mlops GBDT, 200 trees, native format | $(printf '%.0f' "$native") |"
echo "| the same trees exported to ONNX, registered as ONNX | $(printf '%.0f' "$exported") |"
"$python" -c "import sys; print(f'\nONNX/native latency: {float(sys.argv[2]) / float(sys.argv[1]):.2f}×')" "$native" "$exported"
