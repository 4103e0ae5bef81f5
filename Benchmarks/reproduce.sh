#!/usr/bin/env bash
# Reproduction benchmark: what `mlops reproduce` costs beyond the training it repeats. No peer verifies a
# rebuild (DVC re-runs a stage and records new hashes; MLflow cannot rebuild), so the reference is the lower bound:
# the same `mlops train` the run was. A git repository with the bundled diamonds data tracked (53,940 rows, 10
# columns, 3 of them categorical) and committed; each round trains gbdt (the defaults: 100 rounds, 31 leaves) and
# then reproduces that run, each timed from process start to exit. Medians over ROUNDS rounds.
# `reproduce` adds: opening the run's records, a checkout of the commit (a git repository borrowing the objects),
# placing the data object (a verified copy), and hashing the rebuilt model.
# Usage: [ROUNDS=7] [THREADS=2] Benchmarks/reproduce.sh   (a Markdown table on standard output; the repository in
#   Benchmarks/work/reproduce/). MLOPS=path/to/mlops picks the binary (default .build/release/mlops, built only if
#   missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${ROUNDS:-7}"
threads="${THREADS:-2}"
mlops="${MLOPS:-$root/.build/release/mlops}"
if [ ! -x "$mlops" ]; then
    (cd "$root" && swift build -c release --product mlops >/dev/null)
fi
if ! "$mlops" reproduce --help >/dev/null 2>&1; then
    echo "this mlops has no \`reproduce\` command ($mlops); rebuild it: swift build -c release --product mlops" >&2
    exit 1
fi
work="$root/Benchmarks/work/reproduce"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@mlops.invalid GIT_COMMITTER_NAME=bench \
    GIT_COMMITTER_EMAIL=bench@mlops.invalid
git init -q && "$mlops" init -q
cp "$root/Examples/diamonds/diamonds.csv" . && "$mlops" add diamonds.csv -q
git add -A && git commit -qm diamonds

now() { date +%s%N; }
train_ns=() reproduce_ns=()
for _ in $(seq "$rounds"); do
    start="$(now)"
    run="$("$mlops" train --data diamonds.csv --target price --threads "$threads" --json |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["run_id"])')"
    train_ns+=("$(($(now) - start))")
    start="$(now)"
    "$mlops" reproduce "run:$run" --threads "$threads" --json >reproduce.json
    reproduce_ns+=("$(($(now) - start))")
    python3 -c 'import json, sys; assert json.load(open("reproduce.json"))["verdict"] == "identical"'
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] / 1e6 }'; }
train="$(median "${train_ns[@]}")"
reproduce="$(median "${reproduce_ns[@]}")"
echo "Command: \`ROUNDS=$rounds THREADS=$threads Benchmarks/reproduce.sh\` ($(nproc) cores)"
echo
echo "| step (diamonds, gbdt defaults, $threads threads) | median ms | ratio to train |"
echo "|---|---:|---:|"
printf '| `mlops train` (read, split, fit, evaluate, store, record) | %.0f | 1.00 |\n' "$train"
printf '| `mlops reproduce run:<id>` (verdict identical) | %.0f | %.2f |\n' "$reproduce" \
    "$(python3 -c "print($reproduce / $train)")"
