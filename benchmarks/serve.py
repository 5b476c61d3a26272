"""Web app benchmark: checks per second and latency under 50 concurrent clients.

Starts ``calcdrill serve`` on 127.0.0.1 (a fresh SQLite file, no rate limit), then for a
bounded time 50 clients post ``/api/check`` requests: a mix of right answers, known
mistakes, other wrong answers, unreadable ones and hostile ones (``9^9^9^9``, a 100 kB
answer, deep nesting, ``<script>``).  Prints checks per second and p50/p99 latency, the
hostile requests apart from the others, then grades the same (code, answer) pairs in
this process, without HTTP, for the ratio.  Finally it checks that every request that
was answered 200 is in the database.

    python benchmarks/serve.py [--clients 50] [--seconds 20] [--workers 2] [--rate 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from generator.banks.load import shipped_banks  # noqa: E402
from generator.instance import make_instance  # noqa: E402

HOSTILE = ["9^9^9^9", "x" * 100_000, "(" * 500 + "x" + ")" * 500, "<script>alert(1)</script>",
           "sin(" * 300 + "x", "9" * 5000]


def requests_mix(seed: int = 7, problems: int = 40) -> list[tuple[str, str, str]]:
    """(category, code, answer) triples: right, wrong, unreadable and hostile answers."""
    rng = random.Random(seed)
    families = [(b, f) for b in shipped_banks() for f in b.families]
    chosen = [make_instance(b, f, rng.randint(1, 10_000))
              for b, f in rng.sample(families, min(problems, len(families)))]
    mix = []
    for instance in chosen:
        mix.append(("right", instance.code, instance.answer))
        mix.append(("wrong", instance.code,
                    instance.mistakes[0].answer if instance.mistakes else "x + 1"))
        mix.append(("wrong", instance.code, "2"))
        mix.append(("unreadable", instance.code, "(x + "))
    for answer in HOSTILE:
        mix.append(("hostile", chosen[0].code, answer))
    return mix


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost far less CPU
    than the server it measures (httpx spends ~5 ms of CPU per request, more than the
    server does), so requests are written and responses read by hand."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post_json(self, path: str, payload: dict) -> int:
        body = json.dumps(payload).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return status


async def load(port: int, mix: list[tuple[str, str, str]], clients: int, seconds: float,
               hostile_share: float, rate: float = 0.0
               ) -> tuple[dict[str, list[float]], dict[int, int], float]:
    """Run the clients; latencies (s) per group ('hostile', 'others'), status counts.

    With ``rate`` > 0 the clients together offer that many requests per second, each on
    its own schedule (a client that falls behind sends at once); with 0 each client sends
    its next request as soon as the last is answered (the most the server can do).
    """
    latencies: dict[str, list[float]] = {"hostile": [], "others": []}
    statuses: dict[int, int] = {}
    normal = [m for m in mix if m[0] != "hostile"]
    hostile = [m for m in mix if m[0] == "hostile"]
    stop = time.monotonic() + seconds

    async def client(k: int) -> None:
        rng = random.Random(k)
        connection = Connection("127.0.0.1", port)
        interval = clients / rate if rate > 0 else 0.0
        due = time.monotonic() + rng.random() * interval
        while time.monotonic() < stop:
            if interval:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                due += interval
            group = "hostile" if rng.random() < hostile_share else "others"
            _, code, answer = rng.choice(hostile if group == "hostile" else normal)
            start = time.perf_counter()
            status = await connection.post_json("/api/check", {"code": code, "answer": answer})
            latencies[group].append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return latencies, statuses, time.perf_counter() - began


def in_process(mix: list[tuple[str, str, str]], seconds: float) -> float:
    """Checks per second grading the same pairs here, without HTTP (instances cached)."""
    from generator.instance import instance_from_code

    banks = shipped_banks()
    instances = {code: instance_from_code(code, banks) for _, code, _ in mix}
    pairs = [(instances[c], a) for cat, c, a in mix]
    for instance, answer in pairs:  # warm the grader's caches as the workers' are
        instance.grade(answer)
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for instance, answer in pairs:
            instance.grade(answer)
            done += 1
    return done / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hostile-share", type=float, default=0.1,
                        help="Share of requests that are hostile.")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="Requests per second the clients offer together (default 0: "
                             "as fast as answered).")
    args = parser.parse_args()

    mix = requests_mix()
    folder = Path(tempfile.mkdtemp(prefix="calcdrill-serve-bench-"))
    database = folder / "attempts.sqlite3"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen(
        [sys.executable, "-m", "calcdrill", "serve", "--port", str(port), "--rate-limit", "0",
         "--workers", str(args.workers), "--database", f"sqlite:///{database}"],
        env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start:\n" + server.stderr.read().decode())
            time.sleep(0.3)
        # Warm every worker's instance cache, as a class in progress would have.
        asyncio.run(load(port, mix, 4, 3.0, 0.0))
        time.sleep(1.0)  # let the writer thread commit the warm-up's attempts
        count_before = _count(database)
        cpu_before = _cpu_seconds(server.pid)
        latencies, statuses, elapsed = asyncio.run(
            load(port, mix, args.clients, args.seconds, args.hostile_share, args.rate))
        cpu_after = _cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in latencies.values())
    offered = f"offering {args.rate:g}/s" if args.rate else "each as fast as answered"
    print(f"calcdrill serve, {args.workers} workers, {args.clients} concurrent clients "
          f"({offered}), {args.seconds:g} s, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"  checks          : {total} in {elapsed:.1f} s = {total / elapsed:.0f} per second")
    for group in ("others", "hostile"):
        values = latencies[group]
        print(f"  {group:16}: {len(values):6} requests, p50 {percentile(values, 0.5) * 1000:6.1f} "
              f"ms, p99 {percentile(values, 0.99) * 1000:6.1f} ms")
    print(f"  HTTP statuses   : {dict(sorted(statuses.items()))}")
    if cpu_before and cpu_after:
        main_ms = (cpu_after[0] - cpu_before[0]) * 1000 / total
        workers_ms = (cpu_after[1] - cpu_before[1]) * 1000 / total
        cores = os.cpu_count() or 1
        print(f"  server CPU      : {main_ms + workers_ms:.2f} ms per check (web process "
              f"{main_ms:.2f}, grading workers {workers_ms:.2f}): {cores} idle cores would "
              f"serve about {cores * 1000 / (main_ms + workers_ms):.0f} checks per second")
    recorded = _count(database) - count_before
    print(f"  recorded        : {recorded} attempts in the database "
          f"(answered 200: {statuses.get(200, 0)})")
    rate = in_process(mix, min(args.seconds, 5.0))
    print(f"  in-process      : {rate:.0f} checks per second (same pairs, one process, no HTTP)")
    print(f"  ratio           : {total / elapsed / rate:.2f} (served / in-process)")


def _cpu_seconds(pid: int) -> tuple[float, float] | None:
    """CPU seconds used so far by the server process and by its worker processes (Linux).

    On a machine shared with other work, throughput says little about calcdrill alone;
    CPU time per check does.
    """
    def used(p: int) -> float:
        with open(f"/proc/{p}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        children = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(c) for c in (task / "children").read_text().split()]
        return used(pid), sum(used(c) for c in children)
    except (OSError, ValueError):
        return None


def _count(database: Path) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM attempts").fetchone()[0]


if __name__ == "__main__":
    main()
