"""Bad input, concurrency, and restarts that must not lose MCP sessions or data."""
import asyncio
import json
import subprocess

from conftest import BIN, authenticate, call, call_raw, connect
from rawhttp import initialize, post, tool


async def test_bad_input_is_refused_and_changes_nothing(server):
    async with connect(server) as session:
        token = await authenticate(session, "input-agent")
        sid = (await call(session, "create_session", purpose="input", auth_token=token))["session_id"]
        cases = [
            ("add_message", {"session_id": sid, "content": 42}, "is not of type 'string'"),
            ("add_message", {"session_id": sid}, "'content' is a required property"),
            ("get_messages", {"session_id": sid, "limit": 0}, "0 is less than the minimum of 1"),
            ("get_messages", {"session_id": sid, "limit": "ten"}, "is not of type 'integer'"),
            ("authenticate_agent", {"agent_id": "x" * 101, "agent_type": "claude"}, "is too long"),
            ("set_memory", {"key": "", "value": 1}, "should be non-empty"),
            ("set_memory", {"key": "k", "value": None}, "None is not of type"),
        ]
        for name, arguments, fragment in cases:
            result = await call_raw(session, name, **arguments)
            assert result.is_error and fragment in result.content[0].text, (name, result.content[0].text)
        too_long = await call(session, "add_message", session_id=sid, content="x" * 100_001, auth_token=token)
        assert too_long["code"] == "CONTENT_TOO_LARGE" and too_long["recoverable"] is False
        blank = await call(session, "add_message", session_id=sid, content=" \x00\x01 ", auth_token=token)
        assert blank["code"] == "INVALID_INPUT"
        bad_visibility = await call(session, "add_message", session_id=sid, content="x", visibility="secret", auth_token=token)
        assert bad_visibility["code"] == "INVALID_VISIBILITY"
        assert (await call(session, "get_messages", session_id=sid, visibility_filter="everything", auth_token=token))["code"] == "INVALID_VISIBILITY"
        huge_meta = await call(session, "add_message", session_id=sid, content="x", metadata={f"k{i}": i for i in range(60)}, auth_token=token)
        assert huge_meta["code"] == "METADATA_TOO_LARGE"
        unknown = await call(session, "add_message", session_id="session_0123456789abcdef", content="x", auth_token=token)
        assert unknown["code"] == "SESSION_NOT_FOUND"
        assert (await call(session, "get_messages", session_id=sid, auth_token=token))["count"] == 0
        verbatim = ["'; DROP TABLE messages; --", "Robert'); DELETE FROM sessions WHERE ('1'='1", "ünïcødé ✓ 日本語 🚀 \u03a3", "%_\\"]
        for text in verbatim:
            await call(session, "add_message", session_id=sid, content=text, auth_token=token)
            await call(session, "set_memory", key=f"k{verbatim.index(text)}", value=text, auth_token=token)
        stored = await call(session, "get_messages", session_id=sid, auth_token=token)
        assert [m["content"] for m in stored["messages"]] == verbatim
        assert (await call(session, "get_memory", key="k2", auth_token=token))["value"] == verbatim[2]


def test_malformed_and_huge_bodies(server):
    sid, _ = initialize(server)
    status, _, body = post(server, b"{not json", headers={"Mcp-Session-Id": sid})
    assert status == 400 and json.loads(body)["error"]["code"] == -32700
    status, _, body = post(server, b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_session","arguments":{"purpose":"'
                           + b"x" * (5 << 20) + b'"}}}', headers={"Mcp-Session-Id": sid})
    assert status == 413
    status, _, body = post(server, {"jsonrpc": "1.0", "id": 1, "method": "ping"}, headers={"Mcp-Session-Id": sid})
    assert json.loads(body)["error"]["code"] == -32600
    status, _, body = post(server, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "nope"}}, headers={"Mcp-Session-Id": sid})
    assert json.loads(body)["error"]["code"] == -32602


async def test_twenty_agents_fifty_messages_each_concurrently(server):
    async with connect(server) as setup:
        owner = await authenticate(setup, "load-owner")
        sid = (await call(setup, "create_session", purpose="load", auth_token=owner))["session_id"]

    async def agent(index):
        async with connect(server) as session:
            token = await authenticate(session, f"load-{index}")
            for n in range(50):
                result = await call(session, "add_message", session_id=sid, content=f"agent {index} message {n}", auth_token=token)
                assert result["success"], result

    await asyncio.gather(*(agent(i) for i in range(20)))
    async with connect(server) as reader:
        messages = (await call(reader, "get_messages", session_id=sid, limit=1000))["messages"]
    contents = [m["content"] for m in messages]
    assert len(contents) == 1000 and len(set(contents)) == 1000
    ids = [m["id"] for m in messages]
    assert ids == sorted(ids)
    stamps = [m["timestamp"] for m in messages]
    assert stamps == sorted(stamps)
    for i in range(20):
        mine = [c for c in contents if c.startswith(f"agent {i} ")]
        assert mine == [f"agent {i} message {n}" for n in range(50)]


async def test_worker_and_supervisor_restarts_keep_mcp_sessions(server):
    async with connect(server) as session:
        token = await authenticate(session, "restart-agent")
        sid = (await call(session, "create_session", purpose="restarts", auth_token=token))["session_id"]
        await call(session, "add_message", session_id=sid, content="before the restart", auth_token=token)
        env = dict(server.env)
        subprocess.run([BIN, "workers", "restart", "all"], env=env, check=True, capture_output=True, timeout=60)
        found = await call(session, "search_context", session_id=sid, query="before the restart", auth_token=token)
        assert found["message_count"] == 1
        await call(session, "set_memory", key="survives", value={"v": 1}, auth_token=token)
    raw_session, _ = initialize(server)
    authenticated = tool(server, raw_session, "authenticate_agent", {"agent_id": "bound-agent", "agent_type": "claude"})
    assert authenticated["structuredContent"]["success"]
    server.restart()
    # the same MCP session id still works after the supervisor restarted, with its bound identity
    created = tool(server, raw_session, "create_session", {"purpose": "after restart"})["structuredContent"]
    assert created["success"] and created["created_by"] == "bound-agent"
    async with connect(server) as session:
        assert (await call(session, "get_memory", key="survives", auth_token=token))["value"] == {"v": 1}
