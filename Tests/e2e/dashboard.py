"""Helpers for the dashboard tests: a server with a dashboard password, sign-in over plain HTTP
(cookies kept per client), agents made over MCP, and WebSocket clients."""
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import Server
from rawhttp import initialize, tool

PASSWORD = "operator-pass-1234"


def dashboard_server(**env):
    srv = Server()
    srv.env.update(ADMIN_PASSWORD=PASSWORD, **env)
    srv.start()
    return srv


@pytest.fixture(scope="module")
def dash():
    """A dashboard server for one test module; it must stop cleanly and never log the password."""
    srv = dashboard_server()
    yield srv
    srv.stop()
    assert srv.process.returncode == 0, srv.log_text()[-3000:]
    assert PASSWORD not in srv.log_text()


class Browserless:
    """A cookie-keeping HTTP client that does not follow redirects (so each one can be checked)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, server):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect)

    def request(self, path, data=None, headers=None, method=None):
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(self.server.url + path, data=body, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def sign_in(self, password=None, token=None):
        status, _, page = self.request("/ui/login")
        assert status == 200, page
        nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
        fields = {"nonce": nonce, "next": "/ui/"}
        fields.update({"password": password} if password is not None else {"token": token})
        return self.request("/ui/login", fields)

    def csrf(self, path="/ui/"):
        status, _, page = self.request(path)
        assert status == 200, page
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


class Agent:
    """An agent made over MCP (raw JSON-RPC): its token, and calls with it."""

    def __init__(self, server, agent_id, permissions=("read", "write"), agent_type="claude"):
        self.server = server
        self.sid, _ = initialize(server)
        result = self.call("authenticate_agent", agent_id=agent_id, agent_type=agent_type, requested_permissions=list(permissions))
        self.token = result["token"]
        self.agent_id = agent_id

    def call(self, name, **arguments):
        if hasattr(self, "token") and "auth_token" not in arguments and name != "authenticate_agent":
            arguments["auth_token"] = self.token
        answer = tool(self.server, self.sid, name, arguments)
        return answer.get("structuredContent") or json.loads(answer["content"][0]["text"])

    def session(self, purpose="dashboard test"):
        return self.call("create_session", purpose=purpose)["session_id"]

    def post(self, session_id, content, visibility="public", **extra):
        result = self.call("add_message", session_id=session_id, content=content, visibility=visibility, **extra)
        assert result.get("success"), result
        return result["message_id"]


def ws_url(server, session_id):
    return server.url.replace("http://", "ws://") + "/ws/" + session_id


def receive(socket, timeout=5):
    return json.loads(socket.recv(timeout=timeout))


def receive_until(socket, wanted, timeout=5):
    """Messages until one of type `wanted` (returned with those seen before it)."""
    seen = []
    while True:
        message = receive(socket, timeout)
        seen.append(message)
        if message.get("type") == wanted:
            return message, seen
