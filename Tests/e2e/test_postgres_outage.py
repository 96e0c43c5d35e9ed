"""PostgreSQL restarts under load: two `scs serve` nodes on a private cluster of their own (started
durable: a commit is acknowledged only once it is on disk) keep four writers posting while the
server is killed as a crash would kill it and started again two seconds later. Calls made during
the outage get a retryable DATABASE_UNAVAILABLE (or, before a tool runs, a 503 with Retry-After)
within about POSTGRESQL_TIMEOUT, never a hang;
both nodes recover by themselves; every acknowledged message is in the database afterwards."""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from rawhttp import initialize, post
from test_postgres import call, node, remove_node_directories  # noqa: F401 (autouse: removes the nodes' directories)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster")


@pytest.fixture
def cluster():
    directory = tempfile.mkdtemp(prefix="scs-pg-outage-")
    started = subprocess.run([CLUSTER, "start", directory], env=dict(os.environ, PG_CLUSTER_DURABLE="1"),
                             capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail("cannot start a private PostgreSQL cluster: " + started.stderr)
    yield directory, started.stdout.strip()
    subprocess.run([CLUSTER, "stop", directory], capture_output=True)
    shutil.rmtree(directory, ignore_errors=True)


class Writer(threading.Thread):
    """Posts `name-1`, `name-2`, … to one session through one node until stopped, keeping what
    was acknowledged and every refusal."""

    def __init__(self, srv, token, session, name):
        super().__init__(daemon=True)
        self.srv, self.token, self.session, self.name = srv, token, session, name
        self.sid, _ = initialize(srv)
        self.acked, self.refusals, self.broken, self.slowest = [], [], [], 0.0
        self.stopping = threading.Event()

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            content = f"{self.name}-{n}"
            body = {"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {"name": "add_message", "arguments": {
                "session_id": self.session, "content": content, "auth_token": self.token}}}
            started = time.monotonic()
            try:
                status, headers, raw = post(self.srv, body, headers={"Mcp-Session-Id": self.sid})
            except Exception as error:  # the node itself must never stop answering
                self.broken.append(repr(error))
                continue
            self.slowest = max(self.slowest, time.monotonic() - started)
            if status == 200:
                result = json.loads(raw)["result"]["structuredContent"]
                if result.get("success"):
                    self.acked.append((result["message_id"], content))
                else:
                    self.refusals.append((result.get("code"), result.get("recoverable"), result.get("retry_after")))
            else:
                self.refusals.append((f"HTTP {status}", status == 503, headers.get("Retry-After")))
            time.sleep(0.01)


def rows(url, session):
    out = subprocess.run(["psql", url, "-tAF", "\t", "-c", f"SELECT id, content FROM messages WHERE session_id = '{session}'"],
                         check=True, capture_output=True, text=True).stdout
    return [(int(line.split("\t")[0]), line.split("\t", 1)[1]) for line in out.splitlines() if line]


def test_a_postgresql_restart_mid_load_loses_no_acknowledged_write(cluster):
    directory, url = cluster
    # POSTGRESQL_TIMEOUT=1: a call that waits a second for the database answers DATABASE_UNAVAILABLE.
    a = node(url, POSTGRESQL_TIMEOUT="1")
    b = node(url, like=a, POSTGRESQL_TIMEOUT="1")
    writers = []
    try:
        sid, _ = initialize(a)
        token = call(a, sid, "authenticate_agent", agent_id="outage-writer", agent_type="claude")["token"]
        session = call(a, sid, "create_session", purpose="outage", auth_token=token)["session_id"]
        writers = [Writer(n, token, session, f"w{i}") for i, n in enumerate([a, b, a, b])]
        for w in writers:
            w.start()
        deadline = time.time() + 30
        while min(len(w.acked) for w in writers) < 5:
            assert time.time() < deadline, "the writers never got going"
            time.sleep(0.05)

        subprocess.run([CLUSTER, "restart", directory, "2"], check=True, capture_output=True)
        before = [len(w.acked) for w in writers]
        deadline = time.time() + 30
        while any(len(w.acked) < seen + 5 for w, seen in zip(writers, before)):
            assert time.time() < deadline, f"a node did not recover: {[(len(w.acked), w.refusals[-3:]) for w in writers]}"
            time.sleep(0.05)
        for w in writers:
            w.stopping.set()
        for w in writers:
            w.join(timeout=40)

        refusals = [r for w in writers for r in w.refusals]
        assert all(not w.broken for w in writers), [w.broken for w in writers]
        assert len(refusals) >= len(writers), "not every writer met the outage"
        # No call hangs: one in flight when the server died fails when its connection is seen
        # closed, one that waits for a connection fails after POSTGRESQL_TIMEOUT.
        assert max(w.slowest for w in writers) < 5, [w.slowest for w in writers]
        assert all(code in ("DATABASE_UNAVAILABLE", "HTTP 503") and recoverable and retry for code, recoverable, retry in refusals), \
            sorted(set(map(str, refusals)))
        stored = dict(rows(url, session))
        acked = [m for w in writers for m in w.acked]
        missing = [m for m in acked if stored.get(m[0]) != m[1]]
        assert not missing, f"{len(missing)} of {len(acked)} acknowledged writes are gone: {missing[:5]}"

        # Both nodes are whole again without a restart: healthy, hearing each other, searching.
        for n in (a, b):
            assert n.process.poll() is None
            deadline = time.time() + 15
            while n.health(n.url).get("peers", {}).get("connections", 0) < 2 or n.health(n.url)["status"] != "healthy":
                assert time.time() < deadline, n.health(n.url)
                time.sleep(0.1)
        last = acked[-1]
        call(a, sid, "add_message", session_id=session, content="after the outage the zebra returned", auth_token=token)
        found = call(b, sid, "search_context", session_id=session, query="zebra returned", auth_token=token)
        assert found["success"] and found["results"][0]["message"]["content"] == "after the outage the zebra returned"
        assert last[0] in stored
    finally:
        for w in writers:
            w.stopping.set()
        a.stop()
        b.stop()
    assert a.process.returncode == 0 and b.process.returncode == 0
