"""The visibility matrix: 4 visibilities x 5 readers x every read path; nothing leaks, nothing
visible is missing (docs/CONTRACT.md §4)."""
import asyncio
import contextlib
import json

from conftest import authenticate, call, connect, until, until_counts

VISIBILITIES = ["public", "private", "agent_only", "admin_only"]
READERS = {  # name: (agent_id, agent_type, permissions) — None = anonymous
    "sender": ("vis-sender", "claude", None),
    "other_type": ("vis-gemini", "gemini", None),
    "same_type": ("vis-claude-2", "claude", None),
    "admin": ("vis-admin", "admin", ["read", "write", "admin"]),
    "anonymous": None,
}
EXPECTED = {
    "public": {"sender", "other_type", "same_type", "admin", "anonymous"},
    "private": {"sender", "admin"},
    "agent_only": {"sender", "same_type", "admin"},
    "admin_only": {"admin"},
}


def visible_to(reader):
    return {v for v in VISIBILITIES if reader in EXPECTED[v]}


def marks(messages, key=lambda m: m["content"]):
    found = set()
    for message in messages:
        text = key(message)
        for v in VISIBILITIES:
            if text == f"vismark {v}":
                found.add(v)
    return found


async def test_visibility_matrix_on_every_read_path(server):
    async with contextlib.AsyncExitStack() as stack:
        sessions, tokens = {}, {}
        for name, spec in READERS.items():
            sessions[name] = await stack.enter_async_context(connect(server))
            if spec:
                tokens[name] = await authenticate(sessions[name], spec[0], spec[1], spec[2])
        sender, admin = sessions["sender"], sessions["admin"]
        sid = (await call(sender, "create_session", purpose="visibility matrix"))["session_id"]
        root = await call(sender, "add_message", session_id=sid, content="vismark public")
        ids = {"public": root["message_id"]}
        for v in ["private", "agent_only", "admin_only"]:
            posted = await call(sender, "add_message", session_id=sid, content=f"vismark {v}",
                                visibility="public" if v == "admin_only" else v, parent_message_id=root["message_id"])
            ids[v] = posted["message_id"]
        # an admin makes the sender's own message admin_only: the sender no longer sees it
        changed = await call(admin, "set_message_visibility", message_id=ids["admin_only"], visibility="admin_only")
        assert changed["previous_visibility"] == "public"

        for name, session in sessions.items():
            expected = visible_to(name)
            got = await call(session, "get_session", session_id=sid)
            assert marks(got["messages"]) == expected, ("get_session", name)
            got = await call(session, "get_messages", session_id=sid)
            assert marks(got["messages"]) == expected and got["total_count"] == len(expected), ("get_messages", name)
            for f in VISIBILITIES + [""]:
                got = await call(session, "get_messages", session_id=sid, visibility_filter=f)
                assert marks(got["messages"]) == (expected & {f} if f else expected), ("get_messages filter", f, name)
            for scope, allowed in [("all", set(VISIBILITIES)), ("public", {"public"}), ("private", {"private"})]:
                got = await call(session, "search_context", session_id=sid, query="vismark", search_scope=scope)
                assert marks(got["results"], key=lambda r: r["message"]["content"]) == expected & allowed, ("search", scope, name)
            got = await call(session, "search_by_sender", session_id=sid, sender="vis-sender")
            assert marks(got["messages"]) == expected, ("search_by_sender", name)
            got = await call(session, "search_by_timerange", session_id=sid, start_time="2000-01-01", end_time="2999-01-01")
            assert marks(got["messages"]) == expected, ("search_by_timerange", name)
            got = await call(session, "wait_for_messages", session_id=sid, timeout_seconds=0)
            assert marks(got["messages"]) == expected, ("wait_for_messages", name)
            got = await call(session, "get_message_thread", message_id=root["message_id"])
            assert marks(got["messages"]) == expected, ("get_message_thread", name)
            for v in VISIBILITIES:
                one = await call(session, "get_message_thread", message_id=ids[v])
                assert one.get("success") is (v in expected), ("get_message_thread of", v, name)
            for uri in [f"session://{sid}", f"session://{sid}/messages/50"]:
                body = await session.read_resource(uri)
                document = json.loads(body.contents[0].text)
                assert marks(document["messages"]) == expected, ("resource", uri, name)


async def test_visibility_of_live_notifications(server):
    received = {name: [] for name in READERS}

    def handler(name):
        async def handle(message):
            if "notifications/resources/updated" in repr(message) or "ResourceUpdated" in type(getattr(message, "root", message)).__name__:
                received[name].append(repr(message))
        return handle

    async with contextlib.AsyncExitStack() as stack:
        sessions = {}
        for name, spec in READERS.items():
            sessions[name] = await stack.enter_async_context(connect(server, message_handler=handler(name)))
            if spec:
                await authenticate(sessions[name], spec[0], spec[1], spec[2])
        sid = (await call(sessions["sender"], "create_session", purpose="live"))["session_id"]
        # A fence: a public message in a session of its own, which every reader hears of on the
        # same stream after anything sent before it.
        fence = (await call(sessions["sender"], "create_session", purpose="fence"))["session_id"]
        for session in sessions.values():
            await session.subscribe_resource(f"session://{sid}")
            await session.subscribe_resource(f"session://{fence}")
        await until_counts(server, "every reader's notification stream is open", lambda counts: counts["sse_streams"] >= len(sessions))
        for v in VISIBILITIES:
            for log in received.values():
                log.clear()
            writer = sessions["admin" if v == "admin_only" else "sender"]
            await call(writer, "add_message", session_id=sid, content=f"live {v}", visibility=v)
            await call(sessions["sender"], "add_message", session_id=fence, content=f"fence after {v}")
            # Everyone hears the fence, and whoever may see the message hears of it (a reader's
            # token is checked again before each notification, so the two may arrive in either order).
            await until(f"every reader hears the fence after {v}, and the readers of {v} the message", lambda: all(
                any(fence in m for m in log) and (name not in EXPECTED[v] or any(sid in m for m in log)) for name, log in received.items()))
            got = {name for name, log in received.items() if any(sid in m for m in log)}
            assert got == EXPECTED[v], (v, got)
            assert all(sum(sid in m for m in log) <= 1 for log in received.values())