"""Load: many concurrent askers on the real server, with and without documents being added and removed meanwhile.

    python -m bench.load [--clients 8,32,64] [--seconds 30] [--max-requests 200000]

Starts `python ui.py` on 127.0.0.1 (a free port, a copy of seeds/ and a fresh index in a temporary folder, removed
after) and, for each number of clients, runs two phases of `--seconds` each on the same server:
  - "asking":        N clients POST /api/ask back to back (questions: the last turns of bench/dev.jsonl and
                     bench/seed_questions.jsonl, and every fourth one about the writer's documents), nothing else;
  - "asking+writes": the same, while one writer adds a small document (POST /api/documents), waits 1 s, and
                     removes it (DELETE), over and over.
A phase stops at `--seconds` or `--max-requests` answers, whichever comes first. Counted: errors (any status
but 200, or a transport error), and citations of a removed document: an answer to a question sent after the
DELETE returned 204 that cites that document. Printed: requests, errors, removed cited, throughput, p50/p95/p99.
Only 127.0.0.1 is ever contacted; the server is stopped at the end, also on errors.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WRITER_QUESTION = "When does the zephyr valve open?"


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    removed_cited: int = 0
    writes: int = 0
    write_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def questions() -> list[str]:
    found = []
    for name in ("dev.jsonl", "seed_questions.jsonl"):
        for line in (ROOT / "bench" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["turns"][-1])
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(work: Path) -> tuple[subprocess.Popen, str]:
    shutil.copytree(ROOT / "seeds", work / "docs")
    port = free_port()
    log = open(work / "server.log", "w")
    process = subprocess.Popen([sys.executable, "ui.py", "--docs", str(work / "docs"), "--index", str(work / "index"),
                                "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError((work / "server.log").read_text())
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    raise RuntimeError("the server did not start within 180 s")


async def run_phase(url: str, clients: int, seconds: float, max_requests: int, writes: bool,
                    asked: list[str]) -> Phase:
    phase = Phase()
    removed_at: dict[str, float] = {}   # document id -> when its DELETE returned 204
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients + 2, max_keepalive_connections=clients + 2, keepalive_expiry=4)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        async def asker(number: int) -> None:
            turn = number
            while time.perf_counter() < stop and len(phase.latencies) + len(phase.errors) < max_requests:
                question = WRITER_QUESTION if turn % 4 == 0 else asked[turn % len(asked)]  # the same mix in both
                turn += clients
                sent = time.perf_counter()
                try:
                    response = await http.post("/api/ask", json={"question": question, "top_k": 3})
                except httpx.HTTPError as exc:
                    phase.errors.append(type(exc).__name__)
                    continue
                if response.status_code != 200:
                    phase.errors.append(str(response.status_code))
                    continue
                phase.latencies.append(time.perf_counter() - sent)
                cited = {p["document"]["id"] for p in response.json()["passages"]}
                phase.removed_cited += sum(1 for d in cited if d in removed_at and removed_at[d] < sent)

        async def writer() -> None:
            number = 0
            while time.perf_counter() < stop - 2:
                number += 1
                body = {"title": f"Valve note {os.getpid()}-{number}",
                        "text": f"The zephyr valve number {number} opens at dawn and closes at dusk."}
                added = await http.post("/api/documents", json=body)
                if added.status_code != 201:
                    phase.write_errors.append(f"add {added.status_code}")
                    continue
                await asyncio.sleep(1)
                doc_id = added.json()["id"]
                removed = await http.delete(f"/api/documents/{doc_id}")
                if removed.status_code != 204:
                    phase.write_errors.append(f"remove {removed.status_code}")
                    continue
                removed_at[doc_id] = time.perf_counter()
                phase.writes += 2

        started = time.perf_counter()
        tasks = [asker(i) for i in range(clients)] + ([writer()] if writes else [])
        await asyncio.gather(*tasks)
        phase.seconds = time.perf_counter() - started
    return phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="8,32,64", help="numbers of concurrent askers (default 8,32,64)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase (default 30)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="answers at most per phase")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    asked = questions()
    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    process = None
    try:
        process, url = start_server(work)
        asyncio.run(run_phase(url, 4, 3, 200, False, asked))  # warm-up, not counted
        print(f"{len(asked)} questions; {args.seconds:g} s a phase; server at {url}\n")
        print("| clients | phase | answers | errors | removed cited | writes (errors) | answers/s | "
              "p50 ms | p95 ms | p99 ms |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for clients in counts:
            for writes in (False, True):
                phase = asyncio.run(run_phase(url, clients, args.seconds, args.max_requests, writes, asked))
                ms = np.percentile(np.array(phase.latencies) * 1000, [50, 95, 99]) if phase.latencies else [0] * 3
                print(f"| {clients} | {'asking+writes' if writes else 'asking'} | {len(phase.latencies)} | "
                      f"{len(phase.errors)} | {phase.removed_cited} | "
                      f"{phase.writes if writes else '-'}{f' ({len(phase.write_errors)})' if writes else ''} | "
                      f"{len(phase.latencies) / phase.seconds:.1f} | {ms[0]:.0f} | {ms[1]:.0f} | {ms[2]:.0f} |",
                      flush=True)
                if phase.errors or phase.write_errors:
                    print(f"    errors: {sorted(set(phase.errors + phase.write_errors))}", flush=True)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
