#!/usr/bin/env bash
# Validation benchmark: 1,000,000 rows × 10 columns of CSV (id, 5 floats, 2 integers, 2 categories of 5 and 30
# labels, ~0.1 % missing values in two floats; seeded numpy data), checked for type, range, allowed labels, missing
# share, uniqueness of id and the row count, every check on every row.
#   mlops: `validate DATA --schema schema.yaml --json` (whole process), and the same with a schema that lists the
#     columns and no rules (`id: {}`): reading alone. The difference is the validation cost.
#   pandera (PyPI, in Benchmarks/work/venv-pandera): the same checks as a DataFrameSchema (dtype, Check.in_range,
#     Check.isin, unique=True, nullable, and a DataFrame-level check for each missing share, which pandera has no
#     rule for) on pd.read_csv, validate(lazy=True) so every failure is collected as mlops does; read and validate
#     timed apart in the same process.
#   Great Expectations (PyPI, in Benchmarks/work/venv-gx; skipped with GX=0 or if it does not install): the same
#     checks as an expectation suite (of_type, between, in_set, unique, not_null with `mostly` for the missing share,
#     table row count) on the same DataFrame.
#   Invalid data: a copy with 1 % of the rows broken (out of range, unknown label, duplicate id); mlops must exit
#     65, pandera raise SchemaErrors, Great Expectations report failure.
# Seconds: the Python tools time themselves (no interpreter start-up; a second row adds it); mlops is the whole
# process. Peak RSS is the process's maximum resident set (GNU time, if there is one). Tools take turns in each
# round; the tables show medians.
# Usage: Benchmarks/validate.sh [rounds] [invalid rounds]   (default 5 and 3; a Markdown table on standard output,
#   logs and data in Benchmarks/work/validate/)
#   ROWS=20000 scales the data down; MLOPS=path/to/mlops picks the binary (default .build/release/mlops, built only
#   if missing); GX=0 leaves Great Expectations out.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"
invalid_rounds="${2:-3}"
rows="${ROWS:-1000000}"
work="$root/Benchmarks/work"
out="$work/validate"
rm -rf "$out" && mkdir -p "$out"

gnu_time=""
command -v /usr/bin/time >/dev/null && gnu_time=/usr/bin/time
mlops="${MLOPS:-$root/.build/release/mlops}"
if [ -z "${MLOPS:-}" ] && [ ! -x "$mlops" ]; then
    (cd "$root" && swift build -c release --product mlops >/dev/null)
fi
case "$mlops" in */*) mlops="$(realpath -m "$mlops")" ;; esac  # the rounds run in $out
if ! "$mlops" validate --help 2>&1 | grep -q "USAGE: mlops validate"; then
    echo "this mlops has no \`validate\` command ($mlops); rebuild it: swift build -c release --product mlops" >&2
    exit 1
fi

# venv <dir> <module> <packages...>: a virtualenv with <module> importable; fails if pip does.
venv() {
    local dir="$1" module="$2"; shift 2
    if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import $module" 2>/dev/null; then
        python3 -m venv "$dir"
        "$dir/bin/pip" install -q --disable-pip-version-check "$@"
    fi
}
venv "$work/venv-pandera" pandera pandas pandera
python="$work/venv-pandera/bin/python"
gx=""
if [ "${GX:-1}" != 0 ]; then
    if venv "$work/venv-gx" great_expectations great_expectations >>"$out/commands.log" 2>&1; then
        gx="$work/venv-gx/bin/python"
    else
        echo "Great Expectations did not install (see $out/commands.log); measuring without it" >&2
    fi
fi
export GX_ANALYTICS_ENABLED=false
{
    "$python" -c 'import pandas, pandera, numpy
print(", ".join(f"{m.__name__} {m.__version__}" for m in [pandas, pandera, numpy]))'
    [ -z "$gx" ] || "$gx" -c 'import great_expectations as gx; print("great_expectations", gx.__version__)'
    echo "mlops $("$mlops" --version)"
    echo "rows $rows"
} | tee "$out/versions.txt" >&2

# The data, valid.csv and invalid.csv, and the checks once, in spec.json, from which schema.yaml (every rule),
# read.yaml (the columns, no rules), the pandera schema and the expectation suite are all made.
echo "==> data ($rows rows)" >&2
"$python" - "$out" "$rows" <<'PY'
import json, sys
import numpy as np, pandas as pd
out, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(42)
def with_missing(values):
    values[rng.random(rows) < 0.001] = np.nan
    return values
frame = pd.DataFrame({
    "id": rng.permutation(rows) + 1_000_000,
    "x1": np.clip(rng.normal(0, 2, rows), -9.99, 9.99).round(2),
    "x2": np.clip(rng.normal(100, 15, rows), 1, 199).round(3),
    "x3": np.clip(rng.lognormal(0, 0.5, rows), 0, 49).round(4),
    "x4": with_missing(rng.uniform(-1, 1, rows).round(4)),
    "x5": with_missing(np.clip(rng.normal(50, 10, rows), 0, 100).round(3)),
    "i1": np.clip(rng.poisson(3, rows), 0, 30),
    "i2": rng.integers(18, 91, rows),
    "c1": rng.choice(list("abcde"), rows, p=[.4, .25, .15, .12, .08]),
    "c2": rng.choice([f"s{i:02d}" for i in range(30)], rows),
})
frame.to_csv(f"{out}/valid.csv", index=False)
spec = {"rows": {"min": rows, "max": rows}, "columns": {
    "id": {"type": "integer", "unique": True, "missing": 0},
    "x1": {"type": "number", "min": -10, "max": 10, "missing": 0},
    "x2": {"type": "number", "min": 0, "max": 200, "missing": 0},
    "x3": {"type": "number", "min": 0, "max": 50, "missing": 0},
    "x4": {"type": "number", "min": -1, "max": 1, "missing": 0.01},
    "x5": {"type": "number", "min": 0, "max": 100, "missing": 0.01},
    "i1": {"type": "integer", "min": 0, "max": 30, "missing": 0},
    "i2": {"type": "integer", "min": 18, "max": 90, "missing": 0},
    "c1": {"type": "category", "values": list("abcde"), "missing": 0},
    "c2": {"type": "category", "values": [f"s{i:02d}" for i in range(30)], "missing": 0}}}
json.dump(spec, open(f"{out}/spec.json", "w"), indent=1)
def flow(rule):  # {type: number, min: -10, values: [a, b]}
    return "{" + ", ".join(f"{k}: [{', '.join(v)}]" if isinstance(v, list) else f"{k}: {str(v).lower()}"
                           for k, v in rule.items()) + "}"
with open(f"{out}/schema.yaml", "w") as f:
    f.write(f"rows: {flow(spec['rows'])}\ncolumns:\n")
    f.writelines(f"  {name}: {flow(rule)}\n" for name, rule in spec["columns"].items())
with open(f"{out}/read.yaml", "w") as f:
    f.write("columns:\n" + "".join(f"  {name}: {{}}\n" for name in spec["columns"]))
# 1 % of the rows broken, a third each: out of range (x1 above its max, or i2 below its min), an unknown label (c1
# or c2), an id another row has.
broken = rng.choice(rows, rows // 100, replace=False)
out_of_range, label, duplicate = np.array_split(broken, 3)
frame.loc[out_of_range[::2], "x1"] = 12.5
frame.loc[out_of_range[1::2], "i2"] = 7
frame.loc[label[::2], "c1"] = "z"
frame.loc[label[1::2], "c2"] = "s99"
frame.loc[duplicate, "id"] = frame["id"].to_numpy()[rng.choice(rows, len(duplicate))]
frame.to_csv(f"{out}/invalid.csv", index=False)
print(f"broken rows: {len(out_of_range)} out of range, {len(label)} unknown label, {len(duplicate)} duplicate id",
      file=sys.stderr)
PY
ls -l "$out"/*.csv >>"$out/commands.log"

# pandera: prints {"rows", "read_seconds", "validate_seconds", "valid", "failure_cases"}.
cat >"$out/pandera_validate.py" <<'PY'
import json, sys, time
import pandas as pd
import pandera.pandas as pa

data, spec = sys.argv[1], json.load(open(sys.argv[2]))
dtypes = {"integer": "int64", "number": "float64", "category": str}
columns, checks = {}, []
for name, rule in spec["columns"].items():
    column_checks = []
    if "min" in rule or "max" in rule:
        column_checks.append(pa.Check.in_range(rule.get("min"), rule.get("max")))
    if "values" in rule:
        column_checks.append(pa.Check.isin(rule["values"]))
    columns[name] = pa.Column(dtypes[rule["type"]], column_checks, nullable=rule["missing"] > 0,
                              unique=rule.get("unique", False))
    if rule["missing"] > 0:  # pandera has nullable but no share: a DataFrame-level check
        checks.append(pa.Check(lambda df, name=name, share=rule["missing"]: df[name].isna().mean() <= share,
                               name=f"{name} missing share <= {rule['missing']}"))
low, high = spec["rows"]["min"], spec["rows"]["max"]
checks.append(pa.Check(lambda df: low <= len(df) <= high, name=f"rows in [{low}, {high}]"))
schema = pa.DataFrameSchema(columns, checks=checks)

start = time.perf_counter()
frame = pd.read_csv(data)
read = time.perf_counter()
try:
    schema.validate(frame, lazy=True, inplace=True)
    valid, failures = True, 0
except pa.errors.SchemaErrors as error:
    valid, failures = False, len(error.failure_cases)
done = time.perf_counter()
print(json.dumps({"rows": len(frame), "read_seconds": read - start, "validate_seconds": done - read, "valid": valid,
                  "failure_cases": failures}))
PY

# Great Expectations 1.x: the suite is built before the clock starts; prints the same keys as pandera's.
cat >"$out/gx_validate.py" <<'PY'
import json, sys, time
import pandas as pd
import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.data_context.types.base import ProgressBarsConfig

data, spec = sys.argv[1], json.load(open(sys.argv[2]))
string_type = str(pd.Series(["a"]).dtype)  # the dtype read_csv gives text: "str" in pandas 3, "object" before
types = {"integer": "int64", "number": "float64", "category": string_type}
context = gx.get_context(mode="ephemeral")
context.variables.progress_bars = ProgressBarsConfig(globally=False)
asset = context.data_sources.add_pandas("bench").add_dataframe_asset("frame")
batches = asset.add_batch_definition_whole_dataframe("all")
suite = context.suites.add(gx.ExpectationSuite(name="bench"))
for name, rule in spec["columns"].items():
    suite.add_expectation(gxe.ExpectColumnValuesToBeOfType(column=name, type_=types[rule["type"]]))
    if "min" in rule or "max" in rule:
        suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=name, min_value=rule.get("min"),
                                                                max_value=rule.get("max")))
    if "values" in rule:
        suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=name, value_set=rule["values"]))
    if rule.get("unique"):
        suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=name))
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=name, mostly=1 - rule["missing"]))
suite.add_expectation(gxe.ExpectTableRowCountToBeBetween(min_value=spec["rows"]["min"],
                                                          max_value=spec["rows"]["max"]))

start = time.perf_counter()
frame = pd.read_csv(data)
read = time.perf_counter()
result = batches.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
done = time.perf_counter()
print(json.dumps({"rows": len(frame), "read_seconds": read - start, "validate_seconds": done - read,
                  "valid": result.success, "failure_cases": sum(not r.success for r in result.results)}))
PY

results="$out/results.tsv"
: >"$results"
record() { echo -e "$1\t$2" >>"$results"; }  # key, value
# measure <name> <command...>: standard output to <name>.json, standard error to commands.log; sets `wall` (s),
# `rss` (MB, empty without GNU time) and `status`.
measure() {
    local name="$1" start end; shift
    echo "\$ $*" >>"$out/commands.log"
    status=0
    start=$(date +%s%N)
    if [ -n "$gnu_time" ]; then
        "$gnu_time" -o "$out/$name.time" -f %M "$@" >"$out/$name.json" 2>>"$out/commands.log" || status=$?
        rss="$(awk '{ v = $1 } END { print v / 1024 }' "$out/$name.time")"
    else
        "$@" >"$out/$name.json" 2>>"$out/commands.log" || status=$?
        rss=""
    fi
    end=$(date +%s%N)
    wall="$(awk "BEGIN { print ($end - $start) / 1e9 }")"
    echo "status $status, $wall s, ${rss:-?} MB" >>"$out/commands.log"
}
# field <name> <key>: a value of <name>.json.
field() { "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$out/$1.json" "$2"; }
fail() { echo "$1 (status $status): see $out/commands.log" >&2; exit 1; }
# python_tool <label> <python> <script> <csv> <round kind>: runs a Python tool and records its times.
python_tool() {
    local label="$1" kind="$5"
    measure "$label" "$2" "$3" "$4" "$out/spec.json"
    [ "$status" = 0 ] && [ "$(field "$label" rows)" = "$rows" ] || fail "$label failed or read the wrong row count"
    local read validate
    read="$(field "$label" read_seconds)" validate="$(field "$label" validate_seconds)"
    record "$label $kind read" "$read"
    record "$label $kind total" "$(awk "BEGIN { print $read + $validate }")"
    record "$label $kind process" "$wall"
    record "$label $kind rss" "$rss"
    record "$label $kind valid" "$(field "$label" valid)"
    record "$label $kind failures" "$(field "$label" failure_cases)"
}

cd "$out"
for round in $(seq 1 "$rounds"); do
    echo "==> round $round: valid data" >&2
    measure mlops-read "$mlops" validate valid.csv --schema read.yaml --json
    [ "$status" = 0 ] && [ "$(field mlops-read rows)" = "$rows" ] || fail "mlops validate with read.yaml failed"
    record "mlops valid read" "$wall"
    record "mlops valid read-rss" "$rss"
    measure mlops "$mlops" validate valid.csv --schema schema.yaml --json
    [ "$status" = 0 ] && [ "$(field mlops valid)" = True ] || fail "mlops validate did not pass valid.csv"
    record "mlops valid total" "$wall"
    record "mlops valid rss" "$rss"
    python_tool pandera "$python" pandera_validate.py valid.csv valid
    [ "$(field pandera valid)" = True ] || fail "pandera did not pass valid.csv"
    if [ -n "$gx" ]; then
        python_tool gx "$gx" gx_validate.py valid.csv valid
        [ "$(field gx valid)" = True ] || fail "Great Expectations did not pass valid.csv"
    fi
done
for round in $(seq 1 "$invalid_rounds"); do
    echo "==> round $round: invalid data" >&2
    measure mlops-invalid "$mlops" validate invalid.csv --schema schema.yaml --json
    [ "$status" = 65 ] || fail "mlops validate of invalid.csv did not exit 65"
    record "mlops invalid total" "$wall"
    record "mlops invalid rss" "$rss"
    record "mlops invalid failures" "$("$python" -c 'import json, sys
print(", ".join("%s %s %d" % (v.get("column"), v["check"], v["count"])
                for v in json.load(open(sys.argv[1]))["violations"]))' \
        mlops-invalid.json)"
    python_tool pandera "$python" pandera_validate.py invalid.csv invalid
    [ "$(field pandera valid)" = False ] || fail "pandera raised no SchemaErrors on invalid.csv"
    if [ -n "$gx" ]; then
        python_tool gx "$gx" gx_validate.py invalid.csv invalid
        [ "$(field gx valid)" = False ] || fail "Great Expectations passed invalid.csv"
    fi
done

# Medians, and each tool's times over mlops's.
"$python" - "$results" "$rows" <<'PY'
import statistics, sys
from collections import defaultdict
values = defaultdict(list)
for line in open(sys.argv[1]):
    key, value = line.rstrip("\n").split("\t")
    values[key].append(value)
def median(key):
    numbers = [float(v) for v in values.get(key, []) if v != ""]
    return statistics.median(numbers) if numbers else None
def text(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"
names = {"mlops": "**mlops validate** (whole process)", "pandera": "pandas read_csv + pandera",
         "gx": "pandas read_csv + Great Expectations"}
rows = int(sys.argv[2])
m_read, m_total = median("mlops valid read"), median("mlops valid total")
m_cost = m_total - m_read
print(f"\n| {rows:,} rows × 10 columns (CSV), valid | read s | read + validate s | validation cost s "
      "| this / mlops (read + validate) | this / mlops (validation cost) | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|---:|")
print(f"| {names['mlops']} | {text(m_read)} | {text(m_total)} | {text(m_cost)} | 1.0× | 1.0× "
      f"| {text(median('mlops valid rss'), 0)} (read alone {text(median('mlops valid read-rss'), 0)}) |")
for tool in ("pandera", "gx"):
    if f"{tool} valid total" not in values: continue
    read, total, process = median(f"{tool} valid read"), median(f"{tool} valid total"), median(f"{tool} valid process")
    cost, rss = total - read, text(median(f"{tool} valid rss"), 0)
    ratio = lambda a, b: "–" if b <= 0 else f"{a / b:.1f}×"
    print(f"| {names[tool]} | {text(read)} | {text(total)} | {text(cost)} | {ratio(total, m_total)} "
          f"| {ratio(cost, m_cost)} | {rss} |")
    print(f"| {names[tool]}, whole process (with start-up and import) | {text(process - cost)} | {text(process)} "
          f"| {text(cost)} | {ratio(process, m_total)} | | {rss} |")
print(f"\n| {rows:,} rows, 1 % broken | read + validate s | outcome | peak RSS MB |")
print("|---|---:|---|---:|")
print(f"| {names['mlops']} | {text(median('mlops invalid total'))} | exit 65: "
      f"{values['mlops invalid failures'][-1]} | {text(median('mlops invalid rss'), 0)} |")
outcomes = {"pandera": "SchemaErrors, {} failure cases", "gx": "success false, {} expectations failed"}
for tool in ("pandera", "gx"):
    if f"{tool} invalid total" not in values: continue
    print(f"| {names[tool]} | {text(median(f'{tool} invalid total'))} "
          f"(whole process {text(median(f'{tool} invalid process'))}) "
          f"| {outcomes[tool].format(values[f'{tool} invalid failures'][-1])} "
          f"| {text(median(f'{tool} invalid rss'), 0)} |")
print(f"\nTarget (validation cost well under a second more than reading): {m_cost:.2f} s "
      f"({'yes' if m_cost < 1 else 'NO'})")
PY
