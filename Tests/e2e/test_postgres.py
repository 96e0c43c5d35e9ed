"""`scs serve` on PostgreSQL (a private cluster scripts/test starts; SCS_TEST_POSTGRES_URL names
it): one node works as on SQLite, and two nodes on one database share tokens, MCP sessions and
what their search workers find. Without the cluster these tests fail and say why."""
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest

from conftest import BIN, Server, until, until_counts
from rawhttp import initialize, tool
from websockets.sync.client import connect as ws_connect

from dashboard import receive_until, ws_url


def cluster_url():
    url = os.environ.get("SCS_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("SCS_TEST_POSTGRES_URL is not set: run ./scripts/test (it starts a PostgreSQL cluster)")
    return url


@pytest.fixture
def database():
    """A fresh database on the test cluster, dropped afterwards."""
    url = cluster_url()
    name = "scs_e2e_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield url.replace("/postgres?", f"/{name}?")
    subprocess.run(["psql", url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True, capture_output=True)


STARTED = []


@pytest.fixture(autouse=True)
def remove_node_directories():
    """Each node's temporary directory goes once its test is over (after its log was read)."""
    yield
    while STARTED:
        srv = STARTED.pop()
        srv.stop()
        shutil.rmtree(srv.dir, ignore_errors=True)


def node(database_url, like=None, **env):
    """A `scs serve` on the database; `like`: another node whose keys it shares (one deployment)."""
    srv = Server()
    STARTED.append(srv)
    if like:
        with open(srv.env_file, "w") as f:
            f.write(open(like.env_file).read())
        srv.secrets, srv.api_key = like.secrets, like.api_key
    srv.env["DATABASE_URL"] = database_url
    srv.env.update(env)
    srv.start()
    return srv


def call(srv, sid, name, **arguments):
    return tool(srv, sid, name, arguments)["structuredContent"]


def test_one_node_on_postgresql_serves_the_tools(database):
    srv = node(database)
    try:
        health = srv.health(srv.url)
        assert health["database"]["backend"] == "postgresql" and health["database"]["status"] == "healthy"
        assert health["database"]["role"] == "primary" and health["node_id"]
        sid, _ = initialize(srv)
        token = call(srv, sid, "authenticate_agent", agent_id="pg-a", agent_type="claude")["token"]
        session = call(srv, sid, "create_session", purpose="on postgres", auth_token=token)["session_id"]
        first = call(srv, sid, "add_message", session_id=session, content="the migration to postgres finished", auth_token=token)
        call(srv, sid, "add_message", session_id=session, content="a private note", visibility="private", auth_token=token)
        page = call(srv, sid, "get_messages", session_id=session, auth_token=token)
        assert [m["content"] for m in page["messages"]] == ["the migration to postgres finished", "a private note"]
        found = call(srv, sid, "search_context", session_id=session, query="migration postgres", auth_token=token)
        assert found["results"][0]["message"]["id"] == first["message_id"]
        assert call(srv, sid, "set_memory", key="k", value={"v": 1}, overwrite=False, auth_token=token)["success"]
        again = call(srv, sid, "set_memory", key="k", value={"v": 2}, overwrite=False, auth_token=token)
        assert again["success"] is False and again["code"] == "KEY_EXISTS"
        assert call(srv, sid, "get_memory", key="k", auth_token=token)["value"] == {"v": 1}
    finally:
        srv.stop()
    assert srv.process.returncode == 0, srv.log_text()[-3000:]
    assert database.split("@")[0].split(":")[-1] not in srv.log_text()  # the database password is never logged


def test_two_nodes_share_tokens_mcp_sessions_and_search(database):
    a = node(database)
    b = node(database, like=a)
    try:
        assert a.health(a.url)["node_id"] != b.health(b.url)["node_id"]
        sid, _ = initialize(a)
        token = call(a, sid, "authenticate_agent", agent_id="two-nodes", agent_type="claude")["token"]
        session = call(a, sid, "create_session", purpose="two nodes", auth_token=token)["session_id"]
        posted = call(a, sid, "add_message", session_id=session, content="node A wrote the rollback plan", auth_token=token)
        # The MCP session started on A, and the token A issued, work on B.
        on_b = call(b, sid, "get_messages", session_id=session, auth_token=token)
        assert [m["id"] for m in on_b["messages"]] == [posted["message_id"]]
        found = call(b, sid, "search_context", session_id=session, query="rollback plan", auth_token=token)
        assert found["results"][0]["message"]["id"] == posted["message_id"]
        # A visibility change on A hides the message from B's search.
        admin_sid, _ = initialize(a)
        admin = call(a, admin_sid, "authenticate_agent", agent_id="pg-admin", agent_type="admin",
                     requested_permissions=["read", "write", "admin"])["token"]
        assert call(a, admin_sid, "set_message_visibility", message_id=posted["message_id"], visibility="admin_only",
                    auth_token=admin)["success"]
        hidden = call(b, sid, "search_context", session_id=session, query="rollback plan", auth_token=token)
        assert hidden["results"] == []
        # overwrite:false has one winner across the nodes.
        outcomes = [call(n, sid, "set_memory", key="leader", value=i, overwrite=False, auth_token=token)["success"]
                    for i, n in enumerate([a, b, a, b])]
        assert outcomes.count(True) == 1
        # A token refreshed on A is refused on B at once, although B has just cached it (for 5 s).
        assert call(b, sid, "get_messages", session_id=session, auth_token=token)["success"]
        old, token = token, call(a, sid, "refresh_token", current_token=token)["token"]
        stale = call(b, sid, "get_messages", session_id=session, auth_token=old)
        assert stale["success"] is False and stale["code"] == "TOKEN_AUTHENTICATION_FAILED"
        # A token revoked on A fails on B at once, although B has just cached it (for 5 s).
        assert call(b, sid, "get_messages", session_id=session, auth_token=token)["success"]
        assert call(a, sid, "revoke_token", auth_token=token)["revoked"]
        for n in (b, a):
            refused = call(n, sid, "get_messages", session_id=session, auth_token=token)
            assert refused["success"] is False and refused["code"] == "TOKEN_AUTHENTICATION_FAILED"
        assert b.health(b.url)["peers"]["events_received"] >= 1
        with urllib.request.urlopen(urllib.request.Request(b.url + "/metrics", headers={"X-API-Key": b.api_key}), timeout=10) as r:
            scraped = dict(line.rsplit(" ", 1) for line in r.read().decode().splitlines() if line.startswith("scs_peer_"))
        assert float(scraped["scs_peer_listening"]) == 1 and float(scraped["scs_peer_events_received"]) >= 1, scraped
    finally:
        a.stop()
        b.stop()
    assert a.process.returncode == 0 and b.process.returncode == 0


def test_a_post_on_one_node_wakes_a_long_poll_and_a_feed_on_the_other(database):
    """wait_for_messages on B wakes when A posts (within 100 ms; measured over 5 rounds, the
    median must meet it and no round may take a second), and B's WebSocket feed hears of the
    message and of A hiding it, as B's get_messages and search stop showing it."""
    a = node(database)
    b = node(database, like=a)
    try:
        sid, _ = initialize(a)
        token = call(a, sid, "authenticate_agent", agent_id="poster", agent_type="claude")["token"]
        session = call(a, sid, "create_session", purpose="cross-node wake", auth_token=token)["session_id"]
        waits = []
        for attempt in range(5):
            last = call(a, sid, "add_message", session_id=session, content=f"warm-up {attempt}", auth_token=token)["message_id"]
            answer = {}

            def wait():
                answer.update(call(b, sid, "wait_for_messages", session_id=session, after_message_id=last,
                                   timeout_seconds=10, auth_token=token))
                answer["woke_at"] = time.monotonic()

            waiter = threading.Thread(target=wait)
            waiter.start()
            deadline = time.time() + 5
            while b.health(b.url)["limits"]["long_polls"] < 1:
                assert time.time() < deadline, "the long-poll on B never parked"
                time.sleep(0.02)
            posted_at = time.monotonic()
            posted = call(a, sid, "add_message", session_id=session, content=f"round {attempt} from A", auth_token=token)
            waiter.join(timeout=15)
            assert not waiter.is_alive()
            assert [m["id"] for m in answer["messages"]] == [posted["message_id"]], answer
            waits.append(answer["woke_at"] - posted_at)
        assert max(waits) < 1.0 and statistics.median(waits) < 0.1, waits

        admin_sid, _ = initialize(a)
        admin = call(a, admin_sid, "authenticate_agent", agent_id="pg-admin", agent_type="admin",
                     requested_permissions=["read", "write", "admin"])["token"]
        with ws_connect(ws_url(b, session), open_timeout=5) as feed:
            feed.send(json.dumps({"type": "subscribe", "auth_token": token}))
            receive_until(feed, "subscribed")
            secret = call(a, sid, "add_message", session_id=session, content="the launch codes are in vault 7", auth_token=token)
            new, _ = receive_until(feed, "new_message")
            assert new["data"]["id"] == secret["message_id"]
            assert call(b, sid, "search_context", session_id=session, query="launch codes vault", auth_token=token)["results"]
            call(a, admin_sid, "set_message_visibility", message_id=secret["message_id"], visibility="admin_only", auth_token=admin)
            change, _ = receive_until(feed, "message_visibility_changed")
            assert change["data"]["id"] == secret["message_id"] and change["data"]["visible_to_you"] is False
            assert "vault 7" not in json.dumps(change)
        page = call(b, sid, "get_messages", session_id=session, auth_token=token)
        assert secret["message_id"] not in [m["id"] for m in page["messages"]]
        assert call(b, sid, "search_context", session_id=session, query="launch codes vault", auth_token=token)["results"] == []
    finally:
        a.stop()
        b.stop()
    assert a.process.returncode == 0 and b.process.returncode == 0


def test_overwrite_false_from_20_callers_on_two_nodes_has_one_winner(database):
    a = node(database)
    b = node(database, like=a)
    try:
        sid, _ = initialize(a)
        token = call(a, sid, "authenticate_agent", agent_id="racer", agent_type="claude")["token"]
        sessions = [(n, initialize(n)[0]) for n in [a, b] * 10]
        start = threading.Barrier(len(sessions))
        outcomes = [None] * len(sessions)

        def race(i):
            n, own = sessions[i]
            start.wait()
            outcomes[i] = call(n, own, "set_memory", key="leader", value=i, overwrite=False, auth_token=token)

        threads = [threading.Thread(target=race, args=(i,)) for i in range(len(sessions))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        winners = [i for i, o in enumerate(outcomes) if o["success"]]
        assert len(winners) == 1, outcomes
        assert all(o["code"] == "KEY_EXISTS" for i, o in enumerate(outcomes) if i != winners[0])
        for n in (a, b):
            assert call(n, sid, "get_memory", key="leader", auth_token=token)["value"] == winners[0]
    finally:
        a.stop()
        b.stop()


def test_each_expiry_goes_out_once_with_two_sweeping_nodes(database):
    """Both nodes' memory workers sweep every 0.2 s; an entry that expires is deleted by one of
    them, and a feed on each node hears of its expiry exactly once."""
    a = node(database, SCS_SWEEP_INTERVAL="0.2")
    b = node(database, like=a, SCS_SWEEP_INTERVAL="0.2")
    try:
        sid, _ = initialize(a)
        token = call(a, sid, "authenticate_agent", agent_id="sweeper-watch", agent_type="claude")["token"]
        session = call(a, sid, "create_session", purpose="expiry", auth_token=token)["session_id"]
        with contextlib.ExitStack() as stack:
            feeds = [stack.enter_context(ws_connect(ws_url(n, session), open_timeout=5)) for n in (a, b)]
            for feed in feeds:
                feed.send(json.dumps({"type": "subscribe", "auth_token": token}))
                receive_until(feed, "subscribed")
            keys = [f"short-{i}" for i in range(5)]
            for key in keys:
                assert call(a, sid, "set_memory", key=key, value=key, session_id=session, expires_in=1, auth_token=token)["success"]
            for feed in feeds:
                expired = []
                deadline = time.time() + 6
                while time.time() < deadline:
                    try:
                        message = json.loads(feed.recv(timeout=max(0.05, deadline - time.time())))
                    except TimeoutError:
                        break
                    if message.get("type") == "memory_update" and message["data"].get("expired"):
                        expired.append(message["data"]["key"])
                assert sorted(expired) == keys, expired
        for n in (a, b):
            assert call(n, sid, "list_memory", session_id=session, auth_token=token)["entries"] == []
    finally:
        a.stop()
        b.stop()


def test_scs_db_copy_moves_a_python_server_database_to_postgresql(database, tmp_path):
    """As an operator would: `scs db copy` from the Python server's SQLite file into PostgreSQL,
    verified; a second run is refused (the target is not empty); `scs serve` on the copy serves
    the old sessions; the copy back to SQLite reports the same checksums."""
    import sqlite3
    from conftest import BIN
    fixture = os.path.join(os.path.dirname(__file__), "..", "SCSStorageSQLiteTests", "Fixtures", "python-database.sql")
    python_db = str(tmp_path / "python.db")
    connection = sqlite3.connect(python_db)
    connection.executescript(open(fixture).read())
    connection.commit()
    connection.close()
    before = open(python_db, "rb").read()

    copied = subprocess.run([BIN, "db", "copy", "--from", python_db, "--to", database], capture_output=True, text=True)
    assert copied.returncode == 0, copied.stderr
    password = database.split("@")[0].split(":")[-1]
    assert password not in copied.stdout + copied.stderr
    lines = {line.split()[0]: line.split()[1:] for line in copied.stdout.splitlines()[1:-1]}
    assert lines["sessions"][0] == "2" and lines["messages"][0] == "5" and lines["agent_memory"][0] == "3"
    assert "row counts and checksums match" in copied.stdout
    assert open(python_db, "rb").read() == before

    again = subprocess.run([BIN, "db", "copy", "--from", python_db, "--to", database], capture_output=True, text=True)
    assert again.returncode == 1 and "not empty" in again.stderr and "--force" in again.stderr

    srv = node(database)
    try:
        sid, _ = initialize(srv)
        admin = call(srv, sid, "authenticate_agent", agent_id="ops", agent_type="admin",
                     requested_permissions=["read", "write", "admin"])["token"]
        page = call(srv, sid, "get_messages", session_id="session_aaaaaaaaaaaaaaaa", auth_token=admin)
        assert [m["content"] for m in page["messages"]] == ["public hello", "a private note", "for claude agents", "admins only"]
    finally:
        srv.stop()

    back = str(tmp_path / "back.db")
    returned = subprocess.run([BIN, "db", "copy", "--from", database, "--to", back], capture_output=True, text=True)
    assert returned.returncode == 0, returned.stderr
    sums = {line.split()[0]: line.split()[2] for line in returned.stdout.splitlines()[1:-1]}
    assert sums["sessions"] == lines["sessions"][1] and sums["agent_memory"] == lines["agent_memory"][1]


async def test_resource_subscribers_on_one_node_hear_of_changes_made_on_the_other(database):
    """The official MCP client subscribes on node B; a post and a memory write on node A reach it as
    notifications/resources/updated."""
    import asyncio
    from conftest import authenticate, connect
    a = node(database)
    b = node(database, like=a)
    try:
        updates = []

        async def handle(message):
            updates.append(repr(message))

        async with connect(b, message_handler=handle) as subscriber:
            token = await authenticate(subscriber, "subscriber")
            sid, _ = initialize(a)
            session = call(a, sid, "create_session", purpose="subscriptions", auth_token=token)["session_id"]
            await subscriber.subscribe_resource(f"session://{session}")
            await subscriber.subscribe_resource("agent://subscriber/memory")
            await until_counts(b, "the notification stream on B is open", lambda counts: counts["sse_streams"] >= 1)
            assert call(a, sid, "add_message", session_id=session, content="posted on A", auth_token=token)["success"]
            assert call(a, sid, "set_memory", key="from-a", value=1, auth_token=token)["success"]
            await until("B pushes both changes made on A", lambda: any(f"session://{session}" in u for u in updates)
                        and any("agent://subscriber/memory" in u for u in updates))
            assert any(f"session://{session}" in u for u in updates), updates
            assert any("agent://subscriber/memory" in u for u in updates), updates
    finally:
        a.stop()
        b.stop()


def test_an_mcp_session_behind_a_round_robin_balancer(database):
    """Requests of one MCP session alternate between the nodes, as a round-robin load balancer
    sends them. Node B has the session cached before the agent authenticates on A without an
    auth_token (binding the token to the session); B's next call must see the bound token at once.
    Ending the session on A ends it on B."""
    from rawhttp import post
    a = node(database)
    b = node(database, like=a)
    try:
        sid, _ = initialize(a)
        assert "tools" in json.loads(post(b, {"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, headers={"Mcp-Session-Id": sid})[2])["result"]
        assert call(a, sid, "authenticate_agent", agent_id="balanced", agent_type="claude")["success"]
        created = call(b, sid, "create_session", purpose="through B with the session's token")
        assert created["success"], created
        assert call(a, sid, "add_message", session_id=created["session_id"], content="through A")["success"]
        page = call(b, sid, "get_messages", session_id=created["session_id"])
        assert [m["sender"] for m in page["messages"]] == ["balanced"]
        status, _, _ = post(a, None, headers={"Mcp-Session-Id": sid}, method="DELETE")
        assert status in (200, 204)
        status, _, body = post(b, {"jsonrpc": "2.0", "id": 6, "method": "tools/list"}, headers={"Mcp-Session-Id": sid})
        assert status == 404, body
    finally:
        a.stop()
        b.stop()


def test_scs_db_copy_takes_the_password_from_pgpassword_a_pgpass_file_or_standard_input(database, tmp_path):
    """Never from the arguments, where every local user reads it in /proc: a URL without its password
    copies with PGPASSWORD, with a 0600 ~/.pgpass (a group-readable one is ignored, as libpq does),
    and with --password-stdin; a password left in the arguments works but draws a warning."""
    from conftest import BIN
    import re as regex
    password = database.split("@")[0].split(":")[-1]
    bare = regex.sub(r"//([^:/@]+):[^@]*@", r"//\1@", database)
    assert password not in bare
    source = str(tmp_path / "source.db")
    made = subprocess.run([BIN, "db", "copy", "--from", database, "--to", source], capture_output=True, text=True)
    assert made.returncode == 0 and "readable by every local user" in made.stderr, made.stderr
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGPASSFILE")}
    env["HOME"] = str(home)

    def copy(extra_env=None, stdin=None, extra=()):
        return subprocess.run([BIN, "db", "copy", "--from", source, "--to", bare, "--force", *extra], capture_output=True, text=True,
                              env=dict(env, **(extra_env or {})), input=stdin)

    refused = copy()
    assert refused.returncode == 1 and "password" in refused.stderr.lower()
    with_env = copy({"PGPASSWORD": password})
    assert with_env.returncode == 0 and "readable by every local user" not in with_env.stderr, with_env.stderr
    with_stdin = copy(stdin=password + "\n", extra=("--password-stdin",))
    assert with_stdin.returncode == 0, with_stdin.stderr
    pgpass = home / ".pgpass"
    user = bare.split("//")[1].split("@")[0]
    pgpass.write_text(f"# comment\notherhost:*:*:*:nope\n*:*:*:{user}:{password}\n")
    os.chmod(pgpass, 0o644)
    assert copy().returncode == 1  # readable by others: ignored
    os.chmod(pgpass, 0o600)
    with_file = copy()
    assert with_file.returncode == 0, with_file.stderr
    for result in (with_env, with_stdin, with_file):
        assert password not in result.stdout + result.stderr


def test_a_revocation_or_a_logout_on_one_node_closes_the_sockets_on_the_other(database):
    """Sockets on node B that hold a credential ended on node A close at once, subscribed or not:
    a token revoked on A, a token refreshed on A, and a dashboard login signed out on A."""
    from websockets.sync.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed
    from dashboard import PASSWORD, Browserless, receive
    a = node(database, ADMIN_PASSWORD=PASSWORD)
    b = node(database, like=a, ADMIN_PASSWORD=PASSWORD)
    sid, _ = initialize(a)
    token = call(a, sid, "authenticate_agent", agent_id="two-node-feed", agent_type="claude")["token"]
    session = call(a, sid, "create_session", purpose="feeds", auth_token=token)["session_id"]

    def closed(socket):
        try:
            while True:
                socket.recv(timeout=10)
        except ConnectionClosed as error:
            return error.rcvd.code if error.rcvd else None

    idle = ws_connect(ws_url(b, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {token}"}).__enter__()
    subscribed = ws_connect(ws_url(b, session), open_timeout=5).__enter__()
    subscribed.send(json.dumps({"type": "subscribe", "auth_token": token}))
    assert receive(subscribed)["type"] == "subscribed"
    call(a, sid, "revoke_token", token=token, auth_token=token)
    assert closed(idle) == 4401 and closed(subscribed) == 4401

    second = call(a, sid, "authenticate_agent", agent_id="two-node-feed", agent_type="claude")["token"]
    watching = ws_connect(ws_url(b, session), open_timeout=5, additional_headers={"Authorization": f"Bearer {second}"}).__enter__()
    call(a, sid, "refresh_token", current_token=second)
    assert closed(watching) == 4401

    operator = Browserless(a)
    assert operator.sign_in(password=PASSWORD)[0] == 303
    cookie = operator.cookie("scs_dashboard")
    on_b = ws_connect(ws_url(b, session), open_timeout=5, origin=b.url, additional_headers={"Cookie": f"scs_dashboard={cookie}"}).__enter__()
    operator.request("/ui/logout", {"csrf": operator.csrf()})
    assert closed(on_b) == 4401


def test_a_revoked_agent_key_is_refused_on_every_node_within_a_second(database):
    """Two nodes on one PostgreSQL database in IDENTITY_MODE=verified: a key registered once opens
    both; revoked once, both refuse it within a second."""
    import re
    import time
    from rawhttp import post
    a = node(database, IDENTITY_MODE="verified")
    b = node(database, like=a, IDENTITY_MODE="verified")
    added = subprocess.run([BIN, "agents", "add", "roaming", "--type", "claude"], env=a.env, capture_output=True, text=True, check=True)
    key = re.search(r"key: (sca_\S+)", added.stdout).group(1)
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    for srv in (a, b):
        assert post(srv, ping, key=False, headers={"X-API-Key": key})[0] != 401
    subprocess.run([BIN, "agents", "revoke", "roaming"], env=b.env, capture_output=True, text=True, check=True)
    revoked_at = time.monotonic()
    for srv in (a, b):
        while post(srv, ping, key=False, headers={"X-API-Key": key})[0] != 401:
            assert time.monotonic() - revoked_at < 1.5, "a revoked key still opened a node after 1.5 s"
            time.sleep(0.05)
