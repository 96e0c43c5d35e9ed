"""What an operator sees: Prometheus /metrics (with the API key or the metrics token only)."""
import re
import urllib.error
import urllib.request

from conftest import Server, authenticate, call, call_raw, connect

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(server, headers):
    request = urllib.request.Request(server.url + "/metrics", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


def parse(text):
    """{(name, frozenset(labels)): value}, checking every line is a comment or a well-formed sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample: {line!r}"
        labels = frozenset(LABEL.findall(match.group(2) or ""))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def with_name(samples, name):
    return {dict(labels).get("position", ""): v for (n, labels), v in samples.items() if n == name}


async def test_metrics_count_the_calls_just_made(server):
    status, _, body = scrape(server, {})
    assert status == 401 and "scs_" not in body
    assert scrape(server, {"X-API-Key": "wrong"})[0] == 401
    before = parse(scrape(server, {"X-API-Key": server.api_key})[2])

    async with connect(server) as session:
        token = await authenticate(session, "metrics-agent")
        sid = (await call(session, "create_session", purpose="metrics", auth_token=token))["session_id"]
        for n in range(7):
            await call(session, "add_message", session_id=sid, content=f"metric message {n}", auth_token=token)
        await call(session, "search_context", session_id=sid, query="metric", auth_token=token)
        missing = await call_raw(session, "get_messages", session_id="session_0000000000000000", auth_token=token)
        assert missing.structured_content["code"] == "SESSION_NOT_FOUND"
        invalid = await call_raw(session, "get_messages", session_id=sid, limit=10**9, auth_token=token)
        assert invalid.is_error

    status, content_type, text = scrape(server, {"X-API-Key": server.api_key})
    assert status == 200 and content_type.startswith("text/plain")
    after = parse(text)
    assert "TYPE scs_tool_duration_seconds histogram" in text

    # The per-tool histogram counted exactly the calls made above.
    count = lambda samples, tool: value(samples, "scs_tool_duration_seconds_count", tool=tool)
    assert count(after, "add_message") - count(before, "add_message") == 7
    assert count(after, "create_session") - count(before, "create_session") == 1
    assert count(after, "get_messages") - count(before, "get_messages") == 2
    buckets = sorted(((float(dict(labels)["le"]), v) for (n, labels), v in after.items()
                      if n == "scs_tool_duration_seconds_bucket" and dict(labels).get("tool") == "add_message"), key=lambda b: b[0])
    assert buckets[-1][0] == float("inf") and buckets[-1][1] == count(after, "add_message")
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), buckets
    assert value(after, "scs_tool_duration_seconds_sum", tool="add_message") > value(before, "scs_tool_duration_seconds_sum", tool="add_message")

    # Errors by code, schema violations included.
    errors = lambda samples, tool, code: value(samples, "scs_tool_errors_total", tool=tool, code=code)
    assert errors(after, "get_messages", "SESSION_NOT_FOUND") - errors(before, "get_messages", "SESSION_NOT_FOUND") == 1
    assert errors(after, "get_messages", "INVALID_INPUT") - errors(before, "get_messages", "INVALID_INPUT") == 1

    # Workers, search indexes, storage, live state.
    assert with_name(after, "scs_worker_up") and all(v == 1 for v in with_name(after, "scs_worker_up").values())
    assert value(after, "scs_worker_restarts", role="memory", position="0") == 0
    assert all(v > 0 for v in with_name(after, "scs_worker_resident_bytes").values())
    assert sum(with_name(after, "scs_search_index_sessions").values()) >= 1
    assert sum(with_name(after, "scs_search_index_cold_loads").values()) >= 1
    assert value(after, "scs_sqlite_commit_batch_size_count") - value(before, "scs_sqlite_commit_batch_size_count") >= 8
    assert value(after, "scs_database_bytes") > 0
    assert ("scs_sqlite_wal_bytes", frozenset()) in after
    for name in ("scs_mcp_sessions", "scs_sse_streams", "scs_long_polls", "scs_subscriptions", "scs_http_connections"):
        assert (name, frozenset()) in after, name
    assert server.api_key not in text


def test_metrics_token_reads_metrics_only():
    srv = Server()
    token = "m" * 40
    srv.env["SCS_METRICS_TOKEN"] = token
    srv.start()
    try:
        status, _, text = scrape(srv, {"Authorization": f"Bearer {token}"})
        assert status == 200 and "scs_worker_up" in text and token not in text
        assert scrape(srv, {"Authorization": "Bearer " + "x" * 40})[0] == 401
        assert scrape(srv, {"Authorization": f"bearer  {token}"})[0] == 200  # the scheme is case-insensitive, as on /mcp
        # The metrics token opens nothing else.
        request = urllib.request.Request(srv.url + "/health", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.read() == b'{"status":"up"}'
    finally:
        srv.stop()
    assert token not in srv.log_text()


def test_a_request_id_is_on_the_supervisor_and_worker_log_lines():
    """LOG_FORMAT=json at DEBUG: one request's id (the client's X-Request-ID, echoed) is on the
    supervisor's tool-call line and on the search worker's line for the same request; an id
    that is not well-formed is replaced by the server's own; no secret reaches the log."""
    import json as jsonlib
    from conftest import Server
    from rawhttp import initialize, post, tool
    srv = Server()
    srv.env.update(LOG_LEVEL="DEBUG", LOG_FORMAT="json")
    srv.start()
    try:
        sid, _ = initialize(srv)
        token = tool(srv, sid, "authenticate_agent", {"agent_id": "logs", "agent_type": "claude"})["structuredContent"]["token"]
        session = tool(srv, sid, "create_session", {"purpose": "logs", "auth_token": token})["structuredContent"]["session_id"]
        tool(srv, sid, "add_message", {"session_id": session, "content": "where do the logs go", "auth_token": token})
        body = {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {
            "name": "search_context", "arguments": {"session_id": session, "query": "logs", "auth_token": token}}}
        status, headers, _ = post(srv, body, headers={"Mcp-Session-Id": sid, "X-Request-ID": "trace-4711.a"})
        assert status == 200 and headers.get("X-Request-ID") == "trace-4711.a"
        status, headers, _ = post(srv, body, headers={"Mcp-Session-Id": sid, "X-Request-ID": "bad id\u00e9" + "x" * 80})
        own = headers.get("X-Request-ID")
        assert status == 200 and own and own != "trace-4711.a" and " " not in own
    finally:
        srv.stop()
    text = srv.log_text()
    lines = [jsonlib.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert lines and all({"time", "level", "label", "message"} <= set(line) for line in lines)
    traced = [line for line in lines if line.get("request_id") == "trace-4711.a"]
    supervisor = [line for line in traced if line["label"] == "scs.supervisor" and line["message"] == "tool call"]
    worker = [line for line in traced if line["label"] == "scs.worker.search" and line["message"] == "answered"]
    assert [line["tool"] for line in supervisor] == ["search_context"], traced
    assert worker and worker[0]["method"] == "search.query" and worker[0]["outcome"] == "ok", traced
    assert any(line.get("request_id") == own and line["label"] == "scs.worker.search" for line in lines)
    for secret in (srv.api_key, srv.secrets["JWT_SECRET_KEY"], token):
        assert secret not in text


async def test_quota_refusals_are_counted_by_kind_and_agent_type():
    """A server with quotas of one a second (bursts of two): the third quick post, or search, is
    refused with RATE_LIMITED and retry_after, and /metrics counts it by kind and agent type; an
    agent type the server does not know counts as `other`."""
    srv = Server()
    srv.env.update(SCS_QUOTA_WRITES_PER_SECOND="1", SCS_QUOTA_SEARCHES_PER_SECOND="1")
    srv.start()
    try:
        async with connect(srv) as session:
            writer = await authenticate(session, "quota-claude", "claude")
            sid = (await call(session, "create_session", purpose="quota", auth_token=writer))["session_id"]
            reader = await authenticate(session, "quota-made-up", "made-up-type")  # an unknown type: read only
            for tool, arguments, token in (("add_message", {"content": "post"}, writer), ("search_context", {"query": "post"}, reader)):
                answers = [(await call_raw(session, tool, session_id=sid, auth_token=token, **arguments)).structured_content for _ in range(3)]
                assert [a.get("success", False) for a in answers[:2]] == [True, True], answers
                assert answers[2]["code"] == "RATE_LIMITED" and answers[2]["retry_after"] >= 1 and answers[2]["recoverable"] is True
        status, _, text = scrape(srv, {"X-API-Key": srv.api_key})
        samples = parse(text)
        assert status == 200
        assert value(samples, "scs_quota_refusals_total", kind="write", agent_type="claude") == 1
        assert value(samples, "scs_quota_refusals_total", kind="search", agent_type="other") == 1
    finally:
        srv.stop()
