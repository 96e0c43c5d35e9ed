#!/usr/bin/env python3
"""Side-by-side MCP benchmark of scs and the Python shared-context-server (stdlib only).

Run by scripts/bench, which builds the release binaries first. Starts `scs serve` on a temp data
directory and (when it can be installed) the Python server 1.1.10 in a throw-away venv, then
drives the same workload against both with `scs-bench load` (a Swift load generator: one thread,
connection, MCP session and token per agent) and prints markdown tables; also written to
bench-results/latest.md."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1]
SCS, LOAD = os.path.join(BIN, "scs"), os.path.join(BIN, "scs-bench")
QUICK = os.environ.get("BENCH_QUICK") == "1"
SCS_ONLY = os.environ.get("BENCH_SCS_ONLY") == "1"  # skip the Python server (e.g. to compare two scs builds)
CALLS_1 = 60 if QUICK else 300
CALLS_32 = 5 if QUICK else 20       # per agent, both servers
SCS_CALLS_32 = 20 if QUICK else 200  # per agent, scs only (throughput goal)
RENDER_CALLS = 10 if QUICK else 100      # page loads per dashboard page measured
FANOUT_VIEWERS, FANOUT_MESSAGES = 100, (10 if QUICK else 50)
DASHBOARD_PASSWORD = "bench-operator-password"
WORDS = ("database migration index query cache worker search memory session token deploy rollback latency "
         "throughput schema release review design plan bug fix test coverage agent message visibility").split()


def log(text):
    print(text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_tree_kb(pid, field="VmRSS"):
    """RSS of a process and all its descendants, in KiB: `VmRSS` (counts shared library pages once
    per process) or `Pss` (shared pages split between the processes that map them: the tree's
    real footprint)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            source = f"/proc/{current}/status" if field == "VmRSS" else f"/proc/{current}/smaps_rollup"
            for line in open(source):
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def memory(pid):
    return {"rss": rss_tree_kb(pid), "pss": rss_tree_kb(pid, "Pss")}


def wait_healthy(url, process, log_path, timeout=120, api_key=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{open(log_path).read()[-3000:]}")
        try:
            # scs details its health only to callers with the API key.
            with urllib.request.urlopen(urllib.request.Request(url, headers={"X-API-Key": api_key or ""}), timeout=2) as r:
                if json.loads(r.read()).get("status") == "healthy":
                    return
        except Exception:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"server not healthy after {timeout}s:\n{open(log_path).read()[-3000:]}")


class Target:
    def __init__(self, name, port, api_key, process, db_path, path="/mcp"):
        self.name, self.port, self.api_key, self.process, self.db_path, self.path = name, port, api_key, process, db_path, path

    def load(self, tool, args, agents=1, calls=100, agent_type="claude", queries=None, mode="calls", session="", warmup=10, setup=None):
        command = [LOAD, "load", *self.where(), "--api-key", self.api_key, "--path", self.path, "--tool", tool,
                   "--args", json.dumps(args), "--agents", str(agents), "--calls", str(calls), "--agent-type", agent_type,
                   "--mode", mode, "--session", session, "--warmup", str(warmup)]
        if queries:
            command += ["--queries", queries]
        if setup:
            command += ["--setup-tool", setup[0], "--setup-args", json.dumps(setup[1])]
        out = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if out.returncode != 0:
            return {"tool": tool, "errors": -1, "first_error": out.stderr[-300:]}
        return json.loads(out.stdout.strip().splitlines()[-1])

    def where(self):
        """The load generator's options naming the server and the processes whose CPU it measures."""
        return ["--port", str(self.port), "--cpu-pid", str(self.process.pid)]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_scs(work, extra_env=None):
    env_file = os.path.join(work, "scs.env")
    # The load generator's agents call as fast as they can, far past the per-agent quotas meant for
    # misbehaving agents: the quotas are set out of reach (they are still checked on every call).
    quotas = {"SCS_QUOTA_WRITES_PER_SECOND": "1000000", "SCS_QUOTA_SEARCHES_PER_SECOND": "1000000", "SCS_QUOTA_SESSIONS_PER_HOUR": "100000000"}
    env = dict(os.environ, HOME=work, SCS_DATA_DIR=os.path.join(work, "scs-data"), SCS_ENV_FILE=env_file, LOG_LEVEL="WARNING",
               **{**quotas, **(extra_env or {})})
    subprocess.run([SCS, "setup", "--env-file", env_file], env=env, check=True, capture_output=True)
    secrets = dict(line.split("=", 1) for line in open(env_file).read().splitlines() if "=" in line)
    port = free_port()
    log_path = os.path.join(work, "scs.log")
    started = time.time()
    process = subprocess.Popen([SCS, "serve", "--port", str(port)], env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{port}/health", process, log_path, api_key=secrets["API_KEY"])
    ready = time.time() - started
    return Target("scs", port, secrets["API_KEY"], process, os.path.join(work, "scs-data", "scs.db")), secrets, ready


def start_python(work, secrets):
    venv = os.path.join(ROOT, ".build", "bench-python-venv")
    binary = os.path.join(venv, "bin", "shared-context-server")
    if not os.path.exists(binary):
        log("bench: installing the Python server 1.1.10 into a throw-away venv (.build/bench-python-venv)")
        try:
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
            pip = os.path.join(venv, "bin", "pip")
            subprocess.run([pip, "install", "-q", "--upgrade", "pip"], check=True, capture_output=True)
            subprocess.run([pip, "install", "-q", "--uploaded-prior-to", "2025-08-28T00:00:00Z", "shared-context-server==1.1.10", "mcp"],
                           check=True, capture_output=True)
        except subprocess.CalledProcessError as error:
            log(f"bench: cannot install the Python server ({error}); benchmarking scs alone")
            shutil.rmtree(venv, ignore_errors=True)
            return None
    port = free_port()
    db = os.path.join(work, "python-data", "chat_history.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS") and not k.startswith("PYTEST_")}
    env.update(API_KEY=secrets["API_KEY"], JWT_SECRET_KEY=secrets["JWT_SECRET_KEY"], JWT_ENCRYPTION_KEY=secrets["JWT_ENCRYPTION_KEY"],
               DATABASE_URL=f"sqlite:///{db}", WEBSOCKET_ENABLED="false", LOG_LEVEL="WARNING", HOME=work)
    log_path = os.path.join(work, "python.log")
    process = subprocess.Popen([binary, "--transport", "http", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=work,
                               stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{port}/health", process, log_path, api_key=secrets["API_KEY"])
    return Target("python", port, secrets["API_KEY"], process, db)


def make_session(target, purpose):
    """A session created through the server itself (one create_session call by a setup agent)."""
    out = target.load("create_session", {"purpose": purpose, "auth_token": "{token}"}, calls=1, warmup=0)
    conn = sqlite3.connect(target.db_path, timeout=30)
    row = conn.execute("SELECT id FROM sessions WHERE purpose = ? ORDER BY created_at DESC LIMIT 1", (purpose,)).fetchone()
    conn.close()
    assert row, (target.name, out)
    return row[0]


def fill(target, session, count, seed):
    """`count` agent-like messages inserted straight into the server's SQLite file (setup, not measured)."""
    import random
    rng = random.Random(seed)
    now = time.time()
    rows = [(session, f"agent-{rng.randrange(8)}", "claude", " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 40))),
             "public", "agent_response", None, now - (count - i) * 0.5) for i in range(count)]
    conn = sqlite3.connect(target.db_path, timeout=30)
    conn.executemany("INSERT INTO messages (session_id, sender, sender_type, content, visibility, message_type, metadata, timestamp) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


def tool_list(session, small, large, queries):
    """The measured tools: (label, arguments, extra) for `Target.load`."""
    token = "{token}"
    return [
        ("authenticate_agent", {"agent_id": "auth-{agent}-{n}", "agent_type": "claude"}, {}),
        ("create_session", {"purpose": "bench {agent} {n}", "auth_token": token}, {}),
        ("add_message", {"session_id": session, "content": "agent {agent} says {n}: the migration finished", "auth_token": token}, {}),
        ("get_messages", {"session_id": session, "limit": 50, "auth_token": token}, {}),
        ("search_context (1k)", {"session_id": small, "query": "{query}", "auth_token": token}, {"queries": queries}),
        ("search_context (10k)", {"session_id": large, "query": "{query}", "auth_token": token}, {"queries": queries}),
        ("set_memory", {"key": "k{agent}-{n}", "value": {"note": "value {n}"}, "auth_token": token}, {}),
        ("get_memory", {"key": "mine", "auth_token": token},
         {"setup": ("set_memory", {"key": "mine", "value": {"note": "agent {agent}"}, "auth_token": token})}),
        ("list_memory", {"limit": 50, "auth_token": token}, {}),
    ]


def workload(target, queries):
    results = []
    session = make_session(target, "bench messages")
    small, large = make_session(target, "bench search 1k"), make_session(target, "bench search 10k")
    fill(target, small, 1_000, 1)
    fill(target, large, 10_000, 2)
    tools = tool_list(session, small, large, queries)
    for agents, calls in [(1, CALLS_1), (32, CALLS_32)]:
        for label, args, extra in tools:
            tool = label.split(" ")[0]
            log(f"bench: {target.name}: {label} x{agents}")
            result = target.load(tool, args, agents=agents, calls=calls, queries=extra.get("queries"), setup=extra.get("setup"))
            result["tool"], result["agents"] = label, agents
            results.append(result)
    return results


def write_queries(path):
    """200 search queries of 1–3 workload words, 40 % with a typo (the same every run)."""
    import random
    rng = random.Random(7)
    with open(path, "w") as f:
        for _ in range(200):
            words = [rng.choice(WORDS) for _ in range(rng.randrange(1, 4))]
            text = " ".join(words)
            if rng.random() < 0.4:  # a typo
                i = rng.randrange(len(text))
                text = text[:i] + text[i + 1:]
            f.write(json.dumps(text) + "\n")


def main():
    work = tempfile.mkdtemp(prefix="scs-bench-")
    queries = os.path.join(work, "queries.jsonl")
    write_queries(queries)
    targets = []
    try:
        scs, secrets, ready = start_scs(work, {"ADMIN_PASSWORD": DASHBOARD_PASSWORD})
        targets.append(scs)
        time.sleep(1)
        idle = {"scs": memory(scs.process.pid)}
        python = None if SCS_ONLY else start_python(work, secrets)
        if python:
            targets.append(python)
            time.sleep(1)
            idle["python"] = memory(python.process.pid)
        results = {t.name: workload(t, queries) for t in targets}
        # Memory after the shared workload; then the Python server is stopped so that requests it
        # may still be working off (it drops connections under 32 agents) take no CPU from the
        # scs-only measurements below.
        after = {t.name: memory(t.process.pid) for t in targets}
        for t in targets:
            if t.name == "python":
                t.stop()
        extra = []
        session = make_session(scs, "bench wake-up")
        log("bench: scs: wait_for_messages wake-up")
        extra.append(scs.load("wait_for_messages", {}, calls=50 if QUICK else 200, mode="wakeup", session=session))
        log("bench: scs: add_message x32 (throughput)")
        throughput = scs.load("add_message", {"session_id": session, "content": "agent {agent} says {n}", "auth_token": "{token}"},
                              agents=32, calls=SCS_CALLS_32)
        throughput["tool"] = "add_message (throughput)"
        extra.append(throughput)
        dashboard = dashboard_measurements(scs)
        scs.stop()
        affinity = affinity_measurements(queries)
        report(results, extra, idle, after, ready, affinity, dashboard)
    finally:
        for t in targets:
            t.stop()
        shutil.rmtree(work, ignore_errors=True)


def fmt(value):
    return "—" if value is None else (f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")


def cpu(row):
    value = row.get("cpu_us_per_call")
    return "—" if value is None else f"{value:,.0f}"


AFFINITY_SESSIONS, AFFINITY_MESSAGES, AFFINITY_WORKERS = (16, 500, 4) if QUICK else (64, 2_000, 4)
AFFINITY_CALLS = 10 if QUICK else 40


def affinity_measurements(queries):
    """The same many-session search workload on a fresh scs with affinity on, then off: what the
    search workers hold afterwards (sessions, bytes, cold loads, RSS) and what the searches cost."""
    rows = []
    for setting in ("on", "off"):
        work = tempfile.mkdtemp(prefix="scs-bench-affinity-")
        scs = None
        try:
            scs, _, _ = start_scs(work, {"SCS_SEARCH_AFFINITY": setting, "SCS_SEARCH_WORKERS": str(AFFINITY_WORKERS)})
            sessions = []
            for index in range(AFFINITY_SESSIONS):
                session = make_session(scs, f"bench affinity {index}")
                fill(scs, session, AFFINITY_MESSAGES, 100 + index)
                sessions.append(session)
            # The "queries" file names the sessions: {query} fills session_id, round-robin per agent.
            targets = os.path.join(work, "sessions.jsonl")
            with open(targets, "w") as f:
                f.writelines(json.dumps(session) + "\n" for session in sessions)
            log(f"bench: scs: search over {AFFINITY_SESSIONS} sessions x32 (affinity {setting})")
            row = scs.load("search_context", {"session_id": "{query}", "query": "migration latency", "auth_token": "{token}"},
                           agents=32, calls=AFFINITY_CALLS, queries=targets, warmup=0)
            request = urllib.request.Request(f"http://127.0.0.1:{scs.port}/health", headers={"X-API-Key": scs.api_key})
            with urllib.request.urlopen(request, timeout=10) as r:
                workers = [w for w in json.loads(r.read())["workers"] if w.get("role") == "search"]
            indexes = [w.get("index") or {} for w in workers]
            row.update(index_sessions=sum(i.get("sessions", 0) for i in indexes), index_bytes=sum(i.get("bytes", 0) for i in indexes),
                       cold_loads=sum(i.get("cold_loads", 0) for i in indexes), rss_bytes=sum(w.get("rss_bytes", 0) for w in workers))
            rows.append((setting, row))
        finally:
            if scs:
                scs.stop()
            shutil.rmtree(work, ignore_errors=True)
    return rows


def dashboard_measurements(scs):
    """The live feed's fan-out (one add_message to FANOUT_VIEWERS WebSocket viewers, measured by
    `scs-bench load --mode fanout`) and the time the server takes to render pages of a
    10,000-message session (its Server-Timing header, and the loopback round trip)."""
    log(f"bench: scs: add_message fan-out to {FANOUT_VIEWERS} WebSocket viewers")
    fanout = scs.load("add_message", {}, agents=FANOUT_VIEWERS, calls=FANOUT_MESSAGES, mode="fanout", warmup=0)
    session = make_session(scs, "bench dashboard 10k")
    fill(scs, session, 10_000, 3)
    conn = sqlite3.connect(scs.db_path, timeout=30)
    first_id = conn.execute("SELECT MIN(id) FROM messages WHERE session_id = ?", (session,)).fetchone()[0]
    conn.close()
    client = http.client.HTTPConnection("127.0.0.1", scs.port, timeout=30)

    def get(path, cookies, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request("POST" if body is not None else "GET", path, body=body, headers=headers)
        response = client.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            cookies[name] = value
        return response, data

    cookies = {}
    _, page = get("/ui/login", cookies)
    nonce = re.search(rb'name="nonce" value="([^"]+)"', page).group(1).decode()
    response, _ = get("/ui/login", cookies, body=urllib.parse.urlencode({"nonce": nonce, "password": DASHBOARD_PASSWORD, "next": "/ui/"}))
    assert response.status == 303 and "scs_dashboard" in cookies, f"dashboard sign-in answered {response.status}"
    pages = [("session page, newest 100 of 10,000", f"/ui/sessions/{session}"),
             ("session page, oldest 100 (paged back)", f"/ui/sessions/{session}?before={first_id + 100}"),
             ("sessions list", "/ui/")]
    rows = []
    for label, path in pages:
        log(f"bench: scs: dashboard {label}")
        server, trip, size = [], [], 0
        for index in range(RENDER_CALLS + 5):
            started = time.perf_counter()
            response, data = get(path, cookies)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status == 200, (path, response.status, data[:300])
            timing = re.search(r"dur=([0-9.]+)", response.getheader("Server-Timing") or "")
            if index >= 5:  # the first loads warm the caches
                server.append(float(timing.group(1)) if timing else None)
                trip.append(elapsed)
            size = len(data)
        rows.append({"page": label, "server": server, "trip": trip, "bytes": size})
    client.close()
    return {"fanout": fanout, "pages": rows}


def percentile(values, p):
    values = sorted(v for v in values if v is not None)
    return values[min(len(values) - 1, int(round((len(values) - 1) * p)))] if values else None


def report(results, extra, idle, after, ready, affinity=None, dashboard=None):
    machine = f"{os.cpu_count()} cores, {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}"
    lines = [f"# scs vs Python shared-context-server — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             f"Machine: {machine}. Release build, loopback HTTP, load generator `scs-bench load`.", ""]
    has_python = "python" in results
    for agents in (1, 32):
        lines += [f"## Concurrency {agents}", "",
                  "| tool | scs p50 ms | scs p95 | scs p99 | scs calls/s | scs errors | scs CPU µs/call |" +
                  (" py p50 ms | py p95 | py p99 | py calls/s | py errors | py CPU µs/call | p50 ratio |" if has_python else ""),
                  "|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|---:|---:|---:|---:|" if has_python else "")]
        for row in [r for r in results["scs"] if r["agents"] == agents]:
            line = (f"| {row['tool']} | {fmt(row.get('p50_ms'))} | {fmt(row.get('p95_ms'))} | {fmt(row.get('p99_ms'))} | "
                    f"{fmt(row.get('per_second'))} | {row.get('errors')} | {cpu(row)} |")
            if has_python:
                py = next((r for r in results["python"] if r["agents"] == agents and r["tool"] == row["tool"]), {})
                ratio = (py.get("p50_ms") / row["p50_ms"]) if py.get("p50_ms") and row.get("p50_ms") else None
                line += f" {fmt(py.get('p50_ms'))} | {fmt(py.get('p95_ms'))} | {fmt(py.get('p99_ms'))} | {fmt(py.get('per_second'))} | {py.get('errors')} | {cpu(py)} | {fmt(ratio)}x |"
            lines.append(line)
        lines.append("")
    lines += ["## scs only", "", "| measurement | agents | calls | p50 ms | p95 | p99 | per second | errors | CPU µs/call |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in extra:
        lines.append(f"| {row['tool']} | {row.get('agents')} | {row.get('calls')} | {fmt(row.get('p50_ms'))} | {fmt(row.get('p95_ms'))} | "
                     f"{fmt(row.get('p99_ms'))} | {fmt(row.get('per_second'))} | {row.get('errors')} | {cpu(row)} |")
    if affinity:
        lines += ["", "## Search affinity", "",
                  f"{AFFINITY_SESSIONS} sessions of {AFFINITY_MESSAGES:,} messages, {AFFINITY_WORKERS} search workers, 32 agents each "
                  f"searching sessions in turn ({AFFINITY_CALLS} calls each); figures from `/health` afterwards, summed over the search workers.", "",
                  "| SCS_SEARCH_AFFINITY | p50 ms | p95 | calls/s | CPU µs/call | indexed sessions | index MB | cold loads | search workers' RSS MB |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for setting, row in affinity:
            lines.append(f"| {setting} | {fmt(row.get('p50_ms'))} | {fmt(row.get('p95_ms'))} | {fmt(row.get('per_second'))} | {cpu(row)} | "
                         f"{row['index_sessions']} | {row['index_bytes'] / 1048576:.1f} | {row['cold_loads']} | {row['rss_bytes'] / 1048576:.1f} |")
    if dashboard:
        fan = dashboard["fanout"]
        lines += ["", "## Dashboard", "",
                  f"Live feed: one writer posts {FANOUT_MESSAGES} messages one at a time into a session that {FANOUT_VIEWERS} viewers "
                  "watch over `WS /ws/{session_id}` (each its own agent and socket); a sample is one delivery, from the start of "
                  "`add_message` to the viewer reading its `new_message` frame. CPU is the server tree's per posted message.", "",
                  "| measurement | deliveries | p50 ms | p95 | p99 | errors | CPU µs/message |", "|---|---:|---:|---:|---:|---:|---:|",
                  f"| add_message → {FANOUT_VIEWERS} viewers | {fan.get('calls')} | {fmt(fan.get('p50_ms'))} | {fmt(fan.get('p95_ms'))} | "
                  f"{fmt(fan.get('p99_ms'))} | {fan.get('errors')} | {cpu(fan)} |", "",
                  f"Pages of a 10,000-message session, signed in as the operator, {RENDER_CALLS} loads each after 5 warm-up loads: "
                  "the server's own time (its `Server-Timing: render` header: reading, filtering and rendering) and the round trip "
                  "over loopback (keep-alive).", "",
                  "| page | server p50 ms | server p99 | round trip p50 ms | round trip p99 | page KB |", "|---|---:|---:|---:|---:|---:|"]
        for row in dashboard["pages"]:
            lines.append(f"| {row['page']} | {fmt(percentile(row['server'], 0.5))} | {fmt(percentile(row['server'], 0.99))} | "
                         f"{fmt(percentile(row['trip'], 0.5))} | {fmt(percentile(row['trip'], 0.99))} | {row['bytes'] / 1024:.1f} |")
        if fan.get("first_error"):
            lines.append(f"\nFan-out first error: {fan['first_error'][:200]}")
    lines += ["", "## Process tree", "",
              "PSS splits shared library pages between the processes that map them (the tree's real footprint); "
              "summed RSS counts them once per process.", "",
              "| server | ready s | idle PSS MB | idle RSS sum MB | PSS after the shared workload MB | RSS sum after it MB |", "|---|---:|---:|---:|---:|---:|"]
    for name in idle:
        label = "scs (supervisor + workers)" if name == "scs" else "python"
        ready_text = f"{ready:.2f}" if name == "scs" else "—"
        lines.append(f"| {label} | {ready_text} | {idle[name]['pss'] / 1024:.1f} | {idle[name]['rss'] / 1024:.1f} | "
                     f"{after[name]['pss'] / 1024:.1f} | {after[name]['rss'] / 1024:.1f} |")
    errors = [(name, r) for name, rs in results.items() for r in rs if r.get("first_error")]
    errors += [("scs", r) for r in extra if r.get("first_error")]
    if errors:
        lines += ["", "First error per measurement:"] + [f"- {name} {r['tool']} x{r.get('agents')}: {r['first_error'][:160]}" for name, r in errors]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench-results", "latest.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
