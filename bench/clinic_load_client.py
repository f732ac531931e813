"""The lean load generator of bench/clinic-load: one asyncio process speaking HTTP/1.1 over raw
keep-alive sockets, sending requests at a fixed rate (open loop, Poisson arrivals) in the mix of
the practice's day that bench/clinic_locustfile.py models with 1,000 people and 20 clinicians.

Open loop: a request is due at its arrival time whatever the server is doing, and its latency
runs from that time (waiting for a free connection counts), so a slow server cannot slow the
load down and hide its own queue. On a 2-core machine the generator competes with the server
for CPU: it reports its own CPU time so the figures can say how much it took.

    python bench/clinic_load_client.py --host 127.0.0.1 --port 8080 --tokens tokens.json \
        --rate 300 --seconds 60

Prints one JSON object: per request kind and overall, count, failures, req/s, p50/p99 ms, and
the generator's CPU seconds.

With `--by-route N --watch NAME=PID,...` it sends N requests of the same mix one at a time
instead (closed loop, one connection) and reads, around each, the CPU time of each watched
process and its descendants (every thread, in nanoseconds, from /proc/PID/task/*/schedstat):
with nothing else in flight, each request's CPU is exactly what its kind costs the server,
PostgreSQL and the proxy, in the mix's own order (each cache as warm as under load)."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# The locustfile's mix: 1,000 people pausing 5-25 s (15 on average) between tasks weighted
# programme 3, check-in 2, session 1, progress 1; 20 clinicians pausing 2-6 s (4) between tasks
# weighted people list 1, one person's progress 2. As rates: people 66.7/s, clinicians 5/s.
PEOPLE_RATE, CLINICIAN_RATE = 1000 / 15, 20 / 4
MIX = [
    ("GET /api/programme", PEOPLE_RATE * 3 / 7),
    ("POST /api/check-ins", PEOPLE_RATE * 2 / 7),
    ("POST /api/sessions", PEOPLE_RATE * 1 / 7),
    ("GET /api/progress", PEOPLE_RATE * 1 / 7),
    ("GET /api/people", CLINICIAN_RATE * 1 / 3),
    ("GET /api/people/[id]/progress", CLINICIAN_RATE * 2 / 3),
]


class Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer


class Client:
    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.idle: asyncio.Queue[Conn | None] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)  # a slot; connected on first use

    async def _open(self) -> Conn:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return Conn(reader, writer)

    async def request(self, method: str, path: str, token: str, body: bytes | None) -> int:
        conn = await self.idle.get()
        try:
            if conn is None:
                conn = await self._open()
            status = await self._send(conn, method, path, token, body)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            if conn is not None:
                conn.writer.close()
            self.idle.put_nowait(None)
            raise
        self.idle.put_nowait(conn)
        return status

    async def _send(
        self, conn: Conn, method: str, path: str, token: str, body: bytes | None
    ) -> int:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
        )
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        conn.writer.write(head.encode() + b"\r\n" + (body or b""))
        line = await conn.reader.readline()
        if not line:
            raise ConnectionResetError("closed by the server")
        status = int(line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while True:
            h = await conn.reader.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            while True:
                size = int((await conn.reader.readline()).split(b";")[0], 16)
                await conn.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await conn.reader.readexactly(length)
        if close:
            raise ConnectionResetError("server closed the connection")  # reopened next time
        return status


def pick(accounts: dict[str, Any], kind: str) -> tuple[str, str, str, bytes | None]:
    method, path = kind.split(" ", 1)
    if "people" in path:
        c = random.choice(accounts["clinicians"])
        if "[id]" in path:
            path = path.replace("[id]", str(random.choice(c["people"])))
        return method, path, c["token"], None
    me = random.choice(accounts["people"])
    body = None
    if path == "/api/check-ins":
        pain = random.randint(1, 6)
        body = json.dumps({"pain": pain, "stiffness": pain}).encode()
    elif path == "/api/sessions":
        before = random.randint(2, 6)
        body = json.dumps({"pain_before": before, "pain_after": max(0, before - 1)}).encode()
    return method, path, me["token"], body


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children[parent].append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _cpu_ns(pids: list[int]) -> int:
    """CPU time of every thread of these processes, in nanoseconds (schedstat's first field)."""
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                total += int(task.read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue
    return total


async def by_route(args: argparse.Namespace) -> dict[str, Any]:
    """N requests of the mix one at a time; each one's CPU in the watched process groups."""
    accounts = json.loads(Path(args.tokens).read_text(encoding="utf-8"))
    client = Client(args.host, args.port, 1)
    kinds, weights = zip(*MIX, strict=True)
    groups: dict[str, list[int]] = defaultdict(list)
    for name, _, pid in (w.partition("=") for w in args.watch.split(",")):
        groups[name] += _descendants(int(pid))
    cpu: dict[str, dict[str, int]] = {k: defaultdict(int) for k in kinds}
    counts: dict[str, int] = defaultdict(int)
    statuses: dict[int, int] = defaultdict(int)
    for _ in range(args.by_route):
        kind = random.choices(kinds, weights)[0]
        method, path, token, body = pick(accounts, kind)
        before = {g: _cpu_ns(p) for g, p in groups.items()}
        try:
            status = await client.request(method, path, token, body)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
        after = {g: _cpu_ns(p) for g, p in groups.items()}
        statuses[status] += 1
        counts[kind] += 1
        for g in groups:
            cpu[kind][g] += after[g] - before[g]
    rows = {
        k: {"count": counts[k], **{g: round(cpu[k][g] / counts[k] / 1e6, 3) for g in groups}}
        for k in kinds
        if counts[k]
    }
    total = sum(counts.values())
    rows["ALL"] = {
        "count": total,
        **{g: round(sum(cpu[k][g] for k in kinds) / total / 1e6, 3) for g in groups},
    }
    return {"by_route": rows, "statuses": {str(k): v for k, v in sorted(statuses.items())}}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    accounts = json.loads(Path(args.tokens).read_text(encoding="utf-8"))
    client = Client(args.host, args.port, args.connections)
    kinds, weights = zip(*MIX, strict=True)
    times: dict[str, list[float]] = defaultdict(list)
    fails: dict[str, int] = defaultdict(int)
    statuses: dict[int, int] = defaultdict(int)
    tasks: set[asyncio.Task[None]] = set()

    async def one(kind: str, due: float) -> None:
        method, path, token, body = pick(accounts, kind)
        try:
            status = await asyncio.wait_for(
                client.request(method, path, token, body), timeout=args.timeout
            )
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            status = 0
        statuses[status] += 1
        if status >= 400 or status == 0:
            fails[kind] += 1
        else:
            times[kind].append((time.perf_counter() - due) * 1000)

    # a few seconds to open the connections and warm the workers, not counted
    start = time.perf_counter()
    warm = start + args.warmup
    end = warm + args.seconds
    cpu0 = None
    due = start
    while due < end:
        due += random.expovariate(args.rate)
        now = time.perf_counter()
        if due > now:
            await asyncio.sleep(due - now)
        if cpu0 is None and due >= warm:
            cpu0 = _cpu()
            times.clear(), fails.clear(), statuses.clear()
        kind = random.choices(kinds, weights)[0]
        t = asyncio.create_task(one(kind, due))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    elapsed = time.perf_counter() - warm
    cpu = _cpu() - (cpu0 or 0.0)
    rows = {}
    everything: list[float] = []
    for kind in kinds:
        everything += times[kind]
        rows[kind] = _row(times[kind], fails[kind], elapsed)
    rows["ALL"] = _row(everything, sum(fails.values()), elapsed)
    return {
        "seconds": round(elapsed, 1),
        "rate_asked": args.rate,
        "kinds": rows,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "generator_cpu_seconds": round(cpu, 2),
    }


def _row(values: list[float], failed: int, elapsed: float) -> dict[str, float]:
    return {
        "count": len(values) + failed,
        "fail": failed,
        "rps": round((len(values) + failed) / elapsed, 1),
        "p50": round(percentile(values, 0.50), 1),
        "p99": round(percentile(values, 0.99), 1),
    }


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tokens", required=True, help="the accounts file bench/clinic-load writes")
    ap.add_argument("--rate", type=float, default=300.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--by-route", type=int, default=0, metavar="N",
                    help="N requests one at a time, each one's CPU in --watch")  # fmt: skip
    ap.add_argument("--watch", default="", help="NAME=PID,... (with --by-route)")
    args = ap.parse_args()
    if args.by_route:
        print(json.dumps(asyncio.run(by_route(args))))
    else:
        print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
