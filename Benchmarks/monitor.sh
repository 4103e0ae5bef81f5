#!/usr/bin/env bash
# Drift benchmark: 1,000,000 current rows × 10 features (8 numeric, 2 categorical; plus a numeric target y) against
# a 100,000-row reference, from CSV, some features shifted and some not (seeded numpy data).
#   Evidently 0.7 DataDriftPreset (PyPI, pandas<3, in a virtualenv): pd.read_csv of both files, then
#     Report([DataDriftPreset()], include_tests=True).run() on the 10 features; timed from the first read to
#     the per-column results in hand (and, as a second row, the whole process with start-up and import).
#   SciPy's tests alone: the tests Evidently's defaults pick for a reference of more than 1,000 rows
#     (wasserstein_distance / std(reference) for numeric columns of more than 5 values, Jensen–Shannon distance of
#     the value shares otherwise), timed without and with the CSV reading; and ks_2samp on the 8 numeric features
#     (the default for references of at most 1,000 rows), tests alone.
#   mlops: `monitor drift --reference reference.csv --current current.csv --target y` in a scratch repository,
#     and `monitor drift bench@1 --since 24h` over 1,000,000 one-row requests in `serving_log` against the
#     training profile of a linear model trained on reference.csv (rows inserted with sqlite3).
# Seconds: Evidently and SciPy time themselves (no interpreter start-up); mlops is the whole process. Peak RSS is
# the process's maximum resident set (GNU time). Each tool takes its turn in each round; the table shows medians.
# mlops's per-feature verdicts are checked against Evidently's (disagreements in Benchmarks/work/monitor/agreement.log).
# Usage: Benchmarks/monitor.sh [rounds] [all|peers]   (prints a Markdown table; logs in Benchmarks/work/monitor/)
#   peers: Evidently and SciPy only, without building or running mlops.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
tools="${2:-all}"
work="$root/Benchmarks/work"
out="$work/monitor"
rm -rf "$out" && mkdir -p "$out"

command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
mlops=""
if [ "$tools" = all ]; then
    (cd "$root" && swift build -c release --product mlops >/dev/null)
    mlops="$(cd "$root" && swift build -c release --show-bin-path)/mlops"
    if ! "$mlops" monitor drift --help >/dev/null 2>&1; then
        echo "this mlops has no \`monitor drift\` command yet ($mlops); run with 'peers' to measure the peers alone" >&2
        exit 1
    fi
fi
venv="$work/venv-evidently"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import evidently' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "evidently==0.7.*" "pandas<3"
fi
python="$venv/bin/python"
{
    "$python" -c 'import evidently, pandas, scipy, numpy
print(", ".join(f"{m.__name__} {m.__version__}" for m in [evidently, pandas, scipy, numpy]))'
    [ -z "$mlops" ] || echo "mlops $("$mlops" --version)"
} | tee "$out/versions.txt"

# The data: reference (100,000 rows) and current (1,000,000 rows). Drift is built into f1, f3, f5 (shifted
# location) and c1 (category popularity reversed, plus a category the reference never had); f0, f2, f4 (slightly
# wider), f6 (more missing values), f7 (a 1–5 rating whose shares move a little) and c0 stay below the thresholds.
echo "==> data"
"$python" - "$out" <<'PY'
import sys
import numpy as np, pandas as pd
def generate(rows, current, seed):
    rng = np.random.default_rng(seed)
    s = 1 if current else 0
    f = {}
    f["f0"] = rng.normal(0, 1, rows)                                  # normal
    f["f1"] = rng.normal(100 + 4 * s, 15, rows)                       # normal, shifted by 0.27 sd
    f["f2"] = rng.lognormal(1, 0.5, rows)                             # lognormal
    f["f3"] = rng.lognormal(0.15 * s, 0.75, rows)                     # lognormal, scaled by e^0.15
    f["f4"] = rng.uniform(0, 10 + 0.3 * s, rows)                      # uniform, 3 % wider
    f["f5"] = rng.poisson(4 + 0.6 * s, rows)                          # integers with ties, mean 4 → 4.6
    f6 = rng.normal(20, 5, rows)
    f6[rng.random(rows) < (0.05 if current else 0.03)] = np.nan       # missing: 3 % → 5 %, as empty fields
    f["f6"] = f6
    f["f7"] = rng.choice([1, 2, 3, 4, 5], rows, p=[.11, .21, .3, .24, .14] if current else [.1, .2, .3, .25, .15])
    f["c0"] = rng.choice(["red", "green", "blue", "black", "white"], rows, p=[.3, .25, .2, .15, .1])
    weights = 1 / np.arange(1, 32) ** 1.1                              # L0 … L29 Zipf-like, L30 unseen
    weights[30] = 0
    if current:
        weights = weights[[*range(29, 2, -1), 2, 1, 0, 30]]
        weights[30] = weights[:30].sum() * 0.01
    f["c1"] = rng.choice([f"L{i}" for i in range(31)], rows, p=weights / weights.sum())
    frame = pd.DataFrame(f)
    frame["y"] = (0.5 * frame.f0 + 0.02 * frame.f1 + frame.f2 - 0.3 * frame.f3 + 0.1 * frame.f4 + 0.2 * frame.f5
                  + 0.05 * frame.f6.fillna(20) + 0.3 * frame.f7 + (frame.c0 == "red") * 1.0
                  + frame.c1.str[1:].astype(int) * 0.02 + rng.normal(0, 0.5, rows))
    return frame.round(4)
out = sys.argv[1]
generate(100_000, False, 1).to_csv(f"{out}/reference.csv", index=False)
generate(1_000_000, True, 2).to_csv(f"{out}/current.csv", index=False)
PY
ls -l "$out/reference.csv" "$out/current.csv" >>"$out/commands.log"

# Evidently: prints a JSON object of timings and, per column, the test, threshold, score and verdict.
cat >"$out/evidently_drift.py" <<'PY'
import json, sys, time
import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset
from evidently.legacy.calculations.stattests.registry import _registered_stat_tests

reference_path, current_path = sys.argv[1:3]
numeric, categorical = [f"f{i}" for i in range(8)], ["c0", "c1"]
features = numeric + categorical
start = time.perf_counter()
reference, current = pd.read_csv(reference_path), pd.read_csv(current_path)
read = time.perf_counter()
definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
snapshot = Report([DataDriftPreset()], include_tests=True).run(
    current_data=Dataset.from_pandas(current[features], data_definition=definition),
    reference_data=Dataset.from_pandas(reference[features], data_definition=definition))
computed = time.perf_counter()
# Evidently 0.7's results: snapshot.dict()["metrics"] has one ValueDrift per column (config.column, config.method as
# the test's display name, config.threshold; value = the score), and with include_tests=True ["tests"] has one
# test "drift" per column (metric_config.params.column; status FAIL when the column drifted).
result = snapshot.dict()
columns = {}
for metric in result["metrics"]:
    config = metric["config"]
    if config["type"] == "evidently:metric_v2:ValueDrift":
        columns[config["column"]] = {"method": config["method"], "threshold": config["threshold"],
                                     "score": metric["value"]}
    elif config["type"] == "evidently:metric_v2:DriftedColumnsCount":
        drifted_count = metric["value"]
for test in result["tests"]:
    if test["id"] == "drift":
        columns[test["metric_config"]["params"]["column"]]["drifted"] = test["status"] == "FAIL"
done = time.perf_counter()
names = {impl.display_name: name for name, impls in _registered_stat_tests.items() for impl in impls.values()}
for column in columns.values():
    column["test"] = names.get(column["method"], column["method"])
assert sorted(columns) == sorted(features) and all("drifted" in c for c in columns.values()), columns
print(json.dumps({"seconds": done - start, "read_seconds": read - start, "run_seconds": computed - read,
                  "result_seconds": done - computed, "drifted_count": drifted_count, "columns": columns}))
PY

# SciPy: `tests` = Evidently's default picks; `ks` = ks_2samp on the numeric features. Missing values are dropped
# first, as Evidently does. Jensen–Shannon with Evidently's base (natural logarithm; base 2 is logged beside it).
cat >"$out/scipy_drift.py" <<'PY'
import json, sys, time
import numpy as np, pandas as pd
from scipy import stats
from scipy.spatial import distance

reference_path, current_path, mode = sys.argv[1:4]
numeric, categorical = [f"f{i}" for i in range(8)], ["c0", "c1"]
start = time.perf_counter()
reference, current = pd.read_csv(reference_path), pd.read_csv(current_path)
read = time.perf_counter()
columns = {}
if mode == "tests":
    for name in numeric + categorical:
        ref, cur = reference[name].dropna(), current[name].dropna()
        if name in numeric and pd.concat([ref, cur]).nunique() > 5:
            score = stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001)
            columns[name] = {"test": "wasserstein", "score": score, "drifted": bool(score >= 0.1)}
        else:
            p, q = ref.value_counts(normalize=True), cur.value_counts(normalize=True)
            keys = p.index.union(q.index)
            p, q = p.reindex(keys, fill_value=0).to_numpy(), q.reindex(keys, fill_value=0).to_numpy()
            score = float(distance.jensenshannon(p, q))
            columns[name] = {"test": "jensenshannon", "score": score, "drifted": bool(score >= 0.1),
                             "jensenshannon_base2": float(distance.jensenshannon(p, q, base=2))}
else:
    for name in numeric:
        test = stats.ks_2samp(reference[name].dropna(), current[name].dropna())
        columns[name] = {"test": "ks", "score": float(test.pvalue), "statistic": float(test.statistic),
                         "drifted": bool(test.pvalue < 0.05)}
done = time.perf_counter()
print(json.dumps({"seconds": done - read, "with_read_seconds": done - start, "read_seconds": read - start,
                  "columns": columns}))
PY

results="$out/results.tsv"
: >"$results"
record() { echo -e "$1\t$2\t$3" >>"$results"; }  # row, seconds, peak RSS (MB)
# measure <name> <command...>: runs it under GNU time, standard output to <name>.json (kept per round), standard
# error to commands.log; sets `wall` (s), `rss` (MB) and `status`.
measure() {
    local name="$1"; shift
    echo "\$ $*" >>"$out/commands.log"
    status=0
    /usr/bin/time -o "$out/$name.time" -f "%e %M" "$@" >"$out/$name.json" 2>>"$out/commands.log" || status=$?
    read -r wall rss_kb < <(tail -n 1 "$out/$name.time")
    rss="$(awk "BEGIN { print $rss_kb / 1024 }")"
    cp "$out/$name.json" "$out/$name-round$round.json"
}
# field <file> <key>: a value of a JSON object.
field() { "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
# reported <name> <label>: fails unless <name>.json is a drift report; a drift verdict may set the exit status, so
# the report, not the status, says whether the command worked.
reported() {
    "$python" -c 'import json, sys; assert isinstance(json.load(open(sys.argv[1]))["features"], list)' \
        "$out/$1.json" 2>/dev/null \
        || { echo "$2 gave no drift report (status $status): see $out/commands.log" >&2; exit 1; }
    echo "$2: status $status" >>"$out/commands.log"
}

# mlops: a scratch repository with both files, and (for the serving log) a registered model whose version carries
# the training profile of reference.csv, then 1,000,000 logged one-row requests: the rows of current.csv.
repo="$out/repo"
if [ -n "$mlops" ]; then
    echo "==> mlops repository and serving log"
    mkdir -p "$repo" && cd "$repo"
    git init -q && "$mlops" init -q
    ln "$out/reference.csv" "$out/current.csv" .
    run="$("$mlops" --json train --data reference.csv --target y --model linear --name bench \
        | "$python" -c 'import json, sys; print(json.load(sys.stdin)["run_id"])')"
    "$mlops" model register -q "run:$run" --name bench
    "$python" - "$repo/current.csv" "$repo/.mlops/mlops.db" <<'PY'
import csv, random, sqlite3, sys, time
path, database = sys.argv[1:3]
rng = random.Random(7)
now = time.time_ns()
with open(path, newline="") as file:
    reader = csv.reader(file)
    header = next(reader)
    features = [name for name in header if name != "y"]
    where = {name: header.index(name) for name in header}
    categorical = {"c0", "c1"}
    def inputs(row):
        parts = []
        for name in features:
            value = row[where[name]]
            text = "null" if value == "" else f'"{value}"' if name in categorical else value
            parts.append(f'"{name}":[{text}]')
        return "{" + ",".join(parts) + "}"
    rows = [(f"bench-{index:07d}", "bench", 1, "bench@1", "v2", now - 3_600_000_000_000 + index * 3_600_000,
             rng.randint(150_000, 900_000), 1, inputs(row), f"[{round(float(row[where['y']]) + rng.gauss(0, 0.5), 4)}]")
            for index, row in enumerate(reader)]
db = sqlite3.connect(database)
with db:
    db.executemany("INSERT INTO serving_log (request_id, model, version, route, protocol, received_ns, latency_ns, "
                   "row_count, inputs, outputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
count = db.execute("SELECT count(*) FROM serving_log WHERE model = 'bench'").fetchone()[0]
assert count == 1_000_000, count
PY
    cd "$out"
fi

for round in $(seq 1 "$rounds"); do
    echo "==> round $round: Evidently"
    measure evidently "$python" "$out/evidently_drift.py" "$out/reference.csv" "$out/current.csv"
    [ "$status" = 0 ] || { echo "Evidently failed (status $status): see $out/commands.log" >&2; exit 1; }
    record "Evidently DataDriftPreset (read + compute)" "$(field "$out/evidently.json" seconds)" "$rss"
    record "Evidently, whole process (with start-up and import)" "$wall" "$rss"

    echo "==> round $round: SciPy"
    measure scipy-tests "$python" "$out/scipy_drift.py" "$out/reference.csv" "$out/current.csv" tests
    [ "$status" = 0 ] || { echo "SciPy failed (status $status): see $out/commands.log" >&2; exit 1; }
    record "SciPy tests alone" "$(field "$out/scipy-tests.json" seconds)" "$rss"
    record "SciPy read + tests" "$(field "$out/scipy-tests.json" with_read_seconds)" "$rss"
    measure scipy-ks "$python" "$out/scipy_drift.py" "$out/reference.csv" "$out/current.csv" ks
    [ "$status" = 0 ] || { echo "SciPy failed (status $status): see $out/commands.log" >&2; exit 1; }
    record "SciPy ks_2samp ×8 (tests alone)" "$(field "$out/scipy-ks.json" seconds)" "$rss"

    if [ -n "$mlops" ]; then
        echo "==> round $round: mlops"
        cd "$repo"
        measure mlops-csv "$mlops" monitor drift --reference reference.csv --current current.csv --target y --json
        reported mlops-csv "mlops monitor drift (CSV)"
        record "mlops monitor drift, from CSV" "$wall" "$rss"
        measure mlops-log "$mlops" monitor drift bench@1 --since 24h --json
        reported mlops-log "mlops monitor drift (serving log)"
        record "mlops monitor drift, serving_log (1M rows)" "$wall" "$rss"
        cd "$out"
    fi
done

# Verdicts and scores per feature, side by side with Evidently's (the last round's outputs).
"$python" - "$out" <<'PY' | tee "$out/agreement.log"
import json, os, sys
out = sys.argv[1]
load = lambda name: json.load(open(f"{out}/{name}.json")) if os.path.exists(f"{out}/{name}.json") else None
evidently, scipy = load("evidently"), load("scipy-tests")
ev = evidently["columns"]
print(f"Evidently: {evidently['drifted_count']}; read {evidently['read_seconds']:.2f} s, run "
      f"{evidently['run_seconds']:.2f} s, results {evidently['result_seconds']:.2f} s")
print(f"{'column':8} {'Evidently test':15} {'score':>10} {'drift':>6} | {'SciPy score':>11} {'drift':>6} | "
      f"{'mlops test':15} {'score':>10} {'drift':>6} | {'log test':15} {'score':>10} {'drift':>6}")
def mlops_columns(report):
    return {c["column"]: c for c in report["features"]} if report else {}
csv_report, log_report = load("mlops-csv"), load("mlops-log")
ours, logged = mlops_columns(csv_report), mlops_columns(log_report)
def cell(c, key="test"):
    if c is None: return f"{'-':15} {'-':>10} {'-':>6}"
    score = "-" if c.get("score") is None else f"{c['score']:.6g}"
    return f"{c.get(key, '-'):15} {score:>10} {str(c.get('drifted')):>6}"
scipy_off, csv_off, log_off, tests_off, scores_off = [], [], [], [], []
for name in sorted(ev):
    e, s = ev[name], scipy["columns"][name]
    if s["drifted"] != e["drifted"] or abs(s["score"] - e["score"]) > 1e-9 * max(1, abs(e["score"])):
        scipy_off.append(name)
    if csv_report and (name not in ours or ours[name].get("drifted") != e["drifted"]): csv_off.append(name)
    if name in ours and ours[name].get("test") != e["test"]:
        tests_off.append(f"{name} (mlops {ours[name].get('test')}, Evidently {e['test']})")
    if name in ours and ours[name].get("test") == e["test"] and (
            ours[name].get("score") is None or abs(ours[name]["score"] - e["score"]) > 1e-6 * max(1, abs(e["score"]))):
        scores_off.append(f"{name} (mlops {ours[name].get('score')}, Evidently {e['score']})")
    if log_report and (name not in logged or logged[name].get("drifted") != e["drifted"]): log_off.append(name)
    base2 = f" (base 2: {s['jensenshannon_base2']:.6g})" if "jensenshannon_base2" in s else ""
    print(f"{name:8} {cell(e)} | {s['score']:>11.6g} {str(s['drifted']):>6} | {cell(ours.get(name))} | "
          f"{cell(logged.get(name))}{base2}")
print(f"SciPy vs Evidently: {len(ev) - len(scipy_off)}/{len(ev)} columns with the same test score and verdict"
      + (f"; differ: {', '.join(scipy_off)}" if scipy_off else ""))
for label, report, off, table in [("mlops (CSV)", csv_report, csv_off, ours),
                                  ("mlops (serving log)", log_report, log_off, logged)]:
    if report is None: continue
    extra = sorted(set(table) - set(ev))
    print(f"agreement, {label} vs Evidently: {len(ev) - len(off)}/{len(ev)} feature verdicts"
          + (f"; disagree: {', '.join(off)}" if off else "")
          + (f"; extra features: {', '.join(extra)}" if extra else ""))
if csv_report:
    print("tests, mlops (CSV) vs Evidently: " + ("the same" if not tests_off else "differ: " + "; ".join(tests_off)))
    print("scores of the same test, mlops (CSV) vs Evidently: "
          + ("the same" if not scores_off else "differ: " + "; ".join(scores_off)))
PY

# Medians per row, peak RSS, and Evidently's time over each row's; then the issue's targets.
"$python" - "$results" "$tools" <<'PY'
import statistics, sys
from collections import defaultdict
times, rss = defaultdict(list), defaultdict(list)
for line in open(sys.argv[1]):
    row, seconds, megabytes = line.rstrip("\n").split("\t")
    times[row].append(float(seconds))
    rss[row].append(float(megabytes))
median = {row: statistics.median(values) for row, values in times.items()}
evidently = median["Evidently DataDriftPreset (read + compute)"]
print("| 1,000,000 rows × 10 features vs 100,000 (CSV) | seconds | peak RSS (MB) | Evidently / this |")
print("|---|---:|---:|---:|")
for row in times:
    print(f"| {row} | {median[row]:.2f} | {statistics.median(rss[row]):.0f} | {evidently / median[row]:.1f}× |")
if sys.argv[2] == "all":
    csv, log = median["mlops monitor drift, from CSV"], median["mlops monitor drift, serving_log (1M rows)"]
    peak = max(max(rss["mlops monitor drift, from CSV"]), max(rss["mlops monitor drift, serving_log (1M rows)"]))
    checks = [(f"Evidently / mlops ≥ 40× ({evidently / csv:.1f}×)", evidently / csv >= 40),
              (f"faster than SciPy's tests alone ({csv:.2f} s vs {median['SciPy tests alone']:.2f} s)",
               csv < median["SciPy tests alone"]),
              (f"peak RSS < 300 MB ({peak:.0f} MB)", peak < 300),
              (f"serving_log drift < 2 s ({log:.2f} s)", log < 2)]
    print("\nTargets: " + "; ".join(f"{text}: {'yes' if ok else 'NO'}" for text, ok in checks))
PY
