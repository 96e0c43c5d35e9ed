"""Transport and token authentication: API key, Origin, forged/expired/re-signed tokens, bearer
tokens, read-only identities."""
import base64
import hashlib
import hmac
import json
import time

from conftest import authenticate, call, connect
from rawhttp import initialize, post, tool


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret, header=None, **claims):
    now = int(time.time())
    payload = {"agent_id": "forger", "agent_type": "claude", "permissions": ["read", "write"], "iat": now,
               "exp": now + 3600, "iss": "shared-context-server", "aud": "mcp-agents", "jti": "x"}
    payload.update(claims)
    head = b64(json.dumps(header or {"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = b64(hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{signature}"


def test_api_key_is_required_on_every_request(server):
    hello = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    for method in ["POST", "GET", "DELETE"]:
        status, _, body = post(server, hello if method == "POST" else None, key=False, method=method)
        assert status == 401, (method, body)
        status, _, _ = post(server, hello if method == "POST" else None, headers={"X-API-Key": "wrong" * 10}, key=False, method=method)
        assert status == 401
    assert server.api_key not in server.log_text()


def test_origin_check(server):
    ping = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18"}}
    assert post(server, ping, headers={"Origin": "http://evil.example"})[0] == 403
    assert post(server, ping, headers={"Origin": "http://localhost.evil.example:80"})[0] == 403
    assert post(server, ping, headers={"Origin": "http://localhost:5173"})[0] == 200
    assert post(server, ping, headers={"Origin": "http://[::1]:8080"})[0] == 200


def live_jwt_id(server, agent_id):
    """The jti of the agent's newest token row (the test holds the database; a client does not)."""
    import os
    import sqlite3
    db = sqlite3.connect(os.path.join(server.dir, "data", "scs.db"))
    try:
        return db.execute("SELECT jwt_id FROM secure_tokens WHERE agent_id = ? ORDER BY id DESC LIMIT 1", (agent_id,)).fetchone()[0]
    finally:
        db.close()


def test_forged_expired_wrong_audience_alg_none_and_resigned_tokens_are_refused(server):
    sid, _ = initialize(server)
    secret = server.secrets["JWT_SECRET_KEY"]
    # Correctly signed, but its jti names no token: refused (a leaked secret alone mints nothing).
    orphan = tool(server, sid, "get_usage_guidance", {"auth_token": jwt(secret, jti="no-such-token")})["structuredContent"]
    assert orphan["success"] is False and orphan["code"] == "TOKEN_AUTHENTICATION_FAILED", orphan
    issued = tool(server, sid, "authenticate_agent", {"agent_id": "forger", "agent_type": "claude"})["structuredContent"]
    good = jwt(secret, jti=live_jwt_id(server, "forger"))
    accepted = tool(server, sid, "get_usage_guidance", {"auth_token": good})["structuredContent"]
    assert accepted["agent_info"]["agent_id"] == "forger"
    refused = {
        "forged": jwt("not-the-secret" * 4),
        "expired": jwt(secret, exp=int(time.time()) - 3600),
        "wrong audience": jwt(secret, aud="someone-else"),
        "wrong issuer": jwt(secret, iss="evil"),
        "alg none": b64(b'{"alg":"none","typ":"JWT"}') + "." + good.split(".")[1] + ".",
        "alg HS512 header": jwt(secret, header={"alg": "HS512", "typ": "JWT"}),
        "re-signed": good.split(".")[0] + "." + b64(json.dumps({"agent_id": "forger", "agent_type": "admin", "permissions": ["admin"],
                                                               "exp": int(time.time()) + 999, "iss": "shared-context-server",
                                                               "aud": "mcp-agents"}).encode()) + "." + good.split(".")[2],
    }
    for name, token in refused.items():
        result = tool(server, sid, "create_session", {"purpose": "x", "auth_token": token})["structuredContent"]
        assert result["success"] is False and result["code"] in ("TOKEN_AUTHENTICATION_FAILED", "INVALID_TOKEN_FORMAT"), name
        assert token not in json.dumps(result), name
    # a JWT signed with the real secret cannot claim more than its agent type allows
    greedy = jwt(secret, permissions=["read", "write", "admin"], jti=live_jwt_id(server, "forger"))
    denied = tool(server, sid, "get_performance_metrics", {"auth_token": greedy})["structuredContent"]
    assert denied["code"] == "PERMISSION_DENIED"
    # Revoking the sct_ token retires the JWT behind it.
    assert tool(server, sid, "revoke_token", {"auth_token": issued["token"]})["structuredContent"]["revoked"]
    after = tool(server, sid, "get_usage_guidance", {"auth_token": good})["structuredContent"]
    assert after["success"] is False and after["code"] == "TOKEN_AUTHENTICATION_FAILED", after
    assert secret not in server.log_text()


async def test_bearer_token_and_read_only_identities(server):
    async with connect(server) as session:
        token = await authenticate(session, "bearer-agent", "claude")
        reader = await authenticate(session, "reader-agent", "generic", ["read", "write"])
    async with connect(server, headers={"Authorization": f"Bearer {token}"}) as session:
        created = await call(session, "create_session", purpose="via bearer")
        assert created["created_by"] == "bearer-agent"
        denied = await call(session, "create_session", purpose="x", auth_token=reader)
        assert denied["code"] == "PERMISSION_DENIED" and denied["context"]["current_permissions"] == ["read"]
        assert (await call(session, "add_message", session_id=created["session_id"], content="x", auth_token=reader))["code"] == "PERMISSION_DENIED"
        assert (await call(session, "set_memory", key="k", value=1, auth_token=reader))["code"] == "PERMISSION_DENIED"
    async with connect(server) as anonymous:
        result = await call(anonymous, "create_session", purpose="anon")
        assert result["code"] == "PERMISSION_DENIED"
        guidance = await call(anonymous, "get_usage_guidance")
        assert guidance["access_level"] == "READ_ONLY" and guidance["agent_info"]["agent_id"].startswith("agent_")


def test_session_lifecycle_over_raw_http(server):
    sid, init = initialize(server, version="2025-03-26")
    assert init["result"]["protocolVersion"] == "2025-03-26"
    assert initialize(server, version="1999-01-01")[1]["result"]["protocolVersion"] == "2025-11-25"
    status, _, body = post(server, {"jsonrpc": "2.0", "method": "notifications/initialized"}, headers={"Mcp-Session-Id": sid})
    assert status == 202 and body == b""
    status, _, _ = post(server, {"jsonrpc": "2.0", "id": 3, "method": "ping"}, headers={"Mcp-Session-Id": "0" * 32})
    assert status == 404
    status, _, _ = post(server, {"jsonrpc": "2.0", "id": 3, "method": "ping"})
    assert status == 400
    batch = [{"jsonrpc": "2.0", "id": 4, "method": "ping"}, {"jsonrpc": "2.0", "id": 5, "method": "tools/list"}]
    status, _, body = post(server, batch, headers={"Mcp-Session-Id": sid})
    assert status == 200 and [r["id"] for r in json.loads(body)] == [4, 5]
    status, _, body = post(server, {"jsonrpc": "2.0", "id": 6, "method": "nope"}, headers={"Mcp-Session-Id": sid})
    assert json.loads(body)["error"]["code"] == -32601
    status, headers, body = post(server, {"jsonrpc": "2.0", "id": 7, "method": "ping"},
                                 headers={"Mcp-Session-Id": sid, "Accept": "text/event-stream"})
    assert status == 200 and headers["Content-Type"] == "text/event-stream" and b'"id":7' in body
    assert post(server, None, headers={"Mcp-Session-Id": sid}, method="DELETE")[0] == 200
    assert post(server, {"jsonrpc": "2.0", "id": 8, "method": "ping"}, headers={"Mcp-Session-Id": sid})[0] == 404
    # the stateless revision: no session, the version with the request
    status, _, body = post(server, {"jsonrpc": "2.0", "id": 9, "method": "server/discover", "params": {
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}}, headers={"MCP-Protocol-Version": "2026-07-28"})
    assert status == 200 and "2026-07-28" in json.loads(body)["result"]["supportedVersions"]
    status, _, body = post(server, {"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {
        "name": "get_usage_guidance", "arguments": {}}}, headers={"MCP-Protocol-Version": "2026-07-28"})
    assert status == 200 and json.loads(body)["result"]["structuredContent"]["access_level"] == "READ_ONLY"
