#!/usr/bin/env bash
# Dashboard benchmark: the runs table of `mlops ui` against MLflow's tracking server, both over the same 10,000
# runs × 20 metrics (m0…m19, one value each at step 0) × 5 parameters (p0…p4, small integers and words), kind
# train, finished, names run-00000…, one started a minute after the other (seeded; RUNS=… scales it).
#   mlops: a fresh repository (`mlops init`, no git) whose .mlops/mlops.db gets the runs with Python's sqlite3 as
#     RunStore records them (inserted `running`, parameters and metrics, then ended `finished`: the triggers of
#     migration 0012 refuse anything else); `mlops ui --port 0`, asked `GET /api/runs?…` and `GET /?…`.
#   MLflow (PyPI, in Benchmarks/work/venv-mlflow): `mlflow server` on a SQLite backend, one worker; the server
#     creates the schema and the experiment, then the same runs go straight into its tables (runs, params,
#     metrics, latest_metrics and the mlflow.runName tag, as log_batch leaves them); asked
#     `POST /api/2.0/mlflow/runs/search`.
# Requests, each timed client-side from sending to the last byte read (Python http.client, one keep-alive
# connection per server, the same client for both): the first 100 runs by metrics.m0 ascending ("sorted page");
# the same filtered by `metrics.m1 > 0.5 and params.p0 = 3` ("filtered page"); 100 runs at offset 5,000 by
# metrics.m0 ("deep page"; MLflow pages only by token, so the token of its 51st page is fetched beforehand, untimed);
# and mlops's server-rendered runs page. Before timing, both must agree on the number of matches and the first five
# run names of each page, or the script stops. Each tool is warmed once, then the tools take turns in each of
# ROUNDS rounds (who goes first alternates); the table shows medians.
# Also: the runs page's first paint in headless Chromium (Selenium, /usr/bin/chromedriver, HTTP cache disabled so
# each of PAINTS loads is a first visit): first-contentful-paint and responseEnd − navigationStart, against the
# issue's 300 ms target; MLflow's SPA shell at `/` the same way (it paints before its runs table is fetched;
# MLFLOW_UI=0 leaves it out). And cold start: from starting the server process to the first sorted page answered
# (mlops reads all the runs then; MLflow imports its Python app), COLD_ROUNDS times (default 3), files in the page
# cache.
# Usage: [RUNS=10000] [ROUNDS=30] [PAINTS=10] [COLD_ROUNDS=3] [MLFLOW_UI=0] Benchmarks/ui.sh   (a Markdown table on
#   standard output; logs and data in Benchmarks/work/ui/)
#   MLOPS=path/to/mlops picks the binary (default .build/release/mlops, built only if missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-10000}"
rounds="${ROUNDS:-30}"
paints="${PAINTS:-10}"
cold_rounds="${COLD_ROUNDS:-3}"
[ "$cold_rounds" -le "$rounds" ] || cold_rounds="$rounds"
work="$root/Benchmarks/work"
out="$work/ui"
rm -rf "$out" && mkdir -p "$out"
# The command line, for the report: the settings given in the environment, then the script and its arguments.
command_line="$(for name in MLOPS RUNS ROUNDS PAINTS COLD_ROUNDS MLFLOW_UI; do
    [ -z "${!name:-}" ] || printf '%s=%q ' "$name" "${!name}"
done)Benchmarks/ui.sh${*:+ $*}"

mlops="${MLOPS:-$root/.build/release/mlops}"
if [ -z "${MLOPS:-}" ] && [ ! -x "$mlops" ]; then
    (cd "$root" && swift build -c release --product mlops >/dev/null)
fi
case "$mlops" in */*) mlops="$(realpath -m "$mlops")" ;; esac  # the servers run in $out
cd "$out"  # whatever a server leaves in its working directory stays in the scratch directory
if ! "$mlops" ui --help 2>&1 | grep -q "USAGE: mlops ui"; then
    echo "this mlops has no \`ui\` command ($mlops); rebuild it: swift build -c release --product mlops" >&2
    exit 1
fi
for file in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$file" ] || { echo "$file is missing: the first-paint measurement needs Chromium and its driver" >&2; exit 1; }
done

# venv <dir> <module> <packages...>: a virtualenv with <module> importable; fails if pip does (or takes 20 minutes).
venv() {
    local dir="$1" module="$2"; shift 2
    if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import $module" 2>/dev/null; then
        python3 -m venv "$dir"
        timeout 1200 "$dir/bin/pip" install -q --disable-pip-version-check "$@"
    fi
}
venv "$work/venv-mlflow" mlflow mlflow
venv "$work/venv-selenium" selenium selenium
python="$work/venv-mlflow/bin/python"  # the fixture, the HTTP client of both tools and the report (stdlib only)
selenium_python="$work/venv-selenium/bin/python"
{
    echo "mlops $("$mlops" --version) ($mlops)"
    "$python" -c 'import mlflow, sqlalchemy; print(f"mlflow {mlflow.__version__}, sqlalchemy {sqlalchemy.__version__}")'
    "$selenium_python" -c 'import selenium; print("selenium", selenium.__version__)'
    /usr/bin/chromium --version 2>/dev/null
    echo "runs $runs, rounds $rounds, paints $paints, cold rounds $cold_rounds"
} | tee "$out/versions.txt" >&2

# The machine, for the report; a load average well above zero at the start means the times share the CPUs.
machine="$(nproc) CPUs (nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), load average \
$(cut -d ' ' -f 1-3 /proc/loadavg) at the start"

# Servers: started in their own process group (setsid; `mlflow server` runs uvicorn as a child), stopped by group
# on exit, however the script ends.
servers=()
stop_servers() {
    local pid
    for pid in "${servers[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in "${servers[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    servers=()
}
trap stop_servers EXIT
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for <url> <pid> <log>: until <url> answers, for at most 180 s, and only while <pid> lives.
wait_for() {
    local deadline=$((SECONDS + 180))
    while [ "$SECONDS" -lt "$deadline" ]; do
        curl -s -m 5 -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || { echo "the server for $1 exited: see $3" >&2; exit 1; }
        sleep 0.2
    done
    echo "no answer from $1 within 180 s: see $3" >&2
    exit 1
}

# The runs, generated the same way (one seed, one order of draws) for both stores; see the header for their shape.
cat >"$out/ui_fixture.py" <<'PY'
import random, sqlite3, sys, time

def generate(count):
    rng = random.Random(42)
    base_ms = 1_760_000_000_000  # 2025-10-09; one run a minute from there
    for index in range(count):
        start_ms = base_ms + index * 60_000
        run = {"name": f"run-{index:05d}", "start_ms": start_ms, "end_ms": start_ms + rng.randint(20_000, 50_000),
               "params": {"p0": str(rng.randrange(10)), "p1": str(rng.choice([16, 32, 64, 128])),
                          "p2": rng.choice(["adam", "sgd", "rmsprop"]), "p3": str(rng.randrange(1, 6)),
                          "p4": rng.choice(["small", "base", "large"])},
               "metrics": {f"m{k}": rng.random() for k in range(20)}}
        # mlops: UUIDv7 as RunID.make writes it (48-bit millisecond time, version 7, a zero sub-millisecond
        # fraction, the RFC 9562 variant, random bits), so ids sort by start. MLflow: 32 hex digits, as uuid4().hex.
        tail = (rng.getrandbits(64) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        text = f"{start_ms:012x}7000{tail:016x}"
        run["mlops_id"] = "-".join([text[:8], text[8:12], text[12:16], text[16:20], text[20:]])
        run["mlflow_id"] = f"{rng.getrandbits(128):032x}"
        yield run

def mlops(database, count, version):
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN")
    for run in generate(count):
        id, start_ns = run["mlops_id"], run["start_ms"] * 1_000_000
        db.execute("INSERT INTO runs (id, name, kind, status, started_ns, git_dirty, tool_version, host) "
                   "VALUES (?, ?, 'train', 'running', ?, 0, ?, 'bench')", (id, run["name"], start_ns, version))
        db.executemany("INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)",
                       [(id, key, value) for key, value in run["params"].items()])
        db.executemany("INSERT INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES (?, ?, ?, 0, ?)",
                       [(id, key, value, start_ns + 10_000_000_000) for key, value in run["metrics"].items()])
        db.execute("UPDATE runs SET status = 'finished', ended_ns = ?, exit_status = 0 WHERE id = ?",
                   (run["end_ms"] * 1_000_000, id))
    db.execute("COMMIT")
    return db

def mlflow(database, count, experiment):
    db = sqlite3.connect(database, isolation_level=None)
    location = db.execute("SELECT artifact_location FROM experiments WHERE experiment_id = ?",
                          (experiment,)).fetchone()[0]
    db.execute("BEGIN")
    for run in generate(count):
        id, at = run["mlflow_id"], run["start_ms"] + 10_000
        db.execute("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, "
                   "start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) "
                   "VALUES (?, ?, 'UNKNOWN', '', '', '', 'FINISHED', ?, ?, '', 'active', ?, ?)",
                   (id, run["name"], run["start_ms"], run["end_ms"], f"{location}/{id}/artifacts", experiment))
        db.execute("INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.runName', ?, ?)", (run["name"], id))
        db.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
                       [(key, value, id) for key, value in run["params"].items()])
        rows = [(key, value, at, id) for key, value in run["metrics"].items()]
        db.executemany("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, 0, 0)",
                       rows)
        db.executemany("INSERT INTO latest_metrics (key, value, timestamp, run_uuid, step, is_nan) "
                       "VALUES (?, ?, ?, ?, 0, 0)", rows)
    db.execute("COMMIT")
    return db

store, database, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
started = time.perf_counter()
if store == "mlops":
    db = mlops(database, count, sys.argv[4])
    counts = db.execute("SELECT (SELECT count(*) FROM runs WHERE status = 'finished'), "
                        "(SELECT count(*) FROM run_metrics), (SELECT count(*) FROM run_params)").fetchone()
else:
    db = mlflow(database, count, int(sys.argv[4]))
    counts = db.execute("SELECT (SELECT count(*) FROM runs WHERE status = 'FINISHED'), "
                        "(SELECT count(*) FROM latest_metrics), (SELECT count(*) FROM params)").fetchone()
assert counts == (count, 20 * count, 5 * count), counts
print(f"{store}: {count} runs inserted in {time.perf_counter() - started:.1f} s", file=sys.stderr)
PY

# mlops: a repository of its own, read by `mlops ui` for the rest of the script.
echo "==> data: $runs runs × 20 metrics × 5 params" >&2
repo="$out/repo-mlops"
mkdir -p "$repo"
timeout 60 "$mlops" init -q -C "$repo"
timeout 1200 "$python" "$out/ui_fixture.py" mlops "$repo/.mlops/mlops.db" "$runs" "$("$mlops" --version)"
timeout 300 "$mlops" runs list --limit 3 --json -C "$repo" >"$out/runs-list.json"
"$python" -c 'import json, sys
runs = json.load(open(sys.argv[1]))
assert len(runs) == 3 and all(len(run["metrics"]) == 20 and len(run["params"]) == 5 for run in runs), runs' \
    "$out/runs-list.json" || { echo "mlops runs list does not read the inserted runs: $out/runs-list.json" >&2; exit 1; }

# `--port 0`: it picks a free port and prints its address, {"event": "listening", "url": …}, as its first line.
setsid "$mlops" ui --port 0 --json -C "$repo" >"$out/mlops-ui.jsonl" 2>"$out/mlops-ui.log" &
servers+=("$!")
for _ in $(seq 1 300); do
    grep -q '"listening"' "$out/mlops-ui.jsonl" && break
    kill -0 "${servers[-1]}" 2>/dev/null || { echo "mlops ui exited: see $out/mlops-ui.log" >&2; exit 1; }
    sleep 0.2
done
mlops_url="$("$python" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["url"])' \
    "$out/mlops-ui.jsonl")" || { echo "mlops ui printed no address within 60 s: see $out/mlops-ui.log" >&2; exit 1; }
wait_for "$mlops_url/api/changes" "${servers[-1]}" "$out/mlops-ui.log"

# MLflow: its server makes the schema (and the experiment, through REST) before the runs go into its tables.
mkdir -p "$out/mlflow"
mlflow_db="sqlite:///$out/mlflow/mlflow.db"
mlflow_port="$(free_port)"
# In a directory of its own: uvicorn puts its working directory first on the import path, where ui_*.py would
# otherwise shadow modules.
(cd "$out/mlflow" && exec setsid "$work/venv-mlflow/bin/mlflow" server --backend-store-uri "$mlflow_db" \
    --default-artifact-root "$out/mlflow/artifacts" --host 127.0.0.1 --port "$mlflow_port" --workers 1 \
    >"$out/mlflow-server.log" 2>&1) &
servers+=("$!")
mlflow_url="http://127.0.0.1:$mlflow_port"
wait_for "$mlflow_url/health" "${servers[-1]}" "$out/mlflow-server.log"
experiment="$(curl -s -m 30 -X POST -H 'Content-Type: application/json' -d '{"name": "bench"}' \
    "$mlflow_url/api/2.0/mlflow/experiments/create" \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["experiment_id"])')"
timeout 1200 "$python" "$out/ui_fixture.py" mlflow "$out/mlflow/mlflow.db" "$runs" "$experiment"

# The requests. Prints nothing on standard output; appends "measurement<TAB>tool<TAB>ms" rows to results.tsv and
# the response sizes to sizes.json. Checks first that both tools give the same answers.
cat >"$out/ui_requests.py" <<'PY'
import http.client, json, sys, time, urllib.parse

mlops_url, mlflow_url, experiment, runs, rounds, out = sys.argv[1:7]
runs, rounds = int(runs), int(rounds)
TIMEOUT = 300  # seconds for one answer: a debug build reading 10,000 runs is slow, but not this slow

class Client:
    """One keep-alive connection; request() returns (milliseconds, body) from sending to the last byte read."""
    def __init__(self, url):
        self.address = urllib.parse.urlsplit(url).netloc
        self.connection, self.reconnects = None, 0
    def request(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        data = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.address, timeout=TIMEOUT)
            try:
                start = time.perf_counter()
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                elapsed = (time.perf_counter() - start) * 1000
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the kept-alive connection: a new one, and the request again (timed anew).
                self.connection.close()
                self.connection, self.reconnects = None, self.reconnects + 1
                if attempt == 2: raise
                continue
            if response.status != 200:
                sys.exit(f"{method} http://{self.address}{path}: HTTP {response.status}: {payload[:500]!r}")
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection, self.reconnects = None, self.reconnects + 1
            return elapsed, payload

mlops, mlflow = Client(mlops_url), Client(mlflow_url)
ORDER = "metrics.m0"
MLOPS_WHERE, MLFLOW_FILTER = "metrics.m1 > 0.5 and params.p0 = 3", "metrics.m1 > 0.5 and params.p0 = '3'"

def mlops_path(where="", offset=0, limit=100, page="/api/runs"):
    query = {"sort": ORDER, "order": "asc", "limit": limit, "offset": offset}
    if where: query["where"] = where
    return page + "?" + urllib.parse.urlencode(query)

def mlflow_body(filter="", token=None, max_results=100):
    body = {"experiment_ids": [experiment], "max_results": max_results, "order_by": [f"{ORDER} ASC"],
            "filter": filter}  # REST names it `filter` (filter_string is the Python client's)
    if token: body["page_token"] = token
    return body

SEARCH = "/api/2.0/mlflow/runs/search"
def mlflow_search(body):
    return json.loads(mlflow.request("POST", SEARCH, body)[1])

def mlflow_all(filter):
    """Every matching run by paging through 1,000 at a time (untimed): their names and m0 values in order."""
    names, values, token = [], [], None
    while True:
        page = mlflow_search(mlflow_body(filter, token, 1000))
        for run in page.get("runs", []):
            names.append(run["info"]["run_name"])
            values.append(next(m["value"] for m in run["data"]["metrics"] if m["key"] == "m0"))
        token = page.get("next_page_token")
        if not token: return names, values

# MLflow knows only page tokens: the token of the 51st page of 100 (offset 5,000), following 50 pages.
deep_offset = min(5000, max(0, runs - 100))
token = None
for _ in range(deep_offset // 100):
    token = mlflow_search(mlflow_body(token=token)).get("next_page_token")
deep_token = token

requests = {  # measurement: (mlops path, MLflow body)
    "sorted page": (mlops_path(), mlflow_body()),
    "filtered page": (mlops_path(MLOPS_WHERE), mlflow_body(MLFLOW_FILTER)),
    "deep page": (mlops_path(offset=deep_offset), mlflow_body(token=deep_token)),
}
html_path = mlops_path(page="/")

# The same answers from both, or no timing at all.
def fail(message):
    print(f"error: mlops and MLflow disagree: {message}", file=sys.stderr)
    sys.exit(1)
all_names, all_values = mlflow_all("")
if len(all_names) != runs: fail(f"MLflow's search returns {len(all_names)} runs, not {runs}")
if all_values != sorted(all_values): fail("MLflow's order by metrics.m0 ASC is not ascending")
filtered_names, _ = mlflow_all(MLFLOW_FILTER)
expected_matches = {"sorted page": runs, "filtered page": len(filtered_names), "deep page": runs}
expected_first = {"sorted page": all_names[:5], "filtered page": filtered_names[:5],
                  "deep page": all_names[deep_offset:deep_offset + 5]}
sizes = {}
for name, (path, body) in requests.items():
    ours, theirs = json.loads(mlops.request("GET", path)[1]), mlflow_search(body)
    mine, other = [run["name"] for run in ours["runs"][:5]], [run["info"]["run_name"] for run in theirs["runs"][:5]]
    if ours["matched"] != expected_matches[name]:
        fail(f"{name}: mlops matched {ours['matched']}, MLflow {expected_matches[name]}")
    if not (mine == other == expected_first[name]):
        fail(f"{name}: first runs are {mine} (mlops), {other} (MLflow), {expected_first[name]} (MLflow, paged)")
    print(f"{name}: {ours['matched']} matched, first {', '.join(mine)}", file=sys.stderr)
    sizes[name] = {"mlops": len(mlops.request("GET", path)[1]), "MLflow": len(mlflow.request("POST", SEARCH, body)[1])}
sizes["runs page (HTML)"] = {"mlops": len(mlops.request("GET", html_path)[1])}
json.dump(sizes, open(f"{out}/sizes.json", "w"), indent=1)

with open(f"{out}/results.tsv", "a") as results:
    for round in range(rounds):
        for name, (path, body) in requests.items():
            turns = [("mlops", lambda: mlops.request("GET", path)),
                     ("MLflow", lambda: mlflow.request("POST", SEARCH, body))]
            for tool, call in turns if round % 2 == 0 else reversed(turns):
                results.write(f"{name}\t{tool}\t{call()[0]:.3f}\n")
        results.write(f"runs page (HTML, whole response)\tmlops\t{mlops.request('GET', html_path)[0]:.3f}\n")
print(f"reconnections: mlops {mlops.reconnects}, MLflow {mlflow.reconnects}", file=sys.stderr)
PY

# First paint in headless Chromium: fresh navigations (about:blank in between, HTTP cache off), the tools taking
# turns; appends to results.tsv. First-contentful-paint appears shortly after the load event, so it is polled for.
cat >"$out/ui_paint.py" <<'PY'
import sys, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

out, paints, pages = sys.argv[1], int(sys.argv[2]), dict(arg.split("=", 1) for arg in sys.argv[3:])
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    def load(url):
        driver.get("about:blank")
        driver.get(url)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            paint = driver.execute_script("const e = performance.getEntriesByName('first-contentful-paint');"
                                          "return e.length ? e[0].startTime : null")
            if paint is not None: break
            time.sleep(0.02)
        else:
            raise SystemExit(f"no first-contentful-paint for {url} within 15 s of loading")
        response = driver.execute_script("return performance.timing.responseEnd - performance.timing.navigationStart")
        return paint, response
    for url in pages.values(): load(url)  # warm: Chromium's own start-up, each server's first page
    with open(f"{out}/results.tsv", "a") as results:
        for index in range(paints):
            turns = list(pages.items())
            for tool, url in turns if index % 2 == 0 else reversed(turns):
                paint, response = load(url)
                results.write(f"first paint (FCP)\t{tool}\t{paint:.3f}\n")
                results.write(f"first paint: HTML received (responseEnd − navigationStart)\t{tool}\t{response:.3f}\n")
finally:
    driver.quit()
PY

# Cold start: a new server process until the first sorted page is answered; appends to results.tsv.
cat >"$out/ui_cold.py" <<'PY'
import json, os, selectors, signal, socket, subprocess, sys, time, urllib.error, urllib.request

mlops, repo, mlflow, database, experiment, rounds, out = sys.argv[1:8]
DEADLINE = 300  # seconds for one start

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def first_answer(request, start, process):
    while time.perf_counter() - start < DEADLINE:
        if process.poll() is not None: sys.exit(f"{process.args[0]} exited with {process.returncode} at start")
        try:
            with urllib.request.urlopen(request, timeout=DEADLINE) as response:
                response.read()
                return (time.perf_counter() - start) * 1000
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.01)
    sys.exit(f"no answer from {request.full_url} within {DEADLINE} s")

def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)

def mlops_cold():
    start = time.perf_counter()
    process = subprocess.Popen([mlops, "ui", "--port", "0", "--json", "-C", repo], stdout=subprocess.PIPE,
                               stderr=open(f"{out}/cold-mlops-ui.log", "a"), start_new_session=True)
    try:
        # `--port 0`: the address is in the first line, {"event": "listening", "url": …}.
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=DEADLINE): sys.exit("mlops ui printed no address")
        url = json.loads(process.stdout.readline())["url"]
        listening = (time.perf_counter() - start) * 1000
        query = "/api/runs?sort=metrics.m0&order=asc&limit=100"
        return listening, first_answer(urllib.request.Request(url + query), start, process)
    finally:
        stop(process)

def mlflow_cold():
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen([mlflow, "server", "--backend-store-uri", database, "--host", "127.0.0.1",
                                "--port", str(port), "--workers", "1", "--default-artifact-root",
                                f"{out}/mlflow/artifacts"], cwd=f"{out}/mlflow", stdout=subprocess.DEVNULL,
                               stderr=open(f"{out}/cold-mlflow-server.log", "a"), start_new_session=True)
    try:
        body = json.dumps({"experiment_ids": [experiment], "max_results": 100,
                           "order_by": ["metrics.m0 ASC"]}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/2.0/mlflow/runs/search", data=body,
                                         headers={"Content-Type": "application/json"})
        return first_answer(request, start, process)
    finally:
        stop(process)

with open(f"{out}/results.tsv", "a") as results:
    for round in range(int(rounds)):
        for tool in (["mlops", "MLflow"] if round % 2 == 0 else ["MLflow", "mlops"]):
            if tool == "mlops":
                listening, answered = mlops_cold()
                results.write(f"cold start: address printed\tmlops\t{listening:.3f}\n")
                results.write(f"cold start: first sorted page answered\tmlops\t{answered:.3f}\n")
            else:
                results.write(f"cold start: first sorted page answered\tMLflow\t{mlflow_cold():.3f}\n")
            print(f"cold round {round + 1}, {tool} done", file=sys.stderr)
PY

: >"$out/results.tsv"
echo "==> checks, then $rounds rounds of requests" >&2
timeout 3600 "$python" "$out/ui_requests.py" "$mlops_url" "$mlflow_url" "$experiment" "$runs" "$rounds" "$out" \
    2> >(tee "$out/requests.log" >&2)
echo "==> first paint, $paints loads each" >&2
pages=("mlops=$mlops_url/?sort=metrics.m0&order=asc")
[ "${MLFLOW_UI:-1}" = 0 ] || pages+=("MLflow=$mlflow_url/")
if ! timeout 900 "$selenium_python" "$out/ui_paint.py" "$out" "$paints" "${pages[@]}" >"$out/paint.log" 2>&1; then
    # A flaky SPA should not cost mlops's number: once more without MLflow's page.
    if [ "${#pages[@]}" -gt 1 ]; then
        echo "first paint with MLflow's SPA failed (see $out/paint.log); measuring mlops's page alone" >&2
        grep -v '^first paint' "$out/results.tsv" >"$out/results.tmp" || true
        mv "$out/results.tmp" "$out/results.tsv"
        echo "MLflow's SPA first paint failed: see paint.log" >"$out/notes.txt"
        timeout 900 "$selenium_python" "$out/ui_paint.py" "$out" "$paints" "${pages[0]}" >>"$out/paint.log" 2>&1 \
            || { echo "first paint failed: see $out/paint.log" >&2; exit 1; }
    else
        echo "first paint failed: see $out/paint.log" >&2
        exit 1
    fi
fi
echo "==> cold start, $cold_rounds rounds" >&2
timeout 1800 "$python" "$out/ui_cold.py" "$mlops" "$repo" "$work/venv-mlflow/bin/mlflow" "$mlflow_db" "$experiment" \
    "$cold_rounds" "$out" 2> >(tee "$out/cold.log" >&2)
stop_servers

# Medians per measurement and tool; MLflow's time over mlops's; the issue's target; how it was run.
"$python" - "$out" "$runs" "$command_line" "$machine" <<'PY'
import json, os, statistics, sys
from collections import defaultdict
out, runs, command_line, machine = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
times = defaultdict(list)
for line in open(f"{out}/results.tsv"):
    measurement, tool, ms = line.rstrip("\n").split("\t")
    times[measurement, tool].append(float(ms))
median = {key: statistics.median(values) for key, values in times.items()}
deep_offset = min(5000, max(0, runs - 100))  # as ui_requests.py chose it
sizes = json.load(open(f"{out}/sizes.json"))
rows = [("sorted page", "sorted page: first 100 by metrics.m0 ascending (API)"),
        ("filtered page", "filtered page: `metrics.m1 > 0.5 and params.p0 = 3`, first 100 by metrics.m0 (API)"),
        ("deep page", f"deep page: 100 at offset {deep_offset:,} by metrics.m0 (API; MLflow by page token)"),
        ("runs page (HTML, whole response)", "runs page `/?sort=metrics.m0&order=asc` (server-rendered HTML)"),
        ("first paint (FCP)", "first paint (first-contentful-paint) in headless Chromium; MLflow: its SPA shell"),
        ("first paint: HTML received (responseEnd − navigationStart)", "first paint: HTML document received "
         "(responseEnd − navigationStart); MLflow: the SPA's index.html"),
        ("cold start: address printed", "cold start: `mlops ui` prints its address"),
        ("cold start: first sorted page answered", "cold start: process start → first sorted page answered")]
def cell(key):
    return f"{median[key]:.1f}" if key in median else "–"
print(f"| {runs:,} runs × 20 metrics × 5 params | mlops ms | MLflow ms | MLflow / mlops |")
print("|---|---:|---:|---:|")
for key, label in rows:
    if (key, "mlops") not in median and (key, "MLflow") not in median: continue
    ours, theirs = median.get((key, "mlops")), median.get((key, "MLflow"))
    # MLflow's document is its SPA's static index.html, not a page of runs: no ratio for that row.
    comparable = key != "first paint: HTML received (responseEnd − navigationStart)"
    ratio = f"{theirs / ours:.1f}×" if ours and theirs and comparable else "–"
    print(f"| {label} | {cell((key, 'mlops'))} | {cell((key, 'MLflow'))} | {ratio} |")
samples = lambda key: len(times.get(key, []))
paint = median[("first paint (FCP)", "mlops")]
print(f"\nTarget (runs page first paint < 300 ms with {runs:,} runs × 20 metrics): {paint:.0f} ms "
      f"({'yes' if paint < 300 else 'NO'}). Paged on the server: 100 runs are {sizes['sorted page']['mlops'] / 1024:.0f} KB "
      f"of JSON (MLflow {sizes['sorted page']['MLflow'] / 1024:.0f} KB), the HTML page "
      f"{sizes['runs page (HTML)']['mlops'] / 1024:.0f} KB.")
if os.path.exists(f"{out}/notes.txt"):
    print(f"Note: {open(f'{out}/notes.txt').read().strip()}.")
print(f"Medians of {samples(('sorted page', 'mlops'))} requests per tool and row, "
      f"{samples(('first paint (FCP)', 'mlops'))} page loads, {samples(('cold start: first sorted page answered', 'mlops'))} "
      "cold starts. Requests are timed client-side (sent → last byte read) on one keep-alive connection; MLflow is "
      "`mlflow server --workers 1` on SQLite.")
versions = open(f"{out}/versions.txt").read().strip().splitlines()
print(f"\nCommand: `{command_line}`  \nMachine: {machine}  \nVersions: {'; '.join(versions[:-1])}")
PY
