"""boto3 conformance suite for `qualkit serve`.

Runs boto3's own MTurk client against the built binary (env QUALKIT_BIN, as scripts/test sets it), each
server on a temporary database and a free loopback port.
"""
import os
import pathlib
import re
import subprocess
import threading
import uuid

import boto3
import pytest
from botocore.config import Config

REPO = pathlib.Path(__file__).resolve().parents[2]


def qualkit_binary():
    env = os.environ.get("QUALKIT_BIN")
    if env:
        if not os.access(env, os.X_OK):
            pytest.exit(f"QUALKIT_BIN={env} is not an executable; build first (swift build)", returncode=2)
        return env
    for candidate in sorted(REPO.glob(".build*/debug/qualkit")):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.exit("set QUALKIT_BIN to the qualkit binary (swift build --show-bin-path)/qualkit", returncode=2)


class Server:
    """One `qualkit serve` process with its own database; the output is kept to check no secret is logged."""

    def __init__(self, directory, throttling=0.0):
        self.binary = qualkit_binary()
        self.directory = pathlib.Path(directory)
        self.db = str(self.directory / "db" / "qualkit.sqlite")
        out = self.cli("serve", "init", "--db", self.db, "--no-credentials-file")
        self.key_id = re.search(r"aws_access_key_id = (\S+)", out).group(1)
        self.secret = re.search(r"aws_secret_access_key = (\S+)", out).group(1)
        self.output = []
        self.process = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--port", "0", "--simulate-throttling", str(throttling)],
            cwd=self.directory, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = None
        for line in self.process.stdout:
            self.output.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.process.kill()
            raise RuntimeError("qualkit serve did not start:\n" + "".join(self.output))
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def _drain(self):
        for line in self.process.stdout:
            self.output.append(line)

    def cli(self, *args, check=True):
        result = subprocess.run([self.binary, *args], cwd=self.directory, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise RuntimeError(f"qualkit {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result.stdout

    def client(self, key_id=None, secret=None, retries=None):
        config = Config(retries=retries or {"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)
        return boto3.client("mturk", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key_id or self.key_id, aws_secret_access_key=secret or self.secret,
                            config=config)

    def new_key(self, requester="default"):
        out = self.cli("keys", "create", "--db", self.db, "--requester", requester)
        return (re.search(r"aws_access_key_id = (\S+)", out).group(1),
                re.search(r"aws_secret_access_key = (\S+)", out).group(1))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()
    logged = "".join(s.output)
    assert s.secret not in logged, "the server logged an access key secret"


@pytest.fixture()
def mturk(server):
    return server.client()


@pytest.fixture()
def name():
    return f"Conformance {uuid.uuid4().hex[:10]}"


def sample(path):
    return (REPO / "SampleForms" / path).read_text(encoding="utf-8")
