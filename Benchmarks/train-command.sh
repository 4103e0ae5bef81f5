#!/usr/bin/env bash
# The whole `mlops train` command against what a Python user runs for the same result in a warm process:
# `pandas.read_csv` + `LGBMRegressor.fit` (LightGBM from PyPI, in a virtualenv), same budget (100 rounds, 31
# leaves, learning rate 0.1, 255 bins, at least 20 rows per leaf, 2 threads).
# mlops: a release build, `mlops train --data F --target T -q` as a fresh process in a scratch repository each
# time (read, split, fit, held-out metrics, learning curve, reference profile, store, record); the peer is timed
# inside one warm Python process (imports and start-up excluded), read + fit on all rows.
# Data: diamonds (53,940 rows, 3 categorical columns) and a synthetic table of 400,000 rows with 4 categorical
# columns (5 to 200 levels) and 6 numeric ones (seeded numpy; written once to Benchmarks/work/train-command/).
# The tools take turns for `rounds` rounds of `repeats` runs each; the table shows medians over all runs.
# Usage: Benchmarks/train-command.sh [repeats] [rounds]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
repeats="${1:-5}"
rounds="${2:-3}"
work="$root/Benchmarks/work/train-command"
mkdir -p "$work"

(cd "$root" && swift build -c release --product mlops >/dev/null)
mlops="$(cd "$root" && swift build -c release --show-bin-path)/mlops"
. "$root/Benchmarks/learning-setup.sh"

cp "$root/Examples/diamonds/diamonds.csv" "$work/diamonds.csv"
if [ ! -f "$work/categorical.csv" ]; then
    "$python" - "$work/categorical.csv" <<'PY'
import sys, numpy as np, pandas as pd
rng = np.random.default_rng(11)
n = 400_000
frame = pd.DataFrame({f"x{i}": rng.normal(size=n).round(4) for i in range(6)})
for i, levels in enumerate([5, 20, 60, 200]):
    frame[f"c{i}"] = np.array([f"L{j}" for j in range(levels)])[rng.integers(0, levels, n)]
effect = {f"c{i}": rng.normal(size=levels) for i, levels in enumerate([5, 20, 60, 200])}
y = frame["x0"] * 2 + np.sin(frame["x1"] * 3) + frame["x2"] * frame["x3"]
for column, values in effect.items():
    y += values[frame[column].str[1:].astype(int)]
frame["y"] = (y + rng.normal(scale=0.3, size=n)).round(4)
frame.to_csv(sys.argv[1], index=False)
PY
fi

python_times() {  # python_times <csv> <target> <categorical,…> → one time per line (read + fit, s)
    "$python" - "$@" "$repeats" <<'PY'
import sys, time, pandas as pd, lightgbm as lgb
path, target, categorical, repeats = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
params = dict(n_estimators=100, num_leaves=31, learning_rate=0.1, max_bin=255, min_child_samples=20, n_jobs=2,
              verbose=-1)
for _ in range(repeats + 1):
    start = time.perf_counter()
    frame = pd.read_csv(path)
    for column in categorical:
        frame[column] = frame[column].astype("category")
    lgb.LGBMRegressor(**params).fit(frame.drop(columns=[target]), frame[target])
    elapsed = time.perf_counter() - start
    if _ > 0:  # the first run warms the process
        print(elapsed)
PY
}

mlops_times() {  # mlops_times <csv> <target> → one time per line (whole process, s)
    local scratch
    scratch="$(mktemp -d)"
    (cd "$scratch" && git init -q && "$mlops" init -q)
    for _ in $(seq "$repeats"); do
        local start end
        start=$(date +%s.%N)
        "$mlops" -C "$scratch" train --data "$1" --target "$2" -q >/dev/null
        end=$(date +%s.%N)
        echo "$end - $start" | bc
    done
    rm -rf "$scratch"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "| data | rows | mlops train, whole process (s) | pandas read_csv + LightGBM fit, warm (s) | ratio |"
echo "|---|---:|---:|---:|---:|"
for spec in "diamonds.csv price cut,color,clarity" "categorical.csv y c0,c1,c2,c3"; do
    set -- $spec
    ours="" theirs=""
    for _ in $(seq "$rounds"); do
        ours+="$(mlops_times "$work/$1" "$2")"$'\n'
        theirs+="$(python_times "$work/$1" "$2" "$3")"$'\n'
    done
    rows=$(($(wc -l < "$work/$1") - 1))
    a=$(printf '%s' "$ours" | grep . | median)
    b=$(printf '%s' "$theirs" | grep . | median)
    printf '| %s | %s | %.3f | %.3f | %.2f× |\n' "$1" "$rows" "$a" "$b" "$(echo "$a / $b" | bc -l)"
done
