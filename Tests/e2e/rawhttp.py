"""Raw HTTP requests to /mcp (for what a well-behaved client never sends)."""
import json
import urllib.error
import urllib.request


def post(server, body, headers=None, key=True, path="/mcp", method="POST"):
    all_headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if key:
        all_headers["X-API-Key"] = server.api_key
    all_headers.update(headers or {})
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, headers=all_headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def initialize(server, version="2025-06-18"):
    status, headers, body = post(server, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
    assert status == 200, body
    return headers["Mcp-Session-Id"], json.loads(body)


def tool(server, session_id, name, arguments, headers=None):
    all_headers = {"Mcp-Session-Id": session_id}
    all_headers.update(headers or {})
    status, _, body = post(server, {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                    "params": {"name": name, "arguments": arguments}}, headers=all_headers)
    assert status == 200, body
    return json.loads(body)["result"]
