"""Registered agents and IDENTITY_MODE=verified through a real `scs serve` and the official MCP
client: a key is its agent, nobody else's; the API key alone names nobody; a revoked key is
refused within a second."""
import asyncio
import re
import subprocess
import time

from conftest import BIN, Server, authenticate, call, connect, until, until_counts
from rawhttp import post


def add_agent(srv, agent_id, agent_type="claude"):
    out = subprocess.run([BIN, "agents", "add", agent_id, "--type", agent_type], env=srv.env, capture_output=True, text=True, check=True)
    return re.search(r"key: (sca_\S+)", out.stdout).group(1)


def agents(srv, *arguments):
    return subprocess.run([BIN, "agents", *arguments], env=srv.env, capture_output=True, text=True)


async def test_verified_mode_keys_are_identities_and_revocation_is_prompt():
    srv = Server()
    srv.env.update(IDENTITY_MODE="verified")
    alice_key, bob_key = add_agent(srv, "alice"), add_agent(srv, "bob")
    srv.start()
    try:
        # The shared API key alone: no identity at all.
        async with connect(srv) as anyone:
            refused = await anyone.call_tool("authenticate_agent", {"agent_id": "alice", "agent_type": "claude"})
            assert refused.structured_content["code"] == "TOKEN_AUTHENTICATION_FAILED"
            assert "IDENTITY_MODE=verified" in refused.structured_content["error"]
            assert (await anyone.call_tool("list_sessions", {})).structured_content["code"] == "TOKEN_AUTHENTICATION_FAILED"
        # Alice's key is Alice, with no token; her private note stays hers.
        async with connect(srv, headers={"X-API-Key": alice_key}) as alice:
            sid = (await call(alice, "create_session", purpose="verified"))["session_id"]
            await call(alice, "add_message", session_id=sid, content="alice's private note", visibility="private")
            await call(alice, "add_message", session_id=sid, content="for everyone")
            assert (await call(alice, "get_session", session_id=sid))["session"]["created_by"] == "alice"
        # Bob, in Authorization: Bearer, is Bob: he cannot read her note, mint her a token or post as her.
        async with connect(srv, headers={"X-API-Key": "", "Authorization": f"Bearer {bob_key}"}) as bob:
            seen = await call(bob, "get_messages", session_id=sid)
            assert [m["content"] for m in seen["messages"]] == ["for everyone"]
            as_alice = await bob.call_tool("authenticate_agent", {"agent_id": "alice", "agent_type": "claude"})
            assert as_alice.structured_content["code"] == "TOKEN_AUTHENTICATION_FAILED"
            posted = await call(bob, "add_message", session_id=sid, content="from bob")
            assert (await call(bob, "get_messages", session_id=sid))["messages"][-1]["sender"] == "bob", posted
            own = await call(bob, "authenticate_agent", agent_id="bob", agent_type="claude")
            assert own["agent_id"] == "bob" and own["token"].startswith("sct_")
        # Revoked while the server runs: refused at the door within a second, on this node, and her
        # open subscription hears nothing more.
        updates = []

        async def heard(message):
            if "notifications/resources/updated" in repr(message) or "ResourceUpdated" in repr(message):
                updates.append(message)

        async with connect(srv, headers={"X-API-Key": alice_key}, message_handler=heard) as watcher, \
                connect(srv, headers={"X-API-Key": bob_key}) as bob:
            await watcher.subscribe_resource(f"session://{sid}")
            await until_counts(srv, "alice's notification stream is open", lambda counts: counts["sse_streams"] >= 1)
            await call(bob, "add_message", session_id=sid, content="while alice listens")
            await until("alice hears of bob's message", lambda: len(updates) >= 1)
            assert post(srv, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, key=False, headers={"X-API-Key": alice_key})[0] != 401
            result = agents(srv, "revoke", "alice")
            assert result.returncode == 0, result.stderr
            revoked_at = time.monotonic()
            while post(srv, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, key=False, headers={"X-API-Key": alice_key})[0] != 401:
                assert time.monotonic() - revoked_at < 1.5, "a revoked key still opened /mcp after 1.5 s"
                time.sleep(0.05)
            await asyncio.sleep(max(0.0, 1.1 - (time.monotonic() - revoked_at)))  # the server's memory of the key has lapsed
            heard_before = len(updates)
            await call(bob, "add_message", session_id=sid, content="after alice's revocation")
            await asyncio.sleep(0.8)  # an absence: nothing to wait on
            assert len(updates) == heard_before, "a revoked agent's subscription was still notified"
        listed = agents(srv, "list").stdout
        assert "alice" in listed and "revoked" in listed and "sca_" not in listed
        seen = agents(srv, "seen").stdout
        assert "alice" in seen and "bob" in seen
    finally:
        srv.stop()


async def test_open_mode_is_unchanged_and_a_key_still_names_its_agent(server):
    # The Python server's model: the API key may claim any agent id.
    async with connect(server) as anyone:
        token = await authenticate(anyone, "claimed-agent")
        assert token.startswith("sct_")
    key = add_agent(server, "keyed-agent", "gemini")
    async with connect(server, headers={"X-API-Key": key}) as keyed:
        sid = (await call(keyed, "create_session", purpose="open mode"))["session_id"]
        assert (await call(keyed, "get_session", session_id=sid))["session"]["created_by"] == "keyed-agent"
        other = await keyed.call_tool("authenticate_agent", {"agent_id": "claimed-agent", "agent_type": "claude"})
        assert other.structured_content["code"] == "TOKEN_AUTHENTICATION_FAILED"
    status, _, body = post(server, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, key=False, headers={"X-API-Key": "sca_not-a-real-key"})
    assert status == 401 and b"unknown, rotated out or revoked" in body
