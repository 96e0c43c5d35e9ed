"""Trust, part 1: the dashboard, the live feed and the HTTP edge against a hostile caller, each case
through a real `scs serve` (real sockets, real worker processes, a real SQLite file)."""
import concurrent.futures
import json
import os
import re
import time
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from conftest import BIN, Server
from dashboard import PASSWORD, Agent, Browserless, dash, dashboard_server, receive, ws_url  # noqa: F401 (dash is a fixture)
from rawhttp import initialize, tool


def timed_get(url, headers=None, timeout=30):
    started = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body, time.monotonic() - started


def closed_code(socket, timeout=10):
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout=timeout)
    return closed.value.rcvd.code, closed.value.rcvd.reason


def rss_kib(pid):
    return int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))


def test_markdown_built_to_be_slow_renders_fast_and_health_answers_meanwhile(dash):
    agent = Agent(dash, "slow-md")
    session = agent.session("slow markdown")
    agent.post(session, "```\n" + "x\n" * 32_000)
    agent.post(session, "- i\n" * 16_000)
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    cookie = {"Cookie": f"scs_dashboard={client.cookie('scs_dashboard')}"}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        pages = [pool.submit(timed_get, dash.url + f"/ui/sessions/{session}", cookie) for _ in range(3)]
        health = pool.submit(timed_get, dash.url + "/health")
        status, body, seconds = health.result()
        assert status == 200 and json.loads(body) == {"status": "up"}
        assert seconds < 5, seconds  # the quadratic renderer held it for 14 s
        for page in pages:
            status, body, seconds = page.result()
            assert status in (200, 503), status  # 503: more renders than the gate admits, retry
            if status == 200:
                assert body.count(b"<li>i</li>") == 16_000 and seconds < 20


def test_a_socket_that_never_subscribed_closes_when_its_token_is_revoked(dash):
    agent = Agent(dash, "unsubscribed-f")
    session = agent.session("revoked before subscribing")
    socket = ws_connect(ws_url(dash, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {agent.token}"}).__enter__()
    agent.call("revoke_token", token=agent.token)
    assert closed_code(socket) == (4401, "token revoked")


def test_a_refreshed_token_closes_the_sockets_of_the_token_it_replaced(dash):
    agent = Agent(dash, "refreshed-f")
    session = agent.session("refresh")
    socket = ws_connect(ws_url(dash, session), open_timeout=5).__enter__()
    socket.send(json.dumps({"type": "subscribe", "auth_token": agent.token}))
    assert receive(socket)["type"] == "subscribed"
    fresh = agent.call("refresh_token", current_token=agent.token)["token"]
    assert closed_code(socket)[0] == 4401
    # The new token opens a feed; the old one is refused at the upgrade.
    with ws_connect(ws_url(dash, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {fresh}"}) as again:
        again.send(json.dumps({"type": "subscribe"}))
        assert receive(again)["type"] == "subscribed"


def test_subscribe_checks_the_credential_again(dash):
    """A socket whose login ended on the server (here: deleted behind its back by signing out
    everywhere) cannot subscribe and replay history afterwards."""
    agent = Agent(dash, "resubscribe-f")
    session = agent.session("history")
    agent.post(session, "history that must not replay")
    operator = Browserless(dash)
    operator.sign_in(password=PASSWORD)
    viewer = Browserless(dash)
    viewer.sign_in(token=agent.token)
    socket = ws_connect(ws_url(dash, session), open_timeout=5, origin=dash.url,
                        additional_headers={"Cookie": f"scs_dashboard={viewer.cookie('scs_dashboard')}"}).__enter__()
    csrf = operator.csrf("/ui/health")
    status, headers, _ = operator.request("/ui/logout-everywhere", {"csrf": csrf})
    assert status == 303 and headers["Location"] == "/ui/login"
    assert closed_code(socket)[0] == 4401
    assert viewer.request("/ui/")[0] == 302 and operator.request("/ui/")[0] == 302


def test_forty_wrong_passwords_sent_together_get_five_checks_and_health_keeps_answering():
    srv = dashboard_server()
    try:
        clients = [Browserless(srv) for _ in range(40)]
        nonces = []
        for client in clients:
            page = client.request("/ui/login")[2]
            nonces.append(re.search(r'name="nonce" value="([^"]+)"', page).group(1))

        def guess(index):
            return clients[index].request("/ui/login", {"nonce": nonces[index], "password": f"wrong guess {index}"})[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
            results = list(pool.map(guess, range(40)))
            status, _, seconds = timed_get(srv.url + "/health")
        assert status == 200 and seconds < 2, seconds
        assert results.count(401) <= 5 and results.count(401) >= 1, results
        assert set(results) <= {401, 429, 503}, results
        # The operator is now throttled from this address too (the limit holds; a right password waits).
        assert clients[0].sign_in(password=PASSWORD)[0] == 429
    finally:
        srv.stop()


def test_a_short_plain_password_is_refused_at_start():
    srv = Server()
    srv.env.update(ADMIN_PASSWORD="elevenchars")
    with pytest.raises(RuntimeError) as failed:
        srv.start()
    assert "at least 12 characters" in str(failed.value)


def test_an_admin_agent_token_does_not_have_the_operators_powers(dash):
    admin_agent = Agent(dash, "admin-agent", permissions=("read", "write", "admin"), agent_type="admin")
    client = Browserless(dash)
    assert client.sign_in(token=admin_agent.token)[0] == 303
    csrf = client.csrf("/ui/connect")
    status, _, body = client.request("/ui/api-key", {"csrf": csrf})
    assert status == 403 and dash.api_key not in body
    assert client.request("/ui/workers/restart", {"csrf": csrf, "role": "search"})[0] == 403
    assert client.request("/ui/logout-everywhere", {"csrf": csrf})[0] == 403
    page = client.request("/ui/health")[2]
    assert "restart-form" not in page and "logout-everywhere" not in page
    # It still sees what an admin agent may see.
    assert "Raw health report" in page
    # The operator's password login may.
    operator = Browserless(dash)
    operator.sign_in(password=PASSWORD)
    status, _, body = operator.request("/ui/api-key", {"csrf": operator.csrf("/ui/connect")})
    assert status == 200 and json.loads(body)["api_key"] == dash.api_key


def test_links_to_this_host_are_inert_and_posts_from_elsewhere_are_refused(dash):
    agent = Agent(dash, "linker")
    session = agent.session("links")
    port = dash.url.rsplit(":", 1)[1]
    agent.post(session, f"[grab](http://127.0.0.1:{int(port) + 1}/steal) [same](http://localhost:{port}/ui/) "
                        "[decimal](http://2130706433:8080/) [fine](https://example.org/page)")
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    page = client.request(f"/ui/sessions/{session}")[2]
    assert 'href="http://127.0.0.1' not in page and 'href="http://localhost' not in page and 'href="http://2130706433' not in page
    assert page.count('class="inert-link"') == 3 and 'href="https://example.org/page"' in page
    # A POST from another site (or that a browser marks cross-site) is refused, sign-in included.
    nonce_page = Browserless(dash)
    page = nonce_page.request("/ui/login")[2]
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}):
        status, _, _ = nonce_page.request("/ui/login", {"nonce": nonce, "password": PASSWORD}, headers=headers)
        assert status == 403, headers
        assert client.request(f"/ui/sessions/{session}/messages", {"content": "x", "csrf": client.csrf()}, headers=headers)[0] == 403
    status, _, _ = nonce_page.request("/ui/login", {"nonce": nonce, "password": PASSWORD},
                                      headers={"Origin": dash.url, "Sec-Fetch-Site": "same-origin"})
    assert status == 303


def test_dashboard_hosts_refuses_other_host_names_and_secure_cookies_are_host_prefixed():
    srv = dashboard_server(DASHBOARD_HOSTS="127.0.0.1", DASHBOARD_SECURE_COOKIE="true")
    try:
        client = Browserless(srv)
        assert client.request("/ui/login", headers={"Host": "rebound.example"})[0] == 421
        # (The cookie jar keeps Secure cookies from plain http: the nonce goes by hand.)
        status, headers, page = client.request("/ui/login")
        assert status == 200 and "Secure" in headers["Set-Cookie"]
        nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
        status, headers, _ = client.request("/ui/login", {"nonce": nonce, "password": PASSWORD},
                                            headers={"Cookie": f"scs_login_nonce={nonce}"})
        assert status == 303
        cookie = headers["Set-Cookie"]
        assert cookie.startswith("__Host-scs_dashboard=") and "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
        assert "Max-Age=3600" in cookie  # an hour idle, renewed while used
    finally:
        srv.stop()


def test_memory_views_are_bounded_whatever_the_values_hold(dash):
    agent = Agent(dash, "memory-bomb")
    session = agent.session("memory bomb")
    value = "<" * ((1 << 20) - 64)
    for n in range(25):
        agent.call("set_memory", key=f"bomb-{n}", value=value, session_id=session)
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    before = rss_kib(dash.process.pid)
    for path in (f"/ui/sessions/{session}", "/ui/memory"):
        status, _, page = client.request(path)
        assert status == 200 and len(page) < 1_000_000, (path, len(page))
        assert "Show the whole value" in page
    assert rss_kib(dash.process.pid) - before < 100 * 1024
    status, _, page = client.request(f"/ui/memory/value?agent=memory-bomb&key=bomb-3&session={session}")
    assert status == 200 and page.count("&lt;") == len(value)
    other = Agent(dash, "memory-snoop")
    snoop = Browserless(dash)
    snoop.sign_in(token=other.token)
    assert snoop.request(f"/ui/memory/value?agent=memory-bomb&key=bomb-3&session={session}")[0] == 404


def test_a_read_only_agent_sees_no_health_report_and_only_its_own_activity(dash):
    busy = Agent(dash, "busy-agent")
    busy.post(busy.session("activity"), "hello")
    reader = Agent(dash, "reader-only", permissions=("read",))
    reader.call("list_sessions")
    client = Browserless(dash)
    client.sign_in(token=reader.token)
    health = client.request("/ui/health")[2]
    assert "Raw health report" not in health and 'id="workers"' not in health and "Restart" not in health
    assert "busy-agent" not in client.request("/ui/agents")[2]


def test_no_agent_can_claim_the_operators_identity_and_identifiers_refuse_control_characters(dash):
    sid, _ = initialize(dash)
    for agent_id in ("dashboard:operator", "Dashboard:Operator", " dashboard:x"):
        answer = tool(dash, sid, "authenticate_agent", {"agent_id": agent_id, "agent_type": "human"})
        result = answer.get("structuredContent") or json.loads(answer["content"][0]["text"])
        assert result["success"] is False and "operator" in result["error"], result
        assert result["code"] == "INVALID_INPUT" and result["context"]["field"] == "agent_id"
    answer = tool(dash, sid, "authenticate_agent", {"agent_id": "evil\r\nX-Injected: 1", "agent_type": "claude"})
    result = answer.get("structuredContent") or json.loads(answer["content"][0]["text"])
    assert result["code"] == "INVALID_INPUT" and result["context"]["field"] == "agent_id" and "control characters" in result["error"]
    agent = Agent(dash, "keyed")
    for name, arguments in (("set_memory", {"key": "a\tb", "value": 1}), ("get_memory", {"key": "a\nb"}),
                            ("search_by_sender", {"session_id": "session_0000000000000000", "sender": "x\u0085y"}),
                            ("get_messages", {"session_id": "session_\u0000"})):
        result = agent.call(name, **arguments)
        assert result["code"] == "INVALID_INPUT", (name, result)
        assert result["context"]["field"] in arguments and "control characters" in result["error"], (name, result)


def raw_socket(srv):
    import socket
    host, port = srv.url.replace("http://", "").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def closed_within(sock, seconds):
    """Seconds until the server closes `sock` (reading and dropping what it sends), or None."""
    import socket
    started = time.monotonic()
    sock.settimeout(0.5)
    while time.monotonic() - started < seconds:
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - started
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - started
    return None


def assert_only_the_extra_connection_is_closed(held, extra):
    """Past the per-client cap exactly one connection is closed at once and the others stay open.
    Usually it is `extra`, the last opened; but the server sets up each connection on one of its
    event loops, so one opened just before it may be the one counted last (and closed)."""
    import select
    sockets = held + [extra]
    closed = set()

    def collect(wait):
        for sock in select.select([sock for sock in sockets if sock not in closed], [], [], wait)[0]:
            try:
                if sock.recv(65536) == b"":
                    closed.add(sock)
            except OSError:
                closed.add(sock)

    deadline = time.monotonic() + 3
    while not closed and time.monotonic() < deadline:
        collect(0.1)
    time.sleep(0.2)  # any second closing would come with the first
    collect(0)
    assert len(closed) == 1, f"{len(closed)} of {len(sockets)} connections were closed, not exactly the one past the cap"
    for sock in sockets:
        sock.close()


def test_slow_senders_are_cut_off_and_an_answer_without_the_body_closes_the_connection():
    srv = Server()
    srv.env.update(SCS_MAX_CONNECTIONS="16", SCS_HTTP_REQUEST_TIMEOUT="2", SCS_MAX_CONNECTIONS_PER_CLIENT="12")
    srv.start()
    try:
        head = (f"POST /mcp HTTP/1.1\r\nHost: x\r\nX-API-Key: {srv.api_key}\r\nContent-Type: application/json\r\n"
                "Content-Length: 100000\r\n\r\n").encode()
        slow_bodies = [raw_socket(srv) for _ in range(8)]
        for sock in slow_bodies:
            sock.sendall(head + b"{")
        slow_heads = [raw_socket(srv) for _ in range(3)]
        for sock in slow_heads:
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: x\r\n")
        # One byte a second keeps neither kind alive past its deadline (2 s here).
        deadline = time.monotonic() + 15
        open_sockets = slow_bodies + slow_heads
        while open_sockets and time.monotonic() < deadline:
            for sock in list(open_sockets):
                try:
                    sock.sendall(b"x")
                except OSError:
                    open_sockets.remove(sock)
                    continue
                if closed_within(sock, 0.05) is not None:
                    open_sockets.remove(sock)
            time.sleep(1)
        assert not open_sockets, f"{len(open_sockets)} slow senders still connected"
        # A normal call works at once.
        status, body, seconds = timed_get(srv.url + "/health", {"X-API-Key": srv.api_key})
        assert status == 200 and seconds < 2
        # A 401 for a request whose body was never read closes the connection after the answer.
        sock = raw_socket(srv)
        sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"a\":")
        answer = b""
        sock.settimeout(5)
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 401")
        assert closed_within(sock, 5) is not None
        # Connections per client: the 13th from this address is closed at once, the first 12 stay.
        held = [raw_socket(srv) for _ in range(12)]
        assert_only_the_extra_connection_is_closed(held, raw_socket(srv))
    finally:
        srv.stop()


def test_under_socket_activation_the_real_peer_is_kept_and_connections_per_client_are_capped():
    """systemd's socket reaches the HTTP server through a private Unix socket: the relay names the
    real peer, so the sign-in throttle keys on 127.0.0.1 (not on "local", which would let five bad
    guesses by anyone lock the operator out), and the per-client cap holds there too."""
    import shutil
    import subprocess
    from dashboard import PASSWORD as password
    activate = shutil.which("systemd-socket-activate")
    assert activate, "systemd-socket-activate is part of the systemd package this machine has"
    srv = Server()
    srv.env.update(ADMIN_PASSWORD=password, SCS_MAX_CONNECTIONS_PER_CLIENT="3")
    import socket as sockets
    probe = sockets.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    log = open(srv.log_path, "ab")
    arguments = [activate, "-l", f"127.0.0.1:{port}"] + [item for key in sorted(srv.env) for item in ("-E", key)] + [BIN, "serve"]
    process = subprocess.Popen(arguments, env=srv.env, stdout=log, stderr=subprocess.STDOUT)
    srv.url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline and srv.health(srv.url).get("status") != "healthy":
            time.sleep(0.1)
        assert srv.health(srv.url).get("status") == "healthy", srv.log_text()[-2000:]
        client = Browserless(srv)
        assert client.sign_in(password="not the password")[0] == 401
        deadline = time.time() + 5
        while "dashboard sign-in refused" not in srv.log_text() and time.time() < deadline:
            time.sleep(0.05)
        refused = [line for line in srv.log_text().splitlines() if "dashboard sign-in refused" in line]
        assert refused and "client=127.0.0.1" in refused[-1] and "client=local" not in refused[-1], refused
        time.sleep(0.5)  # the sign-in's connections are released once the server closes them

        def answered(connection):
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            connection.settimeout(5)
            return connection.recv(65536).startswith(b"HTTP/1.1 200")

        held = []
        for _ in range(3):  # each admitted and answered (keep-alive) before the next
            held.append(raw_socket(srv))
            assert answered(held[-1])
        assert_only_the_extra_connection_is_closed(held, raw_socket(srv))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_operator_logins_end_when_the_password_changes():
    srv = dashboard_server()
    try:
        client = Browserless(srv)
        assert client.sign_in(password=PASSWORD)[0] == 303
        cookie = client.cookie("scs_dashboard")
        assert client.request("/ui/")[0] == 200
        srv.stop()
        srv.env["ADMIN_PASSWORD"] = "a-new-operator-password"
        srv.start()
        replay = Browserless(srv)
        assert replay.request("/ui/", headers={"Cookie": f"scs_dashboard={cookie}"})[0] == 302
        assert replay.sign_in(password="a-new-operator-password")[0] == 303
    finally:
        srv.stop()


def test_a_socket_whose_token_ends_without_any_event_is_closed_by_the_periodic_check(dash):
    """The token row disappears behind the server's back (as an expiry would end it, with no
    announcement): the socket, subscribed or not, is closed by the next check (every 20 s)."""
    import sqlite3
    agent = Agent(dash, "expiring-f")
    session = agent.session("expiry")
    idle = ws_connect(ws_url(dash, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {agent.token}"}).__enter__()
    database = sqlite3.connect(os.path.join(dash.env["SCS_DATA_DIR"], "scs.db"), timeout=10)
    database.execute("DELETE FROM secure_tokens WHERE agent_id = 'expiring-f'")
    database.commit()
    database.close()
    started = time.monotonic()
    assert closed_code(idle, timeout=40) == (4401, "signed out")
    assert time.monotonic() - started < 30
