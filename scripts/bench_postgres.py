#!/usr/bin/env python3
"""`scripts/bench --backend postgres`: the same workload as scripts/bench on the embedded SQLite
default, on PostgreSQL with one node, and on PostgreSQL with two nodes sharing one database
behind the load generator (agents spread over both), all in one run on one machine. The cluster
is private (scripts/pg-cluster, synchronous_commit on: a commit is written to the OS before it is
acknowledged, as SQLite's WAL does with synchronous=NORMAL; fsync off on both). Prints a markdown
table; also writes bench-results/postgres.md."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import bench
from bench import QUICK, log

CLUSTER = os.path.join(bench.ROOT, "scripts", "pg-cluster")


class Postgres:
    """A database on the private cluster, reached with psql (setup only, never measured)."""

    def __init__(self, url):
        self.url = url

    def query(self, sql):
        return subprocess.run(["psql", self.url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()

    def session_id(self, purpose):
        return self.query(f"SELECT id FROM sessions WHERE purpose = '{purpose}' ORDER BY created_at DESC LIMIT 1")

    def insert_messages(self, rows):
        values = ",\n".join(
            f"('{s}', '{sender}', '{kind}', '{content}', '{vis}', '{mtype}', NULL, {ts})" for s, sender, kind, content, vis, mtype, _, ts in rows)
        sql = ("INSERT INTO messages (session_id, sender, sender_type, content, visibility, message_type, metadata, timestamp) VALUES\n"
               + values + ";\n")
        subprocess.run(["psql", self.url, "-q"], input=sql, check=True, capture_output=True, text=True)


class Nodes(bench.Target):
    """One or more `scs serve` nodes on one database: agents are spread over their ports."""

    def __init__(self, name, nodes, database, postmaster):
        first = nodes[0]
        super().__init__(name, first.port, first.api_key, first.process, None)
        self.nodes, self.database, self.postmaster = nodes, database, postmaster

    def where(self):
        spread = ["--ports", ",".join(str(n.port) for n in self.nodes), "--cpu-pid", ",".join(str(n.process.pid) for n in self.nodes)]
        return spread + (["--db-cpu-pid", str(self.postmaster)] if self.postmaster else [])

    def stop(self):
        for n in self.nodes:
            n.stop()


def session_on(target, purpose):
    target.load("create_session", {"purpose": purpose, "auth_token": "{token}"}, calls=1, warmup=0)
    return target.database.session_id(purpose) if target.database else bench_sqlite_session(target, purpose)


def bench_sqlite_session(target, purpose):
    import sqlite3
    conn = sqlite3.connect(target.db_path, timeout=30)
    row = conn.execute("SELECT id FROM sessions WHERE purpose = ? ORDER BY created_at DESC LIMIT 1", (purpose,)).fetchone()
    conn.close()
    return row[0]


def start_nodes(work, name, count, database_url, postmaster):
    """`count` scs serve nodes; with a database URL they share it (and one env file: one deployment)."""
    nodes = []
    for i in range(count):
        directory = os.path.join(work, f"{name}-{i}")
        os.makedirs(directory)
        if nodes:
            shutil.copy(os.path.join(work, f"{name}-0", "scs.env"), os.path.join(directory, "scs.env"))
        extra = {"DATABASE_URL": database_url, "SCS_NODE_ID": f"{name}-{i}"} if database_url else {}
        if nodes:
            env_file = os.path.join(directory, "scs.env")
            secrets = dict(line.split("=", 1) for line in open(env_file).read().splitlines() if "=" in line)
            node = start_with_env(directory, env_file, secrets, extra)
        else:
            node, _, _ = bench.start_scs(directory, extra)
        nodes.append(node)
    target = Nodes(name, nodes, Postgres(database_url) if database_url else None, postmaster)
    target.db_path = nodes[0].db_path
    return target


def start_with_env(work, env_file, secrets, extra):
    # As in bench.py: the load generator's agents go far past the per-agent quotas, set out of reach.
    quotas = {"SCS_QUOTA_WRITES_PER_SECOND": "1000000", "SCS_QUOTA_SEARCHES_PER_SECOND": "1000000", "SCS_QUOTA_SESSIONS_PER_HOUR": "100000000"}
    env = dict(os.environ, HOME=work, SCS_DATA_DIR=os.path.join(work, "scs-data"), SCS_ENV_FILE=env_file, LOG_LEVEL="WARNING", **{**quotas, **extra})
    port = bench.free_port()
    log_path = os.path.join(work, "scs.log")
    process = subprocess.Popen([bench.SCS, "serve", "--port", str(port)], env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    bench.wait_healthy(f"http://127.0.0.1:{port}/health", process, log_path, api_key=secrets["API_KEY"])
    return bench.Target("scs", port, secrets["API_KEY"], process, None)


def workload(target, queries, concurrencies):
    """scripts/bench's tools, sessions and fills, on whichever database the target uses."""
    session = session_on(target, "bench messages")
    small, large = session_on(target, "bench search 1k"), session_on(target, "bench search 10k")
    for sid, count, seed in [(small, 1_000, 1), (large, 10_000, 2)]:
        if target.database:
            rows = fill_rows(sid, count, seed)
            for start in range(0, len(rows), 2_000):
                target.database.insert_messages(rows[start:start + 2_000])
        else:
            bench.fill(target, sid, count, seed)
    tools = bench.tool_list(session, small, large, queries)
    results = []
    for agents, calls in concurrencies:
        for label, args, extra in tools:
            log(f"bench: {target.name}: {label} x{agents}")
            result = target.load(label.split(" ")[0], args, agents=agents, calls=calls, queries=extra.get("queries"), setup=extra.get("setup"))
            result["tool"], result["agents"] = label, agents
            results.append(result)
    wake = session_on(target, "bench wake-up")
    log(f"bench: {target.name}: wait_for_messages wake-up")
    result = target.load("wait_for_messages", {}, calls=30 if QUICK else 100, mode="wakeup", session=wake)
    result["tool"], result["agents"] = "wait_for_messages wake-up", 1
    results.append(result)
    return results


def fill_rows(session, count, seed):
    import random
    rng = random.Random(seed)
    now = time.time()
    return [(session, f"agent-{rng.randrange(8)}", "claude", " ".join(rng.choice(bench.WORDS) for _ in range(rng.randrange(8, 40))),
             "public", "agent_response", None, now - (count - i) * 0.5) for i in range(count)]


def main():
    work = tempfile.mkdtemp(prefix="scs-bench-pg-")
    cluster = tempfile.mkdtemp(prefix="scs-bench-cluster-")  # its own: the server's user cannot enter `work` (0700)
    queries = os.path.join(work, "queries.jsonl")
    bench.write_queries(queries)
    started = subprocess.run([CLUSTER, "start", cluster], env=dict(os.environ, PG_CLUSTER_DURABLE="1"), capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit("bench: cannot start a PostgreSQL cluster: " + started.stderr)
    url = started.stdout.strip()
    postmaster = int(open(os.path.join(cluster, "data", "postmaster.pid")).readline())
    admin = Postgres(url)
    calls = [(1, bench.CALLS_1), (32, bench.CALLS_32)]
    results = {}
    try:
        for name, nodes, backend, concurrency in [("sqlite", 1, None, calls), ("postgres", 1, "bench_one", calls),
                                                  ("postgres x2", 2, "bench_two", [(32, bench.CALLS_32)])]:
            database = None
            if backend:
                admin.query(f"CREATE DATABASE {backend}")
                database = url.replace("/postgres?", f"/{backend}?")
            target = start_nodes(work, name.replace(" ", "-"), nodes, database, postmaster if backend else None)
            try:
                results[name] = workload(target, queries, concurrency)
            finally:
                target.stop()
        report(results)
    finally:
        subprocess.run([CLUSTER, "stop", cluster], capture_output=True)
        shutil.rmtree(cluster, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def cell(row, key, digits=2):
    value = row.get(key) if row else None
    return "—" if value is None else (f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}")


def report(results):
    machine = f"{os.cpu_count()} cores, {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}"
    lines = [f"# scs on SQLite and on PostgreSQL — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             f"Machine: {machine}. Release build, loopback HTTP, `scs-bench load`; PostgreSQL "
             f"{postgres_version()} on the same machine (durable commits, fsync off, as for SQLite). CPU µs/call: the scs process trees; PostgreSQL's own in brackets.", ""]

    def find(name, tool, agents):
        return next((r for r in results.get(name, []) if r["tool"] == tool and r["agents"] == agents), None)

    lines += ["## Concurrency 1", "", "| tool | SQLite p50 ms | p99 | CPU µs/call | PostgreSQL p50 ms | p99 | CPU µs/call (+ PostgreSQL) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for row in [r for r in results["sqlite"] if r["agents"] == 1 and r["tool"] != "wait_for_messages wake-up"]:
        pg = find("postgres", row["tool"], 1)
        lines.append(f"| {row['tool']} | {cell(row, 'p50_ms')} | {cell(row, 'p99_ms')} | {cell(row, 'cpu_us_per_call', 0)} | "
                     f"{cell(pg, 'p50_ms')} | {cell(pg, 'p99_ms')} | {cell(pg, 'cpu_us_per_call', 0)} (+{cell(pg, 'db_cpu_us_per_call', 0)}) |")
    lines += ["", "## Concurrency 32", "",
              "| tool | SQLite calls/s | p99 ms | PostgreSQL calls/s | p99 ms | PostgreSQL, two nodes calls/s | p99 ms | errors (S/P/P×2) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in [r for r in results["sqlite"] if r["agents"] == 32]:
        pg, two = find("postgres", row["tool"], 32), find("postgres x2", row["tool"], 32)
        errors = "/".join(str((r or {}).get("errors", "—")) for r in (row, pg, two))
        lines.append(f"| {row['tool']} | {cell(row, 'per_second', 0)} | {cell(row, 'p99_ms')} | {cell(pg, 'per_second', 0)} | "
                     f"{cell(pg, 'p99_ms')} | {cell(two, 'per_second', 0)} | {cell(two, 'p99_ms')} | {errors} |")
    lines += ["", "## wait_for_messages wake-up (writer's post start → waiter's answer)", "",
              "| backend | p50 ms | p99 ms | errors |", "|---|---:|---:|---:|"]
    for name, label in [("sqlite", "SQLite"), ("postgres", "PostgreSQL"), ("postgres x2", "PostgreSQL, post on node A, wait on node B")]:
        row = find(name, "wait_for_messages wake-up", 1)
        lines.append(f"| {label} | {cell(row, 'p50_ms')} | {cell(row, 'p99_ms')} | {cell(row, 'errors')} |")
    failures = [f"{name}: {r['tool']} x{r['agents']}: {r.get('first_error')}" for name, rows in results.items() for r in rows if r.get("errors")]
    if failures:
        lines += ["", "First errors:", ""] + [f"- {f}" for f in failures]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.join(bench.ROOT, "bench-results"), exist_ok=True)
    with open(os.path.join(bench.ROOT, "bench-results", "postgres.md"), "w") as f:
        f.write(text)


def postgres_version():
    out = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.split()
    return out[2] if len(out) > 2 else "?"


if __name__ == "__main__":
    main()
