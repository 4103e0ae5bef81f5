"""An S3 API server for the remote tests: moto (an independent implementation of S3 that checks Signature V4)
behind a small proxy that counts requests and injects faults.

Prints one JSON line: {"endpoint": proxy URL, "direct": moto URL, "bucket", "access_key_id", "secret_access_key"},
then obeys one command per line on standard input, answering each with one JSON line:
  fail N     answer the next N requests with 503 SlowDown (they never reach moto)
  down       stop accepting connections (as if the server stopped)
  up         accept connections again
  count      {"requests": total, "by_method": {...}} since the last reset
  reset      zero the counts
Moto keeps everything in memory, so objects survive `down`/`up` (only the proxy stops).
"""
import http.client
import json
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The first four actions (user, key, policy, bucket) are made without credentials; then moto enforces them.
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"
import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
moto.start()
moto_host, moto_port = moto.get_host_and_port()
direct = f"http://{moto_host}:{moto_port}"
iam = boto3.client("iam", endpoint_url=direct, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam.create_user(UserName="mlops")
key = iam.create_access_key(UserName="mlops")["AccessKey"]
iam.put_user_policy(
    UserName="mlops", PolicyName="s3",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
boto3.client(
    "s3", endpoint_url=direct, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
    aws_secret_access_key=key["SecretAccessKey"]).create_bucket(Bucket="mlops-test")

lock = threading.Lock()
state = {"fail": 0, "requests": 0, "by_method": {}, "down": False}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        if state["down"]:
            # A stopped server: kept-alive connections are cut without an answer.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            state["requests"] += 1
            state["by_method"][self.command] = state["by_method"].get(self.command, 0) + 1
            failing = state["fail"] > 0
            if failing:
                state["fail"] -= 1
        if failing:
            payload = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
            self.send_response(503)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        connection = http.client.HTTPConnection(moto_host, moto_port, timeout=60)
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in ("connection", "keep-alive", "transfer-encoding"):
                connection.putheader(name, value)
        if body and "Content-Length" not in self.headers:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        connection.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


class Server(ThreadingHTTPServer):
    daemon_threads = True


proxy = Server(("127.0.0.1", 0), Proxy)
proxy_port = proxy.server_address[1]
serving = threading.Thread(target=proxy.serve_forever, daemon=True)
serving.start()

print(json.dumps({
    "endpoint": f"http://127.0.0.1:{proxy_port}", "direct": direct, "bucket": "mlops-test",
    "access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"],
}), flush=True)

for line in sys.stdin:
    command = line.split()
    if not command:
        continue
    with lock:
        if command[0] == "fail":
            state["fail"] = int(command[1])
        elif command[0] == "reset":
            state["requests"] = 0
            state["by_method"] = {}
    if command[0] == "down":
        state["down"] = True
        proxy.shutdown()
        proxy.server_close()
    elif command[0] == "up":
        state["down"] = False
        proxy = Server(("127.0.0.1", proxy_port), Proxy)
        serving = threading.Thread(target=proxy.serve_forever, daemon=True)
        serving.start()
    with lock:
        print(json.dumps({"requests": state["requests"], "by_method": state["by_method"], "fail": state["fail"]}), flush=True)
moto.stop()
