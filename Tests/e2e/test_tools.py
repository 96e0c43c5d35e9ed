"""Every one of the 23 tools through the official MCP client: success and error paths."""
import asyncio
import json
import os

from conftest import authenticate, call, call_raw, connect, until_counts

SNAPSHOT = os.path.join(os.path.dirname(__file__), "snapshots", "tools-list.json")


async def test_tools_list_matches_snapshot(server):
    async with connect(server) as session:
        tools = (await session.list_tools()).tools
    listing = [tool.model_dump(mode="json", exclude_none=True, by_alias=True) for tool in tools]
    assert len(listing) == 23
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        os.makedirs(os.path.dirname(SNAPSHOT), exist_ok=True)
        with open(SNAPSHOT, "w") as f:
            json.dump(listing, f, indent=1, ensure_ascii=False)
            f.write("\n")
    with open(SNAPSHOT) as f:
        assert listing == json.load(f), "tools/list changed: run UPDATE_SNAPSHOTS=1 ./scripts/test-e2e on purpose"


async def test_auth_tools(server):
    async with connect(server) as session:
        token = await authenticate(session, "auth-agent", "claude", ["read", "write", "admin"])
        # claude may not hold admin: the grant is the intersection.
        info = await call(session, "get_usage_guidance", auth_token=token)
        assert info["agent_info"]["permissions"] == ["read", "write"]
        refreshed = await call(session, "refresh_token", current_token=token)
        assert refreshed["success"] and refreshed["token"] != token and refreshed["expires_in"] == 3600
        old = await call(session, "get_usage_guidance", auth_token=token)
        assert old["code"] == "TOKEN_AUTHENTICATION_FAILED" and token not in json.dumps(old)
        again = await call(session, "refresh_token", current_token=token)
        assert again["code"] == "TOKEN_REFRESH_FAILED" and token not in json.dumps(again)
        revoked = await call(session, "revoke_token", auth_token=refreshed["token"])
        assert revoked["revoked"] is True
        after = await call(session, "create_session", purpose="x", auth_token=refreshed["token"])
        assert after["code"] == "TOKEN_AUTHENTICATION_FAILED"
        missing = await call(session, "revoke_token", token=refreshed["token"], auth_token=await authenticate(session, "other", "claude"))
        assert missing["code"] == "TOKEN_NOT_FOUND"
        bad = await call_raw(session, "refresh_token", current_token="garbage")
        assert bad.is_error and "does not match" in bad.content[0].text


async def test_sessions_messages_and_threads(server):
    async with connect(server) as session:
        token = await authenticate(session, "writer-1")
        created = await call(session, "create_session", purpose="  plan the release  ", metadata={"team": "core"}, auth_token=token)
        sid = created["session_id"]
        assert created["created_by"] == "writer-1" and sid.startswith("session_")
        first = await call(session, "add_message", session_id=sid, content="root message", auth_token=token)
        reply = await call(session, "add_message", session_id=sid, content="a reply", parent_message_id=first["message_id"], auth_token=token)
        got = await call(session, "get_session", session_id=sid, auth_token=token)
        assert got["session"]["purpose"] == "plan the release" and got["session"]["metadata"] == {"team": "core"}
        assert [m["id"] for m in got["messages"]] == [reply["message_id"], first["message_id"]]
        page = await call(session, "get_messages", session_id=sid, limit=1, auth_token=token)
        assert page["count"] == 1 and page["total_count"] == 2 and page["has_more"] is True
        thread = await call(session, "get_message_thread", message_id=reply["message_id"], auth_token=token)
        assert thread["root"]["id"] == first["message_id"] and thread["count"] == 2
        listed = await call(session, "list_sessions", created_by="writer-1", auth_token=token)
        assert sid in [s["id"] for s in listed["sessions"]]
        entry = next(s for s in listed["sessions"] if s["id"] == sid)
        assert entry["message_count"] == 2
        agents = await call(session, "get_active_agents", session_id=sid, auth_token=token)
        assert [a["agent_id"] for a in agents["agents"]] == ["writer-1"] and agents["agents"][0]["message_count"] == 2
        changed = await call(session, "set_message_visibility", message_id=reply["message_id"], visibility="private", auth_token=token)
        assert changed["previous_visibility"] == "public" and changed["visibility"] == "private"
        other = await authenticate(session, "writer-2")
        denied = await call(session, "close_session", session_id=sid, auth_token=other)
        assert denied["code"] == "PERMISSION_DENIED"
        closed = await call(session, "close_session", session_id=sid, auth_token=token)
        again = await call(session, "close_session", session_id=sid, auth_token=token)
        assert closed["closed_at"] == again["closed_at"]
        refused = await call(session, "add_message", session_id=sid, content="late", auth_token=token)
        assert refused["code"] == "SESSION_CLOSED"
        assert (await call(session, "get_messages", session_id=sid, auth_token=token))["count"] == 2
        unknown = await call(session, "get_session", session_id="session_0000000000000000", auth_token=token)
        assert unknown["code"] == "SESSION_NOT_FOUND" and unknown["recoverable"] is True
        nothread = await call(session, "get_message_thread", message_id=999999999, auth_token=token)
        assert nothread["code"] == "MESSAGE_NOT_FOUND"
        bad_parent = await call(session, "add_message", session_id=(await call(session, "create_session", purpose="p2", auth_token=token))["session_id"],
                                content="x", parent_message_id=first["message_id"], auth_token=token)
        assert bad_parent["code"] == "INVALID_PARENT_MESSAGE"


async def test_search_tools(server):
    async with connect(server) as session:
        token = await authenticate(session, "searcher")
        sid = (await call(session, "create_session", purpose="search", auth_token=token))["session_id"]
        for text in ["the database migration failed", "deploy went fine", "database index rebuilt"]:
            await call(session, "add_message", session_id=sid, content=text, auth_token=token)
        found = await call(session, "search_context", session_id=sid, query="databse", auth_token=token)
        contents = [r["message"]["content"] for r in found["results"]]
        assert "the database migration failed" in contents and "deploy went fine" not in contents
        assert all(r["score"] >= 60 for r in found["results"])
        by_sender = await call(session, "search_by_sender", session_id=sid, sender="searcher", auth_token=token)
        assert by_sender["count"] == 3 and by_sender["messages"][0]["content"] == "database index rebuilt"
        ranged = await call(session, "search_by_timerange", session_id=sid, start_time="2000-01-01", end_time="2999-01-01T00:00:00Z", auth_token=token)
        assert ranged["count"] == 3 and ranged["messages"][0]["content"] == "the database migration failed"
        bad_time = await call(session, "search_by_timerange", session_id=sid, start_time="yesterday", end_time="now", auth_token=token)
        assert bad_time["code"] == "INVALID_DATETIME"
        bad_scope = await call_raw(session, "search_context", session_id=sid, query="x", search_scope="secret")
        assert bad_scope.is_error and "is not one of" in bad_scope.content[0].text
        missing = await call(session, "search_context", session_id="session_ffffffffffffffff", query="x")
        assert missing["code"] == "SESSION_NOT_FOUND"
        # An existing session with nothing to search is not "not found".
        empty = (await call(session, "create_session", purpose="empty", auth_token=token))["session_id"]
        nothing = await call(session, "search_context", session_id=empty, query="x", auth_token=token)
        assert nothing["success"] is True and nothing["results"] == []
        # match_preview cuts at 150 code points, as Python's content[:150] does (not at graphemes).
        accented = "e\u0301" * 100 + " database"
        await call(session, "add_message", session_id=sid, content=accented, auth_token=token)
        hit = await call(session, "search_context", session_id=sid, query="e\u0301e\u0301 database", auth_token=token)
        preview = next(r["match_preview"] for r in hit["results"] if r["message"]["content"] == accented)
        assert preview == accented[:150] + "..."


async def test_memory_tools(server):
    async with connect(server) as session:
        token = await authenticate(session, "memo")
        sid = (await call(session, "create_session", purpose="memory", auth_token=token))["session_id"]
        for value in [{"a": 1}, [1, 2], "text", 42, True]:
            stored = await call(session, "set_memory", key="k", value=value, auth_token=token)
            assert stored["scope"] == "global"
            assert (await call(session, "get_memory", key="k", auth_token=token))["value"] == value
        await call(session, "set_memory", key="scoped", value={"x": 1}, session_id=sid, expires_in=3600, auth_token=token)
        exists = await call(session, "set_memory", key="scoped", value={"x": 2}, session_id=sid, overwrite=False, auth_token=token)
        assert exists["code"] == "KEY_EXISTS"
        listed = await call(session, "list_memory", session_id="all", auth_token=token)
        assert sorted(e["key"] for e in listed["entries"]) == ["k", "scoped"]
        assert (await call(session, "list_memory", prefix="%", auth_token=token))["count"] == 0
        deleted = await call(session, "delete_memory", key="scoped", session_id=sid, auth_token=token)
        assert deleted["deleted"] is True
        assert (await call(session, "get_memory", key="scoped", session_id=sid, auth_token=token))["code"] == "MEMORY_NOT_FOUND"
        assert (await call(session, "delete_memory", key="scoped", session_id=sid, auth_token=token))["code"] == "MEMORY_NOT_FOUND"
        assert (await call(session, "set_memory", key="bad key", value=1, auth_token=token))["code"] == "INVALID_KEY"
        assert (await call(session, "set_memory", key="t", value=1, expires_in=-5, auth_token=token))["code"] == "INVALID_TTL_VALUE"
        anonymous = await call(session, "set_memory", key="k2", value=1, auth_token=None)
        # the MCP session is bound to the last authenticated agent: that identity writes.
        assert anonymous["success"] is True


async def test_admin_tools(server):
    async with connect(server) as session:
        admin = await authenticate(session, "root", "admin", ["read", "write", "admin"])
        agent = await authenticate(session, "plain", "claude")
        metrics = await call(session, "get_performance_metrics", auth_token=admin)
        assert metrics["tools"]["authenticate_agent"]["calls"] >= 2
        assert {w["role"] for w in metrics["workers"]} == {"search", "memory"} and all(w["pid"] for w in metrics["workers"])
        assert metrics["database"]["size_bytes"] > 0
        assert (await call(session, "get_performance_metrics", auth_token=agent))["code"] == "PERMISSION_DENIED"
        log = await call(session, "get_audit_log", agent_id="plain", event_type="jwt_token_generated", auth_token=admin)
        assert log["count"] >= 1 and log["events"][0]["agent_id"] == "plain"
        assert agent not in json.dumps(log)
        assert (await call(session, "get_audit_log", since="not-a-date", auth_token=admin))["code"] == "INVALID_DATETIME"
        assert (await call(session, "get_audit_log", auth_token=agent))["code"] == "PERMISSION_DENIED"
        guidance = await call(session, "get_usage_guidance", guidance_type="troubleshooting", auth_token=admin)
        assert guidance["access_level"] == "ADMIN" and "Performance Issues" in guidance["guidance"]["common_issues"]
        assert (await call(session, "get_usage_guidance", guidance_type="nope", auth_token=agent))["code"] == "INVALID_GUIDANCE_TYPE"


async def test_wait_for_messages_long_poll(server):
    async with connect(server) as waiter, connect(server) as writer:
        token = await authenticate(writer, "poster")
        reader = await authenticate(waiter, "poller")
        sid = (await call(writer, "create_session", purpose="poll", auth_token=token))["session_id"]
        timed_out = await call(waiter, "wait_for_messages", session_id=sid, timeout_seconds=0.2, auth_token=reader)
        assert timed_out["timed_out"] is True and timed_out["last_message_id"] == 0
        pending = asyncio.create_task(call(waiter, "wait_for_messages", session_id=sid, timeout_seconds=30, auth_token=reader))
        await until_counts(server, "the long-poll parks", lambda counts: counts["long_polls"] >= 1)
        assert not pending.done()
        # a message the waiter may not see does not end the wait: it wakes, re-reads, parks again
        await call(writer, "add_message", session_id=sid, content="hidden", visibility="private", auth_token=token)
        await until_counts(server, "the long-poll parks again", lambda counts: counts["long_polls"] >= 1)
        assert not pending.done()
        posted = await call(writer, "add_message", session_id=sid, content="hello", auth_token=token)
        woke = await asyncio.wait_for(pending, 10)
        assert woke["timed_out"] is False and [m["content"] for m in woke["messages"]] == ["hello"]
        assert woke["last_message_id"] == posted["message_id"]
