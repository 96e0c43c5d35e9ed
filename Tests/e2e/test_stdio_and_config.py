"""`scs stdio` (the official client's stdio transport, bridged to the running server) and
`scs client-config`."""
import json
import subprocess

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from conftest import BIN, call, connect


async def test_stdio_bridge_shares_the_running_server(server):
    port = server.url.rsplit(":", 1)[1]
    env = dict(server.env, HTTP_PORT=port)
    env.pop("API_KEY", None)  # the bridge reads the key from the env file scs setup wrote
    params = StdioServerParameters(command=BIN, args=["stdio"], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            assert len((await session.list_tools()).tools) == 23
            token = (await call(session, "authenticate_agent", agent_id="stdio-agent", agent_type="claude"))["token"]
            sid = (await call(session, "create_session", purpose="over stdio", auth_token=token))["session_id"]
            await call(session, "add_message", session_id=sid, content="hello from stdio", auth_token=token)
    async with connect(server) as http:
        messages = (await call(http, "get_messages", session_id=sid))["messages"]
    assert [m["content"] for m in messages] == ["hello from stdio"]


def test_client_config_prints_working_configuration(server):
    port = server.url.rsplit(":", 1)[1]
    env = dict(server.env, HTTP_PORT=port)
    out = subprocess.run([BIN, "client-config", "claude"], env=env, capture_output=True, text=True, check=True).stdout
    config = json.loads(out.split("'")[1])
    assert config == {"type": "http", "url": f"http://127.0.0.1:{port}/mcp/", "headers": {"X-API-Key": server.api_key}}
    everything = subprocess.run([BIN, "client-config", "all"], env=env, capture_output=True, text=True, check=True).stdout
    for client in ["claude", "cursor", "vscode", "gemini", "claude-desktop", "codex"]:
        assert f"## {client}" in everything
    assert subprocess.run([BIN, "client-config", "nope"], env=env, capture_output=True).returncode != 0


def test_clients_never_take_key_or_target_from_dot_env_nor_leave_this_machine(server, tmp_path):
    port = server.url.rsplit(":", 1)[1]
    env = dict(server.env, HTTP_PORT=port)
    env.pop("API_KEY", None)
    env.pop("SCS_ENV_FILE", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    (tmp_path / "config" / "shared-context-server").mkdir(parents=True)
    (tmp_path / "config" / "shared-context-server" / "scs.env").write_text(f"API_KEY={server.api_key}\n")
    # A ./.env planted in the working directory names another key and another machine.
    (tmp_path / ".env").write_text("API_KEY=planted-key-planted-key-planted-key\nHTTP_HOST=10.9.8.7\n")
    out = subprocess.run([BIN, "client-config", "claude"], env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert json.loads(out.split("'")[1])["headers"]["X-API-Key"] == server.api_key and "10.9.8.7" not in out
    # A non-loopback host from the environment is refused (nothing is sent); --url names it on purpose.
    far = dict(env, HTTP_HOST="10.9.8.7")
    for command in (["stdio"], ["client-config", "claude"]):
        refused = subprocess.run([BIN, *command], env=far, cwd=tmp_path, capture_output=True, text=True, input="", timeout=20)
        assert refused.returncode == 64 and "--url" in refused.stderr, (command, refused.stderr)
    named = subprocess.run([BIN, "client-config", "claude", "--url", "https://scs.example/mcp/"], env=far, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert json.loads(named.split("'")[1])["url"] == "https://scs.example/mcp/"
