"""Runs a CI file's shell steps in order, as GitHub Actions or GitLab CI would for one event, in a checkout.

Usage: run_ci.py github|gitlab CI_FILE EVENT CHECKOUT SETTINGS_JSON
  EVENT: main (a push to the default branch) or review (a pull or merge request into it)
  SETTINGS_JSON: {"secrets": {...}, "variables": {"branch": ...}} — secrets for ${{ secrets.X }} (GitHub) and
  CI/CD variables (GitLab), and the branch under review.

Only what the examples use is understood; anything else (another key, another `if:` form, an expression in a
script) fails the run, so an example cannot grow a step this runner silently skips or runs differently. `uses:` steps are not run: they are listed
with their inputs. A GitLab API receiver on 127.0.0.1 stands in for $CI_API_V4_URL and records every request.
Prints one JSON document: the steps (name, status, exit code, output) and the API requests received.
"""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse

import yaml

system, ci_file, event, checkout, settings = sys.argv[1:6]
settings = json.loads(settings)
document = yaml.safe_load(open(ci_file))
steps = []
received = []


def fail(message):
    print(json.dumps({"steps": steps, "received": received, "error": message}))
    sys.exit(1)


def run_shell(name, script, environment):
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=checkout, env=environment, capture_output=True, text=True, timeout=600)
    steps.append({"name": name, "status": "ran", "exit": result.returncode,
                  "output": result.stdout + result.stderr})
    if result.returncode != 0:
        fail(f"step '{name}' exited {result.returncode}")


def head():
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True).stdout.strip()


def only(keys, allowed, where):
    unknown = sorted(set(keys) - set(allowed))
    if unknown:
        fail(f"{where} uses {', '.join(unknown)}, which this runner does not understand")


def github():
    context = {"github.event_name": "pull_request" if event == "review" else "push",
               "github.ref": "refs/pull/1/merge" if event == "review" else "refs/heads/main"}

    def expand(text):
        def value(match):
            expression = match.group(1).strip()
            if expression.startswith("secrets."):
                return settings["secrets"][expression[len("secrets."):]]
            fail(f"unknown expression ${{{{ {expression} }}}}")
        return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))

    def condition(text):
        match = re.fullmatch(r"\s*([\w.]+)\s*==\s*'([^']*)'\s*", text)
        if not match or match.group(1) not in context:
            fail(f"unknown condition: {text}")
        return context[match.group(1)] == match.group(2)

    runner = tempfile.mkdtemp()
    environment = dict(os.environ)
    environment.update({
        "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": checkout, "RUNNER_TEMP": runner,
        "GITHUB_EVENT_NAME": context["github.event_name"], "GITHUB_REF": context["github.ref"],
        "GITHUB_SHA": head(), "GITHUB_ENV": os.path.join(runner, "env"), "GITHUB_PATH": os.path.join(runner, "path"),
    })
    if event == "review":
        environment.update({"GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": settings["variables"]["branch"]})
    environment.update({key: expand(value) for key, value in (document.get("env") or {}).items()})
    only(document, {"name", "on", True, "permissions", "env", "jobs"}, "the workflow")
    for job in document["jobs"].values():
        only(job, {"runs-on", "steps", "env"}, "a job")
        environment.update({key: expand(value) for key, value in (job.get("env") or {}).items()})
        for number, step in enumerate(job["steps"]):
            only(step, {"name", "if", "uses", "with", "run"}, f"step {number + 1}")
            name = step.get("name") or step.get("uses") or f"step {number + 1}"
            if "if" in step and not condition(step["if"]):
                steps.append({"name": name, "status": "skipped"})
                continue
            if "uses" in step:
                steps.append({"name": name, "status": "uses", "uses": step["uses"],
                              "with": {key: str(value) for key, value in (step.get("with") or {}).items()}})
                continue
            if "${{" in step["run"]:
                fail(f"step '{name}' uses an expression in its script; use the environment instead")
            run_shell(name, step["run"], environment)
            # What the step wrote to $GITHUB_ENV and $GITHUB_PATH holds for the steps after it.
            if os.path.exists(environment["GITHUB_ENV"]):
                for line in open(environment["GITHUB_ENV"]):
                    if "=" in line:
                        key, value = line.rstrip("\n").split("=", 1)
                        environment[key] = value
            if os.path.exists(environment["GITHUB_PATH"]):
                for line in open(environment["GITHUB_PATH"]):
                    environment["PATH"] = line.strip() + ":" + environment["PATH"]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        received.append({"path": self.path, "token": self.headers.get("PRIVATE-TOKEN"),
                         "form": dict(urllib.parse.parse_qsl(body))})
        answer = b'{"id": 1}'
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *arguments):
        pass


def gitlab():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    variables = {
        "CI": "true", "GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_SHA": head(),
        "CI_PROJECT_DIR": checkout, "CI_PROJECT_ID": "7", "CI_SERVER_HOST": "gitlab.test",
        "CI_PROJECT_PATH": "group/mpg", "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4",
    }
    if event == "review":
        variables.update({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "1",
                          "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
                          "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": settings["variables"]["branch"]})
    else:
        variables.update({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"})
    variables.update(settings["secrets"])
    for key, value in (document.get("variables") or {}).items():
        variables.setdefault(key, str(value))
    environment = dict(os.environ)
    environment.update(variables)

    def condition(text):
        def operand(token):
            token = token.strip()
            if token.startswith("$"):
                return variables.get(token[1:])
            if len(token) >= 2 and token[0] == token[-1] == '"':
                return token[1:-1]
            fail(f"unknown operand in rule: {token}")
        parts = text.split("==")
        if len(parts) != 2:
            fail(f"unknown rule: {text}")
        return operand(parts[0]) == operand(parts[1])

    only(document.get("default") or {}, {"image", "before_script"}, "default:")
    before = (document.get("default") or {}).get("before_script", [])
    reserved = {"default", "variables", "stages"}
    jobs = [(name, job) for name, job in document.items() if name not in reserved]
    order = document.get("stages", ["build", "test", "deploy"])
    jobs.sort(key=lambda item: order.index(item[1].get("stage", "test")))
    for name, job in jobs:
        only(job, {"stage", "rules", "script", "before_script", "artifacts"}, f"job '{name}'")
        rules = job.get("rules")
        if rules is not None and not any("if" in rule and condition(rule["if"]) for rule in rules):
            steps.append({"name": name, "status": "skipped"})
            continue
        # A job's before_script and script run as one shell session, stopping at the first failing line.
        lines = job.get("before_script", before) + job["script"]
        if not all(isinstance(line, str) for line in lines):
            fail(f"job '{name}' has a script line YAML reads as a mapping (a ': ' in it): quote it or use >-")
        run_shell(name, "\n".join(lines), environment)
    server.shutdown()


{"github": github, "gitlab": gitlab}[system]()
print(json.dumps({"steps": steps, "received": received}))
