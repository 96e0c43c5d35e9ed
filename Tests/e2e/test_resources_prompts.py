"""Resource templates read with the MCP session's identity, and the two prompts."""
import json

import pytest
from mcp.shared.exceptions import MCPError

from conftest import authenticate, call, connect, until, until_counts


async def test_resources_use_the_session_identity(server):
    async with connect(server) as session:
        token = await authenticate(session, "res-agent")
        templates = {t.uri_template for t in (await session.list_resource_templates()).resource_templates}
        assert templates == {"session://{session_id}", "agent://{agent_id}/memory", "session://{session_id}/messages/{limit}",
                             "server://info/{_}", "docs://tools/{_}"}
        await call(session, "set_memory", key="note", value={"n": 1}, auth_token=token)
        memory = json.loads((await session.read_resource("agent://res-agent/memory")).contents[0].text)
        assert memory["memory"]["global"]["note"]["value"] == {"n": 1}
        with pytest.raises(MCPError, match="Unauthorized"):
            await session.read_resource("agent://someone-else/memory")
        with pytest.raises(MCPError, match="not found"):
            await session.read_resource("session://session_0000000000000000")
        info = json.loads((await session.read_resource("server://info/default")).contents[0].text)
        assert info["tools"]["count"] == 23


async def test_prompts_are_proper_prompt_messages(server):
    async with connect(server) as session:
        await authenticate(session, "prompt-agent")
        names = [p.name for p in (await session.list_prompts()).prompts]
        assert names == ["setup-collaboration", "debug-session"]
        setup = await session.get_prompt("setup-collaboration", {"purpose": "ship it", "expert_roles": "architect, reviewer"})
        text = setup.messages[0].content.text
        assert setup.messages[0].role == "user" and text.startswith("# Multi-agent collaboration: ship it")
        assert "agent_architect_001" in text and "agent_reviewer_002" in text and not text.startswith("{")
        sid = (await call(session, "create_session", purpose="debug me"))["session_id"]
        await call(session, "add_message", session_id=sid, content="secret", visibility="private")
        own = (await session.get_prompt("debug-session", {"session_id": sid})).messages[0].content.text
        assert "Messages you can see: 1" in own
    async with connect(server) as anonymous:
        other = (await anonymous.get_prompt("debug-session", {"session_id": sid})).messages[0].content.text
        assert "Messages you can see: 0" in other and "secret" not in other


async def test_memory_expiry_is_pushed_to_subscribers(server):
    import asyncio
    updates = []

    async def handle(message):
        if "agent://expiring-agent/memory" in repr(message):
            updates.append(message)

    async with connect(server, message_handler=handle) as session:
        token = await authenticate(session, "expiring-agent")
        await session.subscribe_resource("agent://expiring-agent/memory")
        await until_counts(server, "the notification stream is open", lambda counts: counts["sse_streams"] >= 1)
        await call(session, "set_memory", key="short", value="lived", expires_in=1, auth_token=token)
        await until("the write is pushed", lambda: len(updates) >= 1)
        # The sweeper (every 0.3 s here) deletes it after ~1 s and pushes the change.
        await until("the expiry is pushed", lambda: len(updates) >= 2)
        assert len(updates) == 2
        assert (await call(session, "get_memory", key="short", auth_token=token))["code"] == "MEMORY_NOT_FOUND"
