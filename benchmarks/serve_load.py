"""Load check of `gankit serve`: 500 requests of /api/sample?n=1, 8 at a time, on loopback.

Starts the server in its own process (as a user would), fires the requests from a thread pool,
and prints errors and the p50/p95/p99 latency seen by the client. Goal: p95 ≤ 50 ms for 28×28.

    PYTHONPATH=. python benchmarks/serve_load.py                # trains a tiny `mnist` run first
    PYTHONPATH=. python benchmarks/serve_load.py --run runs/mnist --requests 500 --concurrency 8

Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

GOAL_P95_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(run: Path, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gankit", "serve", str(run), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"error: the server exited with status {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/info", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("error: the server did not answer within 120 s")


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far; None where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def load(
    host: str, port: int, requests: int, concurrency: int, n: int, pid: int
) -> tuple[list[float], list[str], float, float | None]:
    """Latencies (ms) of the successful requests, the failures, the seconds the load took and
    the CPU seconds the server process `pid` used meanwhile.

    Each client thread keeps one plain keep-alive connection (http.client): a light client leaves
    more of a small machine to the server it measures.
    """
    local = threading.local()

    def one(seed: int) -> tuple[float, str | None]:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(host, port, timeout=30)
        t0 = time.perf_counter()
        try:
            local.conn.request("GET", f"/api/sample?seed={seed}&n={n}")
            r = local.conn.getresponse()
            body = r.read()
            ok = r.status == 200 and body[:4] == b"\x89PNG"
            failure = None if ok else f"seed {seed}: HTTP {r.status} {body[:80]!r}"
        except (OSError, http.client.HTTPException) as e:
            local.conn.close()
            del local.conn
            failure = f"seed {seed}: {type(e).__name__} {e}"
        return (time.perf_counter() - t0) * 1000, failure

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(10_000, 10_000 + 5 * concurrency)))  # warm-up: connections
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        results = list(pool.map(one, range(requests)))
        wall, cpu1 = time.perf_counter() - t0, cpu_seconds(pid)
    ok = [ms for ms, f in results if f is None]
    cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return ok, [f for _, f in results if f is not None], wall, cpu


def tiny_run(folder: Path) -> Path:
    import gankit

    out = folder / "mnist"
    gankit.train("mnist", out=out, steps=20, progress=False)  # the main job's model, briefly
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, help="run folder (default: train a tiny `mnist` run)")
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--n", type=int, default=1, help="samples per request")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run = args.run or tiny_run(Path(tmp))
        port = free_port()
        server = start_server(run, port)
        try:
            ms, failures, wall, cpu = load(
                "127.0.0.1", port, args.requests, args.concurrency, args.n, server.pid
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"run {run}, {os.cpu_count()} CPU cores, {args.concurrency} concurrent clients")
    print(f"/api/sample?n={args.n}: {len(ms)} ok, {len(failures)} failed, "
          f"{len(ms) / wall:.0f} requests/s")  # fmt: skip
    if ms:
        p50, p95, p99 = (percentile(ms, q) for q in (50, 95, 99))
        verdict = "meets" if p95 <= GOAL_P95_MS else "misses"
        print(
            f"latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {max(ms):.1f}  "
            f"mean {statistics.fmean(ms):.1f}  ({verdict} the p95 ≤ {GOAL_P95_MS:.0f} ms goal)"
        )
    if cpu is not None:  # what a request costs the server, whatever else the machine runs
        print(f"server CPU time: {cpu * 1000 / args.requests:.2f} ms per request")
    for failure in failures[:5]:
        print("failed:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
