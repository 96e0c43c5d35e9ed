"""Every `/ui` route and every `/ws` message type driven with hostile input — Markdown built to be
slow, control characters, huge and odd values, floods, a slow sender, stale credentials — against
one real `scs serve`; afterwards no process restarted, memory stayed bounded, and a normal page and
a normal call still work."""
import json
import re
import socket
import time
import urllib.parse
import urllib.request

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from dashboard import PASSWORD, Agent, Browserless, dashboard_server, receive, ws_url
from test_trust import rss_kib

HOSTILE = ["\x00", "\r\nX-Injected: 1", "%00", "../../etc/passwd", "<script>alert(1)</script>", "'\"><svg onload=1>",
           "9" * 40, "-1", "\u202e\u2028", "x" * 20_000, "%ff%fe", "[]", "{}"]

MARKDOWN = [
    "```\n" + "x\n" * 40_000,
    "- i\n" * 24_000,
    "> " * 30_000,
    "*_" * 25_000 + "_*" * 24_000,
    "[" * 50_000 + "](" * 20_000,
    "`" * 99_000,
    "**" * 49_000,
    "#" * 99_000,
    "1. " * 33_000,
    "[a](http://127.0.0.1:1/x) " * 3_000,
    "\x00\x01\x1b[31m\r\n" * 10_000,
]


def worker_pids(srv):
    request = urllib.request.Request(srv.url + "/health", headers={"X-API-Key": srv.api_key})
    with urllib.request.urlopen(request, timeout=10) as response:
        health = json.loads(response.read())
    return sorted((w["role"], w["pid"], w["restarts"]) for w in health["workers"])


def test_every_route_and_message_type_survives_hostile_input():
    srv = dashboard_server(SCS_HTTP_REQUEST_TIMEOUT="3")
    try:
        before_workers = worker_pids(srv)
        before_rss = rss_kib(srv.process.pid)
        agent = Agent(srv, "hostile-ui")
        session = agent.session("hostile dashboard")
        for text in MARKDOWN:
            assert agent.post(session, text[:100_000])
        agent.call("set_memory", key="big", value="<" * 500_000, session_id=session)
        operator = Browserless(srv)
        assert operator.sign_in(password=PASSWORD)[0] == 303
        viewer = Browserless(srv)
        assert viewer.sign_in(token=agent.token)[0] == 303
        quoted = [urllib.parse.quote(value, safe="") for value in HOSTILE]

        # Every GET route, with hostile path parts and query values, as both viewers and as nobody.
        paths = ["/ui/", "/ui/login", f"/ui/sessions/{session}", f"/ui/sessions/{session}/messages", "/ui/memory",
                 "/ui/memory/value", "/ui/agents", "/ui/health", "/ui/audit", "/ui/connect", "/ui/static/app.js"]
        for value in quoted:
            paths += [f"/ui/?q={value}&state={value}&page={value}", f"/ui/sessions/{value}",
                      f"/ui/sessions/{session}?visibility={value}&before={value}", f"/ui/sessions/{session}/messages?after={value}",
                      f"/ui/memory?scope={value}&page={value}", f"/ui/memory/value?agent={value}&key={value}&session={value}",
                      f"/ui/audit?agent={value}&session={value}&type={value}", f"/ui/login?next={value}", f"/ui/static/{value}"]
        for client in (operator, viewer, Browserless(srv)):
            for path in paths:
                status, headers, page = client.request(path)
                assert status in (200, 302, 303, 400, 401, 403, 404, 503), (path[:80], status)
                assert "<script>alert" not in page and "<svg onload" not in page
                assert "X-Injected" not in json.dumps(dict(headers))
        # The slow-Markdown session renders whole, and quickly enough to be a page.
        status, headers, page = operator.request(f"/ui/sessions/{session}")
        assert status == 200 and float(headers["Server-Timing"].split("=")[1]) < 10_000

        # Every POST route: no CSRF, a wrong one, hostile fields, and a body over the limit.
        csrf = operator.csrf()
        posts = ["/ui/login", "/ui/logout", "/ui/logout-everywhere", f"/ui/sessions/{session}/messages", "/ui/workers/restart", "/ui/api-key"]
        for path in posts:
            for fields in ({}, {"csrf": "forged"}, {"csrf": csrf + "\x00"}):
                status, _, _ = viewer.request(path, fields)
                assert status in (303, 400, 401, 403), (path, fields, status)
            for value in HOSTILE:
                status, _, _ = viewer.request(path, {"csrf": value, "role": value, "content": value, "visibility": value,
                                                     "password": value, "token": value, "nonce": value})
                assert status in (303, 400, 401, 403, 413, 429), (path, status)
            status, _, _ = viewer.request(path, b"content=" + b"x" * (600 * 1024),
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert status in (303, 400, 401, 403, 413, 429), (path, status)
        for value in ["\x00\x01", "<script>", "x" * 99_000]:
            status, _, _ = operator.request(f"/ui/sessions/{session}/messages", {"csrf": csrf, "content": value, "visibility": "public"})
            assert status in (303, 400)
        status, _, _ = operator.request("/ui/workers/restart", {"csrf": csrf, "role": "supervisor"})
        assert status == 400

        # A slow sender on the sign-in form is cut off.
        host, port = srv.url.replace("http://", "").split(":")
        slow = socket.create_connection((host, int(port)), timeout=30)
        slow.sendall(b"POST /ui/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nn")
        slow.settimeout(40)
        assert slow.recv(65536) == b""  # closed by the server (3 s per stretch here)
        slow.close()

        # Every /ws message type, hostile: odd JSON, wrong types, huge numbers, binary, oversized, a flood.
        messages = ["subscribe:" + session, "ping", "", "null", "[]", '{"type": 1}', '{"type": "subscribe", "after_id": "x"}',
                    '{"type": "subscribe", "after_id": -5}', '{"type": "subscribe", "after_id": 1e308}',
                    '{"type": "subscribe", "after_id": 99999999999999999999999}', '{"type": "ping"}', '{"type": "\x00"}',
                    '{"type": "dance"}', '{' * 5000]
        with ws_connect(ws_url(srv, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {agent.token}"}) as feed:
            for message in messages:
                feed.send(message)
            seen = []
            try:
                while len(seen) < 200:
                    seen.append(feed.recv(timeout=3))
            except TimeoutError:
                pass
            assert any("subscribed" in item for item in seen)
        for payload in (b"\x00binary", "y" * 70_000):
            with ws_connect(ws_url(srv, session), open_timeout=5, max_size=None,
                            additional_headers={"Authorization": f"Bearer {agent.token}"}) as feed:
                feed.send(payload)
                try:
                    while True:
                        feed.recv(timeout=5)
                except ConnectionClosed as closed:
                    assert closed.rcvd.code in (1009, 4400)
        with ws_connect(ws_url(srv, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {agent.token}"}) as feed:
            try:
                for _ in range(500):
                    feed.send('{"type": "ping"}')
                while True:
                    feed.recv(timeout=5)
            except ConnectionClosed as closed:
                assert closed.rcvd.code == 4400 and "slow down" in closed.rcvd.reason
        # Stale credentials: a revoked token neither upgrades nor subscribes.
        stale = Agent(srv, "stale-ui")
        stale.call("revoke_token", token=stale.token)
        try:
            ws_connect(ws_url(srv, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {stale.token}"})
            raise AssertionError("a revoked token upgraded")
        except InvalidStatus:
            pass
        with ws_connect(ws_url(srv, session), open_timeout=5) as feed:
            feed.send(json.dumps({"type": "subscribe", "auth_token": stale.token}))
            try:
                feed.recv(timeout=5)
                raise AssertionError("a revoked token subscribed")
            except ConnectionClosed as closed:
                assert closed.rcvd.code == 4401

        # Nothing restarted, memory stayed bounded, and a normal page and call still work.
        assert worker_pids(srv) == before_workers
        assert srv.process.poll() is None
        assert rss_kib(srv.process.pid) - before_rss < 300 * 1024, rss_kib(srv.process.pid) - before_rss
        fresh = Browserless(srv)
        time.sleep(0)  # (a new client: the hostile ones may be throttled)
        assert fresh.sign_in(token=Agent(srv, "after-all").token)[0] in (303, 429)
        status, _, page = operator.request("/ui/")
        assert status == 200 and "hostile dashboard" in page
        assert agent.post(session, "still working")
        assert re.search(r"still working", operator.request(f"/ui/sessions/{session}")[2])
    finally:
        srv.stop()
    assert srv.process.returncode == 0
