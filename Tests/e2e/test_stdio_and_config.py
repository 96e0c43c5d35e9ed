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


def test_setup_stores_a_dashboard_password_as_a_scrypt_hash(tmp_path):
    """`scs setup --admin-password` reads the password from stdin and stores only its scrypt hash,
    which Python's own hashlib.scrypt confirms; a short password is refused and nothing changes."""
    import base64
    import hashlib
    import os
    env_file = str(tmp_path / "scs.env")
    env = dict(os.environ, HOME=str(tmp_path), SCS_DATA_DIR=str(tmp_path / "data"))
    short = subprocess.run([BIN, "setup", "--env-file", env_file, "--admin-password"], input="short\n", env=env,
                           capture_output=True, text=True)
    assert short.returncode == 64 and "8 to 1,024 characters" in short.stderr and not os.path.exists(env_file)
    done = subprocess.run([BIN, "setup", "--env-file", env_file, "--admin-password"], input="correct horse battery\n", env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "ADMIN_PASSWORD_HASH" in done.stdout and "correct horse" not in done.stdout + done.stderr
    text = open(env_file).read()
    assert "correct horse" not in text
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    kind, log2n, r, p, salt, digest = values["ADMIN_PASSWORD_HASH"].split("$")
    assert (kind, log2n, r, p) == ("scrypt", "15", "8", "1")
    unb64 = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    expected = hashlib.scrypt(b"correct horse battery", salt=unb64(salt), n=2 ** 15, r=8, p=1, maxmem=64 << 20, dklen=32)
    assert expected == unb64(digest)
    assert all(values[name] for name in ("API_KEY", "JWT_SECRET_KEY", "JWT_ENCRYPTION_KEY"))
    assert oct(os.stat(env_file).st_mode & 0o777) == "0o600"
