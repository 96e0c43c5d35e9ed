"""A caller holding only the API key tries to take the service down (issue: hostile clients).
Each answer must be a clear error or a bounded result, and afterwards no process has restarted:
the supervisor keeps its pid, every worker its pid and restart count."""
import asyncio
import json
import urllib.request

from mcp.shared.exceptions import MCPError

from conftest import Server, authenticate, call, call_raw, connect, until, until_counts
from rawhttp import initialize, post


def processes(server):
    request = urllib.request.Request(server.url + "/health", headers={"X-API-Key": server.api_key})
    with urllib.request.urlopen(request, timeout=5) as response:
        health = json.loads(response.read())
    return server.process.pid, sorted((w["role"], w["slot"], w["pid"], w["restarts"]) for w in health["workers"])


async def test_the_reported_cases_get_errors_or_bounded_results(server):
    before = processes(server)
    async with connect(server) as session:
        token = await authenticate(session, "hostile-writer")
        sid = (await call(session, "create_session", purpose="hostile", auth_token=token))["session_id"]

        # Numbers: offsets and ids past Int64 or our bounds are input-validation errors, not traps.
        for value in (9223372036854775807, 2**63, 1e30, 1e308, -(2**63)):
            result = await call_raw(session, "get_messages", session_id=sid, offset=value, auth_token=token)
            assert result.is_error and "Input validation error" in result.content[0].text, (value, result.content)
        for name, arguments in [("get_message_thread", {"message_id": 2**63}), ("set_message_visibility", {"message_id": 1e30, "visibility": "public"}),
                                ("wait_for_messages", {"session_id": sid, "after_message_id": 2**64, "timeout_seconds": 0})]:
            result = await call_raw(session, name, **arguments, auth_token=token)
            assert result.is_error and "greater than the maximum" in result.content[0].text, (name, result.content)

        # A 256 KiB query of distinct astral characters is refused at the schema; 1,000 of them run.
        astral = "".join(chr(0x10000 + i) for i in range(1_000))
        result = await call_raw(session, "search_context", session_id=sid, query="".join(chr(0x10000 + i) for i in range(65_536)), auth_token=token)
        assert result.is_error and "is too long" in result.content[0].text and len(result.content[0].text) < 5_000
        await call(session, "add_message", session_id=sid, content=astral[:500] + " needle", auth_token=token)
        found = await call(session, "search_context", session_id=sid, query=astral, auth_token=token)
        assert found["success"] and found["message_count"] == 1

        # Empty strings are values: the Python server refuses them, so do we.
        assert (await call(session, "add_message", session_id=sid, content="x", visibility="", auth_token=token))["code"] == "INVALID_VISIBILITY"
        first = (await call(session, "get_messages", session_id=sid, auth_token=token))["messages"][0]["id"]
        changed = await call(session, "set_message_visibility", message_id=first, visibility="", auth_token=token)
        assert changed["code"] == "INVALID_VISIBILITY"
        assert (await call(session, "set_memory", key="scoped", value=1, session_id="", auth_token=token))["code"] == "SESSION_NOT_FOUND"
        assert (await call(session, "get_memory", key="scoped", auth_token=token))["code"] == "MEMORY_NOT_FOUND"
        assert (await call(session, "list_memory", auth_token=token))["count"] == 0
        # An error never repeats a token.
        jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZS1ub3QtdG8tbGVhaw"
        refused = await call_raw(session, "refresh_token", current_token=jwt)
        assert refused.is_error and jwt not in refused.content[0].text and "eyJ" not in refused.content[0].text
        refused = await call_raw(session, "get_session", session_id=sid, auth_token=["sct_" + "a" * 36])
        assert refused.is_error and "sct_aaaa" not in refused.content[0].text

        # Memory values have a size cap.
        big = await call(session, "set_memory", key="big", value="x" * ((1 << 20) + 1), auth_token=token)
        assert big["code"] == "MEMORY_LIMIT_EXCEEDED"

        # Huge answers: 100 messages of 100,000 "€" (300 kB each) in another session.
        big_sid = (await call(session, "create_session", purpose="big answers", auth_token=token))["session_id"]
        for _ in range(100):
            assert (await call(session, "add_message", session_id=big_sid, content="€" * 100_000, auth_token=token))["success"]
        hits = await call(session, "search_context", session_id=big_sid, query="€" * 20, limit=100, auth_token=token)
        assert hits["success"] and hits["truncated"] is True and 0 < hits["message_count"] < 100
        page = await call(session, "get_messages", session_id=big_sid, limit=1000, auth_token=token)
        assert page["success"] and page["has_more"] is True and page["total_count"] == 100 and 0 < page["count"] < 100
        seen, offset = [], 0
        while True:  # clients page on as they already do
            page = await call(session, "get_messages", session_id=big_sid, limit=1000, offset=offset, auth_token=token)
            seen += [m["id"] for m in page["messages"]]
            offset += page["count"]
            if not page["has_more"]:
                break
        assert len(seen) == 100 and seen == sorted(set(seen))
        resource = json.loads((await session.read_resource(f"session://{big_sid}")).contents[0].text)
        assert resource["statistics"]["truncated"] is True and 0 < len(resource["messages"]) < 100
    assert processes(server) == before


async def test_parent_message_must_be_visible_and_refusal_reveals_nothing(server):
    async with connect(server) as session:
        alice = await authenticate(session, "parent-alice")
        bob = await authenticate(session, "parent-bob")
        sid = (await call(session, "create_session", purpose="parents", auth_token=alice))["session_id"]
        private = (await call(session, "add_message", session_id=sid, content="mine", visibility="private", auth_token=alice))["message_id"]
        public = (await call(session, "add_message", session_id=sid, content="ours", auth_token=alice))["message_id"]
        hidden = await call(session, "add_message", session_id=sid, content="re", parent_message_id=private, auth_token=bob)
        missing = await call(session, "add_message", session_id=sid, content="re", parent_message_id=private + 1_000_000, auth_token=bob)
        assert hidden["code"] == missing["code"] == "INVALID_PARENT_MESSAGE"
        assert hidden["error"].replace(str(private), "N") == missing["error"].replace(str(private + 1_000_000), "N")
        assert (await call(session, "add_message", session_id=sid, content="re", parent_message_id=public, auth_token=bob))["success"]
        assert (await call(session, "add_message", session_id=sid, content="re", parent_message_id=private, auth_token=alice))["success"]


def hostile_values():
    deep = []
    for _ in range(200):
        deep = [deep]
    return [None, "", " ", "null", 0, -1, 2**63, -(2**63) - 1, 1e308, -1e308, 0.5, True, [], {}, [1, "a", None],
            {"a": {"b": {"c": []}}}, deep, "x" * (1 << 20), "\u0000\ufffd\uffff\U0010ffff\u0301" * 100, "‮‭" + "𝔘" * 500,
            "session_" + "f" * 16, "sct_" + "0" * 36, "a\nb\tc", "'; DROP TABLE messages; --"]


async def test_every_parameter_of_every_tool_survives_hostile_values(server):
    before = processes(server)
    answered = 0
    async with connect(server) as session:
        token = await authenticate(session, "fuzzing-agent")
        sid = (await call(session, "create_session", purpose="fuzz", auth_token=token))["session_id"]
        tools = (await session.list_tools()).tools
        assert len(tools) == 23
        for tool in tools:
            properties = tool.input_schema.get("properties", {})
            required = tool.input_schema.get("required", [])
            for name in properties:
                for value in hostile_values():
                    arguments = {r: (sid if r == "session_id" else 1 if "id" in r else "x") for r in required}
                    arguments["auth_token"] = token
                    arguments[name] = value
                    if tool.name == "wait_for_messages":
                        arguments.setdefault("timeout_seconds", 0)
                        if name != "timeout_seconds":
                            arguments["timeout_seconds"] = 0
                    try:
                        result = await call_raw(session, tool.name, **arguments)
                    except MCPError as error:  # a JSON-RPC error answer (e.g. nesting past the parser's bound)
                        assert error.error.code in (-32700, -32600, -32602), (tool.name, name, error)
                        answered += 1
                        continue
                    assert result.content, (tool.name, name)
                    if not result.is_error:
                        assert "success" in result.structured_content, (tool.name, name, result.structured_content)
                    answered += 1
        assert answered > 23 * 24
        # A normal call still works (the loop revoked its own token and closed its session on the way).
        token = await authenticate(session, "fuzzing-agent")
        sid = (await call(session, "create_session", purpose="after", auth_token=token))["session_id"]
        assert (await call(session, "add_message", session_id=sid, content="still here", auth_token=token))["success"]
    # Raw bodies: deep nesting, numbers past any range, a batch far over the limit.
    sid_header, _ = initialize(server)
    for body in [b"[" * 100_000 + b"]" * 100_000, b'{"jsonrpc":"2.0","id":1e400,"method":"ping"}',
                 json.dumps([{"jsonrpc": "2.0", "id": i, "method": "ping"} for i in range(10_000)]).encode()]:
        status, _, reply = post(server, body, headers={"Mcp-Session-Id": sid_header, "MCP-Protocol-Version": "2025-03-26"})
        assert status in (200, 400, 413) and json.loads(reply), body[:40]
    assert processes(server) == before


def test_health_without_the_key_says_only_up_or_down(server):
    with urllib.request.urlopen(server.url + "/health", timeout=5) as response:
        assert json.loads(response.read()) == {"status": "up"}
    request = urllib.request.Request(server.url + "/health", headers={"X-API-Key": server.api_key})
    with urllib.request.urlopen(request, timeout=5) as response:
        details = json.loads(response.read())
    assert details["workers"] and details["limits"]["mcp_sessions_max"] > 0
    assert details["database"]["role"] == "embedded" and details["database"]["backend"] == "sqlite" and details["node_id"]
    assert 0 < details["limits"]["http_connections"] <= details["limits"]["http_connections_max"]
    # The database and its WAL and shm files are the owner's alone.
    import os
    import stat
    data = os.path.join(server.dir, "data")
    for name in ("scs.db", "scs.db-wal", "scs.db-shm"):
        path = os.path.join(data, name)
        if os.path.exists(path):
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name


async def test_subscriptions_are_capped_and_uris_bounded(server):
    async with connect(server) as session:
        token = await authenticate(session, "subscriber")
        sid = (await call(session, "create_session", purpose="subs", auth_token=token))["session_id"]
        for limit in range(1, 65):
            await session.subscribe_resource(f"session://{sid}/messages/{limit}")
        try:
            await session.subscribe_resource(f"session://{sid}/messages/65")
            raise AssertionError("the 65th subscription was accepted")
        except MCPError as error:
            assert "Too many subscriptions" in error.error.message
        await session.subscribe_resource(f"session://{sid}/messages/1")  # an existing one is not a new one
        for uri in ("session://" + "x" * 600, "nope://thing"):
            try:
                await session.subscribe_resource(uri)
                raise AssertionError(f"{uri[:20]} was accepted")
            except MCPError as error:
                assert error.error.code == -32602


async def test_admin_api_key_is_the_only_way_to_admin_when_set():
    srv = Server()
    admin_key = "A" * 40
    srv.env["ADMIN_API_KEY"] = admin_key
    srv.start()
    try:
        async with connect(srv) as session:
            plain = await call(session, "authenticate_agent", agent_id="would-be-admin", agent_type="admin",
                               requested_permissions=["read", "write", "admin"])
            assert plain["success"] and "admin" not in plain["permissions"] and "write" in plain["permissions"]
        async with connect(srv, headers={"X-API-Key": admin_key}) as session:
            keyed = await call(session, "authenticate_agent", agent_id="real-admin", agent_type="admin",
                               requested_permissions=["read", "write", "admin"])
            assert "admin" in keyed["permissions"]
            assert (await call(session, "get_performance_metrics", auth_token=keyed["token"]))["success"]
    finally:
        srv.stop()


async def test_long_polls_per_agent_are_capped(server):
    async with connect(server) as session:
        token = await authenticate(session, "impatient")
        sid = (await call(session, "create_session", purpose="polls", auth_token=token))["session_id"]
        results = await asyncio.gather(*[call(session, "wait_for_messages", session_id=sid, timeout_seconds=3, auth_token=token)
                                         for _ in range(20)])
        refused = [r for r in results if not r["success"]]
        assert len(refused) == 4 and all(r["code"] == "LIMIT_REACHED" for r in refused), results
        assert sum(1 for r in results if r["success"] and r["timed_out"]) == 16
        # The places are given back.
        assert (await call(session, "wait_for_messages", session_id=sid, timeout_seconds=0, auth_token=token))["success"]


async def test_a_revoked_subscriber_gets_no_more_notifications(server):
    updates = []

    async def handle(message):
        if "notifications/resources/updated" in repr(message) or "ResourceUpdated" in repr(message):
            updates.append(message)

    async with connect(server) as writer:
        author = await authenticate(writer, "notify-author")
        sid = (await call(writer, "create_session", purpose="notify", auth_token=author))["session_id"]
        async with connect(server, message_handler=handle) as watcher:
            watcher_token = await authenticate(watcher, "notify-watcher")  # binds the MCP session to it
            await watcher.subscribe_resource(f"session://{sid}")
            await until_counts(server, "the notification stream is open", lambda counts: counts["sse_streams"] >= 1)
            await call(writer, "add_message", session_id=sid, content="one", auth_token=author)
            await until("the message is pushed", lambda: len(updates) >= 1)
            assert len(updates) == 1
            assert (await call(watcher, "revoke_token", auth_token=watcher_token))["revoked"]
            await call(writer, "add_message", session_id=sid, content="two", auth_token=author)
            await asyncio.sleep(0.8)  # an absence: nothing to wait on
            assert len(updates) == 1  # nothing for a revoked token


async def test_no_token_is_stored_in_clear(server):
    import os
    async with connect(server) as session:
        token = await authenticate(session, "at-rest")  # also binds this MCP session to the token
        # The bound session acts as the agent without the token being passed (the server keeps a digest).
        created = await call(session, "create_session", purpose="bound")
        assert created["success"] and created["created_by"] == "at-rest", created
        refreshed = await call(session, "refresh_token", current_token=token)
        assert refreshed["success"]
        assert (await call(session, "add_message", session_id=created["session_id"], content="still bound"))["success"]
    data = os.path.join(server.dir, "data")
    stored = b"".join(open(os.path.join(data, name), "rb").read()
                      for name in ("scs.db", "scs.db-wal") if os.path.exists(os.path.join(data, name)))
    for value in (token, refreshed["token"]):
        assert value.encode() not in stored and value[4:].encode() not in stored
