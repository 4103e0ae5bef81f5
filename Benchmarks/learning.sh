#!/usr/bin/env bash
# Learning benchmarks: MLOpsLearn against LightGBM and scikit-learn (from PyPI, in a virtualenv) on the same
# train/test files in the same run, with the same budget (100 rounds, 31 leaves, learning rate 0.1, 255 bins,
# at least 20 rows per leaf, 2 threads).
# Datasets: diamonds (price from the other nine columns; and cut, a 5-class task), auto-mpg (mpg), half-hourly
# electricity (Demand from Temperature, WorkDay and calendar features derived from time). 80/20 seeded splits.
# Each tool times `repeats` fits and predictions in one process (median); the tools then take turns for `rounds`
# rounds, and the table shows the median over rounds, so a noisy moment on a shared machine hits all alike.
# Usage: Benchmarks/learning.sh [repeats] [rounds]   (prints a Markdown table; raw JSON in Benchmarks/work/learning/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
repeats="${1:-5}"
rounds="${2:-3}"
work="$root/Benchmarks/work/learning"
mkdir -p "$work"

(cd "$root" && swift build -c release --product mlops-learn-benchmark >/dev/null)
ours="$(cd "$root" && swift build -c release --show-bin-path)/mlops-learn-benchmark"
. "$root/Benchmarks/learning-setup.sh"

"$python" - "$root/Examples" "$work" <<'PY'
import sys, pandas as pd
from sklearn.model_selection import train_test_split
examples, work = sys.argv[1:3]
def save(name, frame):
    train, test = train_test_split(frame, test_size=0.2, random_state=42)
    train.to_csv(f"{work}/{name}-train.csv", index=False)
    test.to_csv(f"{work}/{name}-test.csv", index=False)
save("diamonds", pd.read_csv(f"{examples}/diamonds/diamonds.csv"))
save("mpg", pd.read_csv(f"{examples}/auto-mpg/data/auto-mpg.csv").drop(columns=["name"]))
power = pd.read_csv(f"{examples}/electricity/elecdemand.csv", parse_dates=["time"])
power["half_hour"] = power["time"].dt.hour * 2 + power["time"].dt.minute // 30
power["weekday"] = power["time"].dt.day_of_week
power["day_of_year"] = power["time"].dt.day_of_year
save("electricity", power.drop(columns=["time"]))
PY

: >"$work/results.jsonl"
run() {  # name target task [categorical columns...]
    local name="$1" target="$2" task="$3"; shift 3
    local ours_flags=() peer_flags=()
    for column in "$@"; do ours_flags+=(--categorical "$column"); peer_flags+=(--categorical "$column"); done
    local train="$work/$name-train.csv" test="$work/$name-test.csv"
    echo "== $name: $target ($task)" >&2
    "$ours" --train "$train" --test "$test" --target "$target" --learner gbdt --threads 2 --repeat "$repeats" \
        --param min_samples_leaf=20 ${ours_flags[@]+"${ours_flags[@]}"} \
        | "$python" -c "import json,sys; r=json.load(sys.stdin); r.update(tool='mlops gbdt', dataset='$name', target='$target'); print(json.dumps(r))" \
        >>"$work/results.jsonl"
    "$python" "$root/Benchmarks/learning_peers.py" "$train" "$test" "$target" "$task" --repeat "$repeats" \
        ${peer_flags[@]+"${peer_flags[@]}"} \
        | "$python" -c "import json,sys
for line in sys.stdin: r=json.loads(line); r.update(dataset='$name', target='$target'); print(json.dumps(r))" \
        >>"$work/results.jsonl"
}
for _ in $(seq "$rounds"); do
    run diamonds price regression
    run mpg mpg regression origin
    run electricity Demand regression
    run diamonds cut classification
done

"$python" - "$work/results.jsonl" <<'PY'
import json, sys
from statistics import median
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault((r["dataset"], r["target"], r["tool"]), []).append(r)
rows = []
for group in runs.values():
    rows.append({key: (median(r[key] for r in group) if isinstance(value, float) else value)
                 for key, value in group[0].items()})
print("| data → target | tool | fit (s) | predict test set (ms) | one row (µs) | quality |")
print("|---|---|---:|---:|---:|---|")
for r in rows:
    quality = (f"RMSE {r['rmse']:.4g}, R² {r['r2']:.4f}" if "rmse" in r
               else f"accuracy {r['accuracy']:.4f}, log loss {r['log_loss']:.4f}")
    print(f"| {r['dataset']} → {r['target']} | {r['tool']} | {r['fit_seconds']:.3f} | "
          f"{r['predict_seconds'] * 1000:.1f} | {r['one_row_microseconds']:.1f} | {quality} |")
PY
