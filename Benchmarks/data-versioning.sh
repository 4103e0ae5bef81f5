#!/usr/bin/env bash
# Data-versioning benchmarks: mlops against DVC (from PyPI, in a virtualenv) on the same data in the same run.
# Scenarios: add a 1 GiB file; add a directory of 20,000 × 4 KiB files; status with nothing changed and with one
# changed file; checkout of both after deleting them; peak memory of `add` on 1 GiB; `mlops --version` start-up.
# Usage: Benchmarks/data-versioning.sh [runs]   (results: Benchmarks/work/results/*.md, summarized by hand in
# docs/benchmarks.md). Needs hyperfine (Debian package) and ~40 GiB of free disk: what the runs create is kept
# until the end (below).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
work="$root/Benchmarks/work"
mkdir -p "$work/results"
available_kib=$(df --output=avail -k "$work" | tail -1)
if [ "$available_kib" -lt $((40 << 20)) ]; then
    echo "error: $work has $((available_kib >> 20)) GiB free; these benchmarks keep ~40 GiB until they finish" >&2
    exit 1
fi

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
"$root/scripts/bootstrap"
(cd "$root" && swift build -c release --product mlops >/dev/null)
mlops="$(cd "$root" && swift build -c release --show-bin-path)/mlops"

if [ ! -x "$work/venv/bin/dvc" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q --disable-pip-version-check dvc
fi
dvc="$work/venv/bin/dvc"
echo "mlops $("$mlops" --version), dvc $("$dvc" --version)" | tee "$work/results/versions.txt"

data="$work/data"
. "$root/Benchmarks/benchmark-data.sh"

. "$root/Benchmarks/benchmark-trash.sh"
# "fresh <file>" puts an unshared, synced copy of the 1 GiB file in place (one link, as a user's file has),
# moving the previous one aside.
fresh() { aside "$1" && cp "$data/big.bin" "$1" && sync; }
export -f fresh; export data

# Two repositories with the same data; files are hard links to the originals, so setup costs nothing.
setup() {  # $1 = repository directory
    aside "$1" && mkdir -p "$1" && cp -al "$data/big.bin" "$1/big.bin" && cp -al "$data/small" "$1/small"
}
M="$work/repo-mlops"; D="$work/repo-dvc"
setup "$M"; setup "$D"
(cd "$M" && git init -q && "$mlops" init -q)
(cd "$D" && git init -q && "$dvc" init -q && "$dvc" config core.autostage false && "$dvc" config core.analytics false)

bench() {  # name, then hyperfine arguments
    local name="$1"; shift
    hyperfine --shell bash --style basic --runs "$runs" --export-markdown "$work/results/$name.md" \
        --export-json "$work/results/$name.json" "$@"
}

cd "$M"
# Many small files first, the gigabyte last: its copies churn memory, which this VM makes expensive to reuse.
bench add-20k \
    --prepare "cd $M && aside .mlops && rm -f small.mlops && $mlops init -q && sync; cd $D && aside .dvc/cache && rm -f small.dvc && sync" \
    -n mlops "cd $M && $mlops add small" -n dvc "cd $D && $dvc add -q small"
(cd "$M" && "$mlops" add -q small big.bin); (cd "$D" && "$dvc" add -q small big.bin)
sleep 2  # let the files age past the racy window so both tools' caches trust them
(cd "$M" && "$mlops" status -q); (cd "$D" && "$dvc" status -q || true)
bench status-clean --warmup 1 -n mlops "cd $M && $mlops status" -n dvc "cd $D && $dvc status"
bench status-one-changed --warmup 1 \
    --prepare "cp -f $data/small/d07/f00007.bin $M/small/d07/f00007.bin.tmp && mv -f $M/small/d07/f00007.bin.tmp $M/small/d07/f00007.bin && printf x >> $M/small/d07/f00007.bin; cp -f $data/small/d07/f00007.bin $D/small/d07/f00007.bin.tmp && mv -f $D/small/d07/f00007.bin.tmp $D/small/d07/f00007.bin && printf x >> $D/small/d07/f00007.bin" \
    -n mlops "cd $M && $mlops status" -n dvc "cd $D && $dvc status"
(cd "$M" && "$mlops" checkout -q --force); (cd "$D" && "$dvc" checkout -q --force)
bench checkout \
    --prepare "aside $M/small $M/big.bin $D/small $D/big.bin && sync" \
    -n mlops "cd $M && $mlops checkout" -n dvc "cd $D && $dvc checkout -q"
bench add-1gib \
    --prepare "cd $M && aside .mlops && rm -f big.bin.mlops .gitignore && fresh big.bin && $mlops init -q; cd $D && aside .dvc/cache && rm -f big.bin.dvc .gitignore && fresh big.bin" \
    -n mlops "cd $M && $mlops add big.bin" -n dvc "cd $D && $dvc add -q big.bin" \
    -n "openssl dgst" "openssl dgst -sha256 $data/big.bin"

(cd "$M" && aside .mlops && rm -f big.bin.mlops && "$mlops" init -q && fresh big.bin)
/usr/bin/time -f "%M" -o "$work/results/add-1gib-peak-kib.txt" "$mlops" add -q -C "$M" big.bin
echo "peak RSS of mlops add (1 GiB): $(cat "$work/results/add-1gib-peak-kib.txt") KiB"
hyperfine --style basic --export-markdown "$work/results/startup.md" --export-json "$work/results/startup.json" --warmup 5 --runs 50 -N -n "mlops --version" "$mlops --version" -n "git --version" "git --version"
# Medians (the machine is shared: means carry the outliers) and the DVC/mlops ratio of medians.
python3 - "$work/results" <<'PY'
import json, statistics, sys, pathlib
print("| scenario | mlops median (min) | DVC median (min) | DVC / mlops |")
print("|---|---:|---:|---:|")
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    results = {r["command"]: r["times"] for r in json.load(open(path))["results"]}
    fmt = lambda t: f"{statistics.median(t) * 1000:.0f} ms ({min(t) * 1000:.0f})" if max(t) < 1 else f"{statistics.median(t):.2f} s ({min(t):.2f})"
    cells = {name: fmt(times) for name, times in results.items()}
    ratio = (f"{statistics.median(results['dvc']) / statistics.median(results['mlops']):.1f}×"
             if "dvc" in results and "mlops" in results else "–")
    others = ", ".join(f"{name}: {cell}" for name, cell in cells.items() if name not in ("mlops", "dvc"))
    print(f"| {path.stem} | {cells.get('mlops', '–')} | {cells.get('dvc', '–')} | {ratio} |" + (f" {others}" if others else ""))
PY
