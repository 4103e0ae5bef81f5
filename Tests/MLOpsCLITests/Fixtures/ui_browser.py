"""Drives `mlops ui` in headless Chromium (Selenium) and checks what a user sees and can do.

Checks, in order:
  runs        the runs page lists every run and says read-only without the token
  filter      a where expression filters the rows; a bad one shows #where-error naming the character
  compare     two checked train runs open the compare page: one chart per metric logged at several steps,
              a line per run in each, differing parameters highlighted
  run         a train run's page has learning curves and its data in the lineage
  read-only   a model page without the token has no promote form, and a promote sent from the page is refused (403)
  promote     after logging in with ?token=, the promote form moves an alias (confirm dialog accepted), the page
              shows it, and `mlops model show NAME@production` agrees
  pipeline, data, serving
              each page renders its main content
  live        a run recorded while the runs page is open appears in it without navigating
Throughout: no SEVERE browser console entry and no request to any host but the dashboard's.

Usage (the project's venv has selenium; chromium and chromedriver come from the system):
  ui_browser.py --url http://127.0.0.1:PORT --token TOKEN --screenshots DIR --mlops PATH/TO/mlops \
      --repository DIR --expect-runs N --model NAME --promote-version V

Prints one JSON object on success: {"passed": true, "checks": [...], "screenshots": [...], "requests": N}.
On failure: names the check and what was seen on stderr, saves failure.png, exits 1.
"""
import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT_SECONDS = 10
# The page polls /api/changes every 3 s; a new run must show within a few polls.
LIVE_REFRESH_SECONDS = 15


class CheckFailed(Exception):
    """A check saw something other than what it expected."""

    def __init__(self, check, message):
        super().__init__(f"check '{check}' failed: {message}")
        self.check = check


class Session:
    """The browser, the dashboard it talks to, and what the checks have seen so far."""

    def __init__(self, options):
        self.options = options
        self.base = options.url.rstrip("/")
        self.origin = urllib.parse.urlsplit(self.base).netloc  # 127.0.0.1:PORT
        self.driver = start_browser()
        self.checks = []
        self.screenshots = []
        self.requests = 0
        self.current = "startup"

    # Navigation and waiting

    def open(self, path):
        self.driver.get(self.base + path)
        self.wait_for("main#main")

    def wait_for(self, selector, timeout=WAIT_SECONDS):
        """The first element matching `selector` once it is visible."""
        try:
            return WebDriverWait(self.driver, timeout).until(
                EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))
        except TimeoutException:
            self.fail(f"no visible '{selector}' after {timeout} s on {self.driver.current_url}")

    def all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def exists(self, selector):
        return len(self.all(selector)) > 0

    def screenshot(self, name):
        path = os.path.join(self.options.screenshots, name)
        self.driver.save_screenshot(path)
        self.screenshots.append(path)

    # Independent reads: the JSON API and the CLI

    def api(self, path):
        with urllib.request.urlopen(self.base + path, timeout=WAIT_SECONDS) as answer:
            return json.load(answer)

    def mlops(self, *arguments):
        result = subprocess.run(
            [self.options.mlops, *arguments], cwd=self.options.repository, capture_output=True, text=True,
            timeout=120)
        if result.returncode != 0:
            self.fail(f"`mlops {' '.join(arguments)}` exited {result.returncode}: {result.stderr.strip()}")
        return result.stdout

    # Verdicts

    def expect(self, condition, message):
        if not condition:
            self.fail(message)

    def fail(self, message):
        raise CheckFailed(self.current, message)

    @contextlib.contextmanager
    def check(self, name):
        """Runs a check's body; it passes when nothing failed and the browser logged nothing wrong."""
        self.current = name
        yield
        self.audit()
        self.checks.append(name)

    def audit(self, expected_errors=()):
        """Fails on a SEVERE console entry (other than one mentioning an `expected_errors` text) and on any request
        to another host; counts the requests."""
        for entry in self.driver.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            if any(text in entry["message"] for text in expected_errors):
                continue
            self.fail(f"browser console error on {self.driver.current_url}: {entry['message']}")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.requestWillBeSent":
                continue
            url = message["params"]["request"]["url"]
            self.requests += 1
            parts = urllib.parse.urlsplit(url)
            if parts.scheme == "data":
                continue
            if parts.scheme not in ("http", "https") or parts.netloc != self.origin:
                self.fail(f"a request left the dashboard ({self.origin}): {url}")


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver path: Selenium Manager must never download anything.
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


# Helpers over the runs table

def run_rows(session):
    return session.all("table#runs tbody tr.run")


def settled(session, read, what, attempts=20):
    """`read()`, done again when live refresh replaced the elements it was using. The page swaps its main element
    whenever the repository's change marker moves (a checkpoint of the write-ahead log moves it too), and Chromium
    reports a replaced element as stale or as "Node with given id does not belong to the document"."""
    for _ in range(attempts):
        try:
            return read()
        except WebDriverException as error:
            last = error
            time.sleep(0.25)
    session.fail(f"could not {what}: the page kept changing under it ({last.msg})")


def text_of(session, selector):
    """The text of the first visible element matching `selector`."""
    return settled(session, lambda: session.wait_for(selector).text.strip(), f"read '{selector}'")


def run_kinds(session):
    """(id, kind) of each row of the runs table, read in one go."""
    return settled(session, lambda: [(row.get_attribute("data-id"), kind_of(row)) for row in run_rows(session)],
                   "read the runs table")


def kind_of(row):
    # Columns: select, name, kind, status, …
    return row.find_element(By.CSS_SELECTOR, "td:nth-child(3)").text.strip()


def name_of(row):
    return row.find_element(By.CSS_SELECTOR, "td.name").text.strip()


def submit_filter(session, expression):
    box = session.wait_for("form#filter input[name=where]")
    box.clear()
    box.send_keys(expression)
    old_main = session.driver.find_element(By.CSS_SELECTOR, "main#main")
    session.driver.find_element(By.CSS_SELECTOR, "form#filter button[type=submit]").click()
    WebDriverWait(session.driver, WAIT_SECONDS).until(EC.staleness_of(old_main))
    session.wait_for("main#main")


# The checks

def check_runs(session):
    session.open("/")
    rows = run_rows(session)
    expected = session.options.expect_runs
    paged = " (the runs do not fit one page: nav.pager shown)" if session.exists("nav.pager") else ""
    session.expect(len(rows) == expected, f"{len(rows)} tr.run rows, expected {expected}{paged}")
    count = text_of(session, "#run-count")
    session.expect(count == f"{expected} run{'' if expected == 1 else 's'}", f"#run-count says '{count}'")
    mode = text_of(session, "header .mode")
    session.expect(mode == "read-only", f"header mode says '{mode}' without the token")
    session.screenshot("runs.png")


def check_filter(session):
    session.open("/")
    submit_filter(session, "kind = train")
    kinds = [kind for _, kind in run_kinds(session)]
    total = session.options.expect_runs
    session.expect(0 < len(kinds) < total, f"'kind = train' left {len(kinds)} of {total} rows")
    session.expect(all(kind == "train" for kind in kinds), f"'kind = train' shows kinds {sorted(set(kinds))}")
    session.expect(not session.exists("#where-error"), "#where-error shown for a good expression")

    submit_filter(session, "metrics.rmse <<")
    error = text_of(session, "#where-error")
    session.expect(re.search(r"character \d+|position \d+", error),
                   f"#where-error does not name the character: '{error}'")


def train_run_ids(session):
    return [run_id for run_id, kind in run_kinds(session) if kind == "train"]


def stepped_metrics(session, run_id):
    """The run's metrics logged at several steps, from the API."""
    history = session.api(f"/api/runs/{urllib.parse.quote(run_id)}")["run"].get("history") or {}
    return {key for key, points in history.items() if len(points) > 1}, history


def select_runs(session, ids):
    """Checks the runs' boxes and clicks Compare once it is enabled. Live refresh may replace the table between
    finding an element and clicking it, so each is found again by the run's id and the clicks are retried."""
    def box(run_id):
        return session.driver.find_element(By.CSS_SELECTOR, f'tr.run[data-id="{run_id}"] input[name=run]')

    def check_and_compare():
        for run_id in ids:
            if not box(run_id).is_selected():
                box(run_id).click()
        button = session.driver.find_element(By.CSS_SELECTOR, "#compare")
        if not all(box(run_id).is_selected() for run_id in ids) or not button.is_enabled():
            raise WebDriverException("the boxes are not checked yet")
        button.click()
    settled(session, check_and_compare, f"check the runs {ids} and click #compare")


def check_compare(session):
    # Clearing the filter the previous check left (the bad expression) shows every run again.
    if not session.exists("form#filter"):
        session.open("/")
    submit_filter(session, "")
    shown = len(run_rows(session))
    expected = session.options.expect_runs
    session.expect(shown == expected, f"{shown} rows after clearing the filter, expected {expected}")
    ids = train_run_ids(session)[:2]
    session.expect(len(ids) == 2, f"{len(ids)} train runs on the runs page, need 2")
    select_runs(session, ids)
    WebDriverWait(session.driver, WAIT_SECONDS).until(EC.url_contains("/compare"))
    session.wait_for("main#main")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(session.driver.current_url).query)
    session.expect(sorted(query.get("run", [])) == sorted(ids), f"compare page for {query.get('run')}, checked {ids}")

    histories = [stepped_metrics(session, run_id) for run_id in ids]
    expected = set().union(*(stepped for stepped, _ in histories))
    session.expect(expected, f"neither of the runs {ids} logged a metric at several steps (the test needs one)")
    # metric → how many polylines its chart draws
    charts = settled(session, lambda: {
        chart.get_attribute("data-metric"): len(chart.find_elements(By.CSS_SELECTOR, "svg.chart polyline"))
        for chart in session.all("#charts figure.chart")}, "read the charts")
    shown = set(charts)
    session.expect(len(charts) > 0, "no figure.chart on the compare page")
    session.expect(shown == expected, f"charts for {sorted(shown)}, expected the stepped metrics {sorted(expected)}")
    for metric, lines in charts.items():
        # A line for each run that logged the metric at all (both, when they come from the same trainer).
        logged = sum(1 for _, history in histories if history.get(metric))
        session.expect(lines == logged, f"chart '{metric}' has {lines} polylines, expected {logged}")

    params = [session.api(f"/api/runs/{urllib.parse.quote(run_id)}")["run"].get("params") or {} for run_id in ids]
    if params[0] != params[1]:
        differing = settled(session, lambda: [row.get_attribute("data-key")
                                              for row in session.all("#params tr.differs")], "read the parameters")
        session.expect(differing, "the runs' params differ but no #params tr.differs")
    scroll_to(session, "#charts")
    session.screenshot("compare.png")


def check_run(session):
    session.open("/")
    # The newest train run that logged a learning curve.
    train_ids = train_run_ids(session)
    curves = ((run_id, stepped_metrics(session, run_id)[0]) for run_id in train_ids)
    run_id, stepped = next(((run_id, stepped) for run_id, stepped in curves if stepped), (None, None))
    session.expect(run_id, f"none of the {len(train_ids)} train runs logged a metric at several steps")
    session.open(f"/runs/{urllib.parse.quote(run_id)}")
    shown = settled(session, lambda: {chart.get_attribute("data-metric")
                                      for chart in session.all("#charts figure.chart")}, "read the charts")
    session.expect(shown == stepped, f"charts for {sorted(shown)} on the run page, expected {sorted(stepped)}")
    paths = [item["path"] for item in session.api(f"/api/runs/{run_id}")["run"].get("inputs", [])]
    lineage = text_of(session, "#lineage")
    session.expect(paths and any(path in lineage for path in paths),
                   f"#lineage does not show the run's data {paths}: '{lineage}'")
    scroll_to(session, "#charts")
    session.screenshot("run.png")


def scroll_to(session, selector):
    """Brings `selector` to the top of the window, so the screenshot shows it."""
    session.driver.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)


def model_path(session):
    return "/models/" + urllib.parse.quote(session.options.model, safe="")


def check_read_only(session):
    session.open(model_path(session))
    session.wait_for("#read-only")
    session.expect(not session.exists("form#promote"), "form#promote shown without the token")
    status = session.driver.execute_async_script(
        """
        const [path, version, done] = arguments;
        fetch(path + '/promote', {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({alias: 'production', version: version})})
          .then((answer) => done(answer.status), (error) => done('error: ' + error));
        """,
        "/api" + model_path(session), session.options.promote_version)
    session.expect(status == 403, f"a promote without the token answered {status}, expected 403")
    # Chromium logs the refused request as a console error: that one is expected.
    session.audit(expected_errors=["/promote - Failed to load resource: the server responded with a status of 403"])


def check_promote(session):
    options = session.options
    session.driver.get(f"{session.base}{model_path(session)}?token={urllib.parse.quote(options.token)}")
    form = session.wait_for("form#promote")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(session.driver.current_url).query)
    session.expect("token" not in query, f"the token stays in {session.driver.current_url}")
    mode = text_of(session, "header .mode")
    session.expect(mode == "can promote", f"header mode says '{mode}' after logging in")

    Select(form.find_element(By.NAME, "version")).select_by_value(str(options.promote_version))
    alias = form.find_element(By.NAME, "alias")
    alias.clear()
    alias.send_keys("production")
    form.find_element(By.NAME, "reason").send_keys("promoted in the browser test")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(session.driver, WAIT_SECONDS).until(EC.alert_is_present()).accept()

    # The answer is the model page with #action-result or #action-error, or the guard's #refused page.
    outcome = "#action-result, #action-error, #refused"
    try:
        WebDriverWait(session.driver, WAIT_SECONDS).until(
            lambda driver: driver.find_elements(By.CSS_SELECTOR, outcome))
    except TimeoutException:
        session.fail(f"no {outcome} after submitting form#promote; page {session.driver.current_url}")
    refused = session.all("#action-error, #refused")
    session.expect(not refused, f"the promotion from form#promote was refused at {session.driver.current_url}: "
                                f"'{refused[0].text if refused else ''}'")
    session.wait_for("#action-result")
    row = f"tr.version[data-version='{options.promote_version}'] td.aliases .alias"
    badges = settled(session, lambda: [badge.text.strip() for badge in session.all(row)], f"read '{row}'")
    session.expect("production" in badges, f"version {options.promote_version} has aliases {badges}")
    session.screenshot("model.png")
    check_marker_is_current(session)
    wait_for_poll(session)

    shown = json.loads(session.mlops("model", "show", f"{options.model}@production", "--json"))
    session.expect(shown.get("version") == options.promote_version,
                   f"`mlops model show {options.model}@production` says version {shown.get('version')}")


def check_marker_is_current(session):
    """The page's body[data-marker] is the repository's marker now: otherwise app.js's next poll re-fetches the
    page's address with GET, which for the answer to a form's POST is not a page."""
    page = session.driver.find_element(By.TAG_NAME, "body").get_attribute("data-marker")
    current = session.api("/api/changes")["marker"]
    session.expect(page == current,
                   f"{session.driver.current_url} carries data-marker '{page}' but the repository's is '{current}': "
                   f"live refresh will GET {session.driver.current_url}")


def wait_for_poll(session):
    """Waits until app.js has polled /api/changes from this page (it does every 3 s), so what the poll does is
    in the logs the next audit reads."""
    polled = "return performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/changes'))"
    try:
        WebDriverWait(session.driver, LIVE_REFRESH_SECONDS).until(lambda driver: driver.execute_script(polled))
    except TimeoutException:
        session.fail(f"app.js did not poll /api/changes within {LIVE_REFRESH_SECONDS} s")


def check_pipeline(session):
    session.open("/pipeline")
    has_pipeline = os.path.exists(os.path.join(session.options.repository, "mlops.yaml"))
    if has_pipeline:
        drawn = len(session.all("svg#dag g.stage"))
        listed = len(session.all("table#stages tr.stage"))
        session.expect(drawn > 0 and drawn == listed, f"{drawn} stages drawn, {listed} listed")
    else:
        text = text_of(session, "main#main")
        session.expect("has no mlops.yaml" in text, f"no pipeline, but the page says '{text}'")
    session.screenshot("pipeline.png")


def check_data(session):
    session.open("/data")
    targets = session.all("table#tracked tr.target")
    session.expect(len(targets) >= 1, "no tracked target on the data page")
    session.screenshot("data.png")


def check_serving(session):
    session.open("/serving")
    main = session.wait_for("main#main")
    session.expect(main.find_elements(By.CSS_SELECTOR, "h1"), "the serving page has no heading")
    session.expect(session.exists("table#serving") or session.exists("#no-traffic"),
                   "the serving page has neither table#serving nor #no-traffic")
    if session.exists("table#serving"):
        session.expect(session.exists("figure.chart"), "traffic is listed but no figure.chart drawn")
    session.screenshot("serving.png")


def check_live_refresh(session):
    session.open("/")
    before = len(run_rows(session))
    # A reload would drop this: the row must come from app.js swapping main.
    session.driver.execute_script("window.stillTheSamePage = true")
    recorded = json.loads(session.mlops("run", "--json", "--name", "live-refresh", "--", "true"))["run_id"]
    row = f"table#runs tbody tr.run[data-id='{recorded}']"
    try:
        WebDriverWait(session.driver, LIVE_REFRESH_SECONDS).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, row)))
    except TimeoutException:
        session.fail(f"run {recorded} not shown {LIVE_REFRESH_SECONDS} s after it was recorded ({before} rows)")
    # Rows are replaced as main is swapped: a row read mid-swap is read again.
    name = WebDriverWait(session.driver, WAIT_SECONDS, ignored_exceptions=[WebDriverException]).until(
        lambda driver: name_of(driver.find_element(By.CSS_SELECTOR, row)))
    session.expect(name == "live-refresh", f"the new run's row is named '{name}'")
    session.expect(session.driver.execute_script("return window.stillTheSamePage === true"),
                   "the page was reloaded instead of refreshed in place")
    after = len(run_rows(session))
    session.expect(after == before + 1, f"{after} rows after one new run, {before} before")
    session.screenshot("live.png")


CHECKS = [
    ("runs", check_runs),
    ("filter", check_filter),
    ("compare", check_compare),
    ("run", check_run),
    ("read-only", check_read_only),
    ("promote", check_promote),
    ("pipeline", check_pipeline),
    ("data", check_data),
    ("serving", check_serving),
    ("live", check_live_refresh),
]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the dashboard, http://127.0.0.1:PORT")
    parser.add_argument("--token", required=True)
    parser.add_argument("--screenshots", required=True, help="a directory for the PNG files")
    parser.add_argument("--mlops", required=True, help="the mlops executable")
    parser.add_argument("--repository", required=True, help="the repository the dashboard serves")
    parser.add_argument("--expect-runs", type=int, required=True, help="how many runs it holds (at most one page)")
    parser.add_argument("--model", required=True, help="a registered model")
    parser.add_argument("--promote-version", type=int, required=True, help="the version to promote to production")
    return parser.parse_args()


def main():
    options = parse_arguments()
    os.makedirs(options.screenshots, exist_ok=True)
    session = Session(options)
    try:
        for name, body in CHECKS:
            with session.check(name):
                body(session)
    except CheckFailed as failure:
        print(failure, file=sys.stderr)
        save_failure(session)
        return 1
    except Exception as error:  # a Selenium error mid-check is a failure of that check, not a crash
        print(f"check '{session.current}' failed: {type(error).__name__}: {error}", file=sys.stderr)
        save_failure(session)
        return 1
    finally:
        session.driver.quit()
    print(json.dumps({"passed": True, "checks": session.checks, "screenshots": session.screenshots,
                      "requests": session.requests}))
    return 0


def save_failure(session):
    path = os.path.join(session.options.screenshots, "failure.png")
    try:
        session.driver.save_screenshot(path)
        print(f"screenshot: {path}; page: {session.driver.current_url}", file=sys.stderr)
    except WebDriverException as error:
        print(f"no failure screenshot: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
