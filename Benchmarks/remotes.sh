#!/usr/bin/env bash
# Remote benchmarks: mlops push/pull against DVC (dvc, dvc-s3) and the AWS CLI (from PyPI, in a virtualenv) on
# the same data in the same run.
# Data: a directory of 20,000 × 4 KiB files (tracked as one directory) and a 1 GiB file.
#   path remote   push, then pull in a fresh git clone: both the directory and the 1 GiB file
#   S3 on moto    the 20,000 files: mlops push/pull, dvc push/pull, aws s3 cp --recursive up/down, each against
#                 moto_server on loopback (moto checks Signature V4); then, through a counting proxy, the HTTP
#                 requests each tool sends per object uploaded (2,000 files)
#   hook          the post-checkout hook when no pointer changed (hyperfine)
# Usage: Benchmarks/remotes.sh [rounds] [all|local]   (local: the path remote and the hook only)
#   (prints a Markdown table; logs in Benchmarks/work/remotes/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-1}"
scenarios="${2:-all}"
work="$root/Benchmarks/work"
out="$work/remotes"

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
(cd "$root" && swift build -c release --product mlops >/dev/null)
mlops="$(cd "$root" && swift build -c release --show-bin-path)/mlops"
venv="$work/venv"
if [ ! -x "$venv/bin/dvc" ] || [ ! -x "$venv/bin/aws" ] || [ ! -x "$venv/bin/moto_server" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check dvc dvc-s3 awscli "moto[server]"
fi
dvc="$venv/bin/dvc"
aws="$venv/bin/aws"
# Each round of the path-remote scenario keeps ~11 GiB (both tools' repositories, remotes and clones) until the end.
available_kib=$(df --output=avail -k "$work" | tail -1)
if [ "$available_kib" -lt $((rounds * 11 << 20)) ]; then
    echo "error: $work has $((available_kib >> 20)) GiB free; $rounds rounds keep ~$((rounds * 11)) GiB until they finish" >&2
    exit 1
fi
. "$root/Benchmarks/benchmark-trash.sh"
aside "$out" && mkdir -p "$out"
echo "mlops $("$mlops" --version), $("$dvc" --version | sed 's/^/dvc /'), $("$aws" --version 2>&1 | cut -d' ' -f1)" | tee "$out/versions.txt"

data="$work/data"
. "$root/Benchmarks/benchmark-data.sh"

results="$out/results.tsv"
: >"$results"
seconds() { local start=$EPOCHREALTIME; "$@" >>"$out/commands.log" 2>&1; awk "BEGIN { print $EPOCHREALTIME - $start }"; }
record() { echo -e "$1\t$2\t$3" >>"$results"; }  # scenario, tool, seconds
# Before each timed command the setup's writes are flushed, so neither tool pays for the other's or its own setup.
settle() { sync; sleep 2; }

repo() {  # repo <dir> <tool> <paths…>: a fresh git repository tracking <paths> (copied from $data)
    local dir="$1" tool="$2"; shift 2
    aside "$dir" && mkdir -p "$dir" && cd "$dir" && git init -q
    for path in "$@"; do cp -r "$data/$path" "$dir/$path"; done
    if [ "$tool" = mlops ]; then
        "$mlops" init -q && "$mlops" add -q "$@"
    else
        "$dvc" init -q && "$dvc" config core.analytics false && "$dvc" add -q "$@" >/dev/null
    fi
}
clone() {  # clone <dir> <copy>: commit the repository in <dir> and clone it to <copy>, as a new machine would
    git -C "$1" add -A >/dev/null && git -C "$1" -c user.name=bench -c user.email=bench@invalid commit -qm data
    aside "$2" && git clone -q "$1" "$2" && cd "$2"
}
empty() {  # empty <tool> <paths…>: drop the cache and the workspace copies (for the S3 runs)
    local tool="$1"; shift
    aside "$@"
    if [ "$tool" = mlops ]; then aside .mlops/objects; else aside .dvc/cache; fi
}

# Path remote: the directory and the 1 GiB file.
for round in $(seq 1 "$rounds"); do
    for tool in mlops dvc; do
        repo "$out/path-$tool" "$tool" small big.bin
        aside "$out/share-$tool"
        mkdir -p "$out/share-$tool"
        if [ "$tool" = mlops ]; then
            "$mlops" remote add -q share "$out/share-$tool" && settle
            record "path remote: push 20,000 files + 1 GiB" mlops "$(seconds "$mlops" push -q)"
            clone "$out/path-$tool" "$out/clone-$tool" && settle
            record "path remote: pull 20,000 files + 1 GiB" mlops "$(seconds "$mlops" pull -q)"
        else
            "$dvc" remote add -q -d share "$out/share-$tool" && settle
            record "path remote: push 20,000 files + 1 GiB" DVC "$(seconds "$dvc" push -q)"
            clone "$out/path-$tool" "$out/clone-$tool" && settle
            record "path remote: pull 20,000 files + 1 GiB" DVC "$(seconds "$dvc" pull -q)"
        fi
        cd "$out" && aside "$out/path-$tool" "$out/clone-$tool" "$out/share-$tool"
    done
done

: >"$out/requests.tsv"
if [ "$scenarios" = all ]; then
# S3 on moto: start the server (and its counting proxy) from the test fixture.
coproc S3 { "$venv/bin/python" "$root/Tests/MLOpsCLITests/Fixtures/s3_server.py" 2>/dev/null; }
read -r settings <&"${S3[0]}"
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$settings" "$1"; }
direct="$(field direct)"; proxy="$(field endpoint)"
export AWS_ACCESS_KEY_ID="$(field access_key_id)" AWS_SECRET_ACCESS_KEY="$(field secret_access_key)" AWS_DEFAULT_REGION=us-east-1
control() { echo "$1" >&"${S3[1]}"; read -r answer <&"${S3[0]}"; echo "$answer"; }

s3() {  # s3 <endpoint> <prefix> <tool> <directory>: push (and time it), then pull into an empty cache
    local endpoint="$1" prefix="$2" tool="$3" directory="$4"
    repo "$out/s3-$tool" "$tool" "$directory"
    case "$tool" in
        mlops)
            "$mlops" remote add -q s3 "s3://mlops-test/$prefix" --endpoint-url "$endpoint"
            push=("$mlops" push -q); pull=("$mlops" pull -q) ;;
        DVC)
            "$dvc" remote add -q -d s3 "s3://mlops-test/$prefix"
            "$dvc" remote modify -q s3 endpointurl "$endpoint"
            push=("$dvc" push -q); pull=("$dvc" pull -q) ;;
        "AWS CLI")
            push=("$aws" --endpoint-url "$endpoint" s3 cp --recursive --quiet "$directory" "s3://mlops-test/$prefix/")
            pull=("$aws" --endpoint-url "$endpoint" s3 cp --recursive --quiet "s3://mlops-test/$prefix/" "$directory") ;;
    esac
    echo "$(seconds "${push[@]}")"
    empty "$([ "$tool" = mlops ] && echo mlops || echo dvc)" "$directory"
    echo "$(seconds "${pull[@]}")"
}
for round in $(seq 1 "$rounds"); do
    for tool in mlops DVC "AWS CLI"; do
        times=($(s3 "$direct" "$tool-$round" "$tool" small))
        record "S3 (moto): push 20,000 files" "$tool" "${times[0]}"
        record "S3 (moto): pull 20,000 files" "$tool" "${times[1]}"
    done
done

# Requests per uploaded object, counted by the proxy, on 2,000 of the files.
mkdir -p "$data/small2k" && for d in $(seq -w 0 9); do cp -r "$data/small/d0$d" "$data/small2k/" 2>/dev/null || true; done
requests="$out/requests.tsv"
for tool in mlops DVC "AWS CLI"; do
    control reset >/dev/null
    cd "$out" && repo "$out/count-$tool" "$tool" small2k
    case "$tool" in
        mlops) "$mlops" remote add -q s3 "s3://mlops-test/count-mlops" --endpoint-url "$proxy" && "$mlops" push -q ;;
        DVC) "$dvc" remote add -q -d s3 "s3://mlops-test/count-dvc" && "$dvc" remote modify -q s3 endpointurl "$proxy" && "$dvc" push -q ;;
        "AWS CLI") "$aws" --endpoint-url "$proxy" s3 cp --recursive --quiet small2k "s3://mlops-test/count-aws/" ;;
    esac
    objects=$(find "$data/small2k" -type f | wc -l)
    echo -e "$tool\t$objects\t$(control count)" >>"$requests"
done

fi

# The post-checkout hook when nothing changed: same commit, and a commit that changes no pointer file.
cd "$out" && repo "$out/hook" mlops small
git add -A >/dev/null && git -c user.email=b@example.com -c user.name=B commit -qm data
git -c user.email=b@example.com -c user.name=B commit -q --allow-empty -m "code only"
"$mlops" hooks install -q
hyperfine -N --warmup 3 --runs 30 --export-json "$out/hook.json" \
    "$out/hook/.git/hooks/post-checkout $(git rev-parse HEAD) $(git rev-parse HEAD) 1" \
    "$out/hook/.git/hooks/post-checkout $(git rev-parse HEAD~1) $(git rev-parse HEAD) 1" >/dev/null

python3 - "$results" "$out/requests.tsv" "$out/hook.json" <<'PY'
import json, statistics, sys
from collections import defaultdict
results, requests, hook = sys.argv[1:4]
table = defaultdict(lambda: defaultdict(list))
for line in open(results):
    scenario, tool, seconds = line.rstrip("\n").split("\t")
    table[scenario][tool].append(float(seconds))
print("| scenario | mlops | DVC | AWS CLI | DVC / mlops | AWS CLI / mlops |")
print("|---|---:|---:|---:|---:|---:|")
for scenario, tools in table.items():
    med = {tool: statistics.median(values) for tool, values in tools.items()}
    cell = lambda tool: f"{med[tool]:.1f} s" if tool in med else "–"
    ratio = lambda tool: f"{med[tool] / med['mlops']:.1f}×" if tool in med and "mlops" in med else "–"
    print(f"| {scenario} | {cell('mlops')} | {cell('DVC')} | {cell('AWS CLI')} | {ratio('DVC')} | {ratio('AWS CLI')} |")
if open(requests).read().strip():
    print("\n| tool | objects uploaded | HTTP requests | per object | by method |")
    print("|---|---:|---:|---:|---|")
for line in open(requests):
    tool, objects, counts = line.rstrip("\n").split("\t")
    counts = json.loads(counts)
    print(f"| {tool} | {int(objects):,} | {counts['requests']:,} | {counts['requests'] / int(objects):.3f} | {counts['by_method']} |")
runs = json.load(open(hook))["results"]
print("\npost-checkout hook, nothing to check out (median of 30): "
      f"same commit {statistics.median(runs[0]['times']) * 1000:.1f} ms, "
      f"a commit that changes no pointer {statistics.median(runs[1]['times']) * 1000:.1f} ms")
PY
