"""End-to-end tests: a real `scs serve` (real worker processes, a real SQLite file) driven by the
official Python MCP client. The server binary comes from $SCS_BIN (default .build/debug/scs)."""
import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SCS_BIN", os.path.join(ROOT, ".build", "debug", "scs"))


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="scs-e2e-")
        atexit.register(shutil.rmtree, self.dir, True)  # whatever a test leaves goes when the run ends
        self.env_file = os.path.join(self.dir, "scs.env")
        self.log_path = os.path.join(self.dir, "serve.log")
        self.env = dict(os.environ, HOME=self.dir, SCS_DATA_DIR=os.path.join(self.dir, "data"),
                        SCS_ENV_FILE=self.env_file, SCS_SEARCH_WORKERS="2", LOG_LEVEL="INFO",
                        SCS_SWEEP_INTERVAL="0.3")
        subprocess.run([BIN, "setup", "--env-file", self.env_file], env=self.env, check=True, capture_output=True)
        self.secrets = dict(line.split("=", 1) for line in open(self.env_file).read().splitlines() if "=" in line)
        self.api_key = self.secrets["API_KEY"]
        self.process = None
        self.url = None

    def start(self):
        self.log = open(self.log_path, "ab")
        offset = self.log.tell()
        self.process = subprocess.Popen([BIN, "serve", "--port", "0"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            match = re.search(r'address"?[=:]"?(http://127\.0\.0\.1:\d+)', open(self.log_path).read()[offset:])
            if match and self.health(match.group(1)).get("status") == "healthy":
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                raise RuntimeError("scs serve exited:\n" + open(self.log_path).read())
            time.sleep(0.05)
        raise RuntimeError("scs serve did not become healthy:\n" + open(self.log_path).read())

    def health(self, url):
        try:
            request = urllib.request.Request(url + "/health", headers={"X-API-Key": self.api_key})
            with urllib.request.urlopen(request, timeout=2) as response:
                return json.loads(response.read())
        except Exception as error:  # 503 while workers start
            return {"error": str(error)}

    @property
    def mcp_url(self):
        return self.url + "/mcp/"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def restart(self):
        self.stop()
        self.start()

    def log_text(self):
        return open(self.log_path).read()


@pytest.fixture(scope="session")
def server():
    srv = Server()
    srv.start()
    yield srv
    srv.stop()
    assert srv.process.returncode == 0, srv.log_text()[-3000:]
    shutil.rmtree(srv.dir, ignore_errors=True)


async def until(what, predicate, timeout=30):
    """Waits for an event the test expects, with a deadline: `predicate` is checked every 20 ms
    (the event loop keeps running meanwhile)."""
    import asyncio
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.02)


async def until_counts(server, what, predicate, timeout=30):
    """Waits until the server's live counts (/health "limits": long_polls, sse_streams,
    subscriptions, ...) pass `predicate`."""
    import asyncio
    deadline = time.time() + timeout
    while True:
        limits = (await asyncio.to_thread(server.health, server.url)).get("limits", {})
        if limits and predicate(limits):
            return limits
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting until {what}: {limits}")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def connect(server, headers=None, message_handler=None):
    """An initialized MCP client session (the official client, Streamable HTTP)."""
    all_headers = {"X-API-Key": server.api_key}
    all_headers.update(headers or {})
    async with create_mcp_http_client(headers=all_headers) as http, streamable_http_client(server.mcp_url, http_client=http) as (read, write):
        kwargs = {"message_handler": message_handler} if message_handler else {}
        async with ClientSession(read, write, **kwargs) as session:
            await session.initialize()
            yield session


async def call(session, tool, **arguments):
    """A tool call's structured result (asserting the text content says the same)."""
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def call_raw(session, tool, **arguments):
    return await session.call_tool(tool, arguments)


async def authenticate(session, agent_id, agent_type="claude", permissions=None):
    arguments = {"agent_id": agent_id, "agent_type": agent_type}
    if permissions is not None:
        arguments["requested_permissions"] = permissions
    result = await call(session, "authenticate_agent", **arguments)
    assert result["success"], result
    return result["token"]
