"""Time what a documentation folder costs the real server: a start on an unchanged folder (until /api/health
answers), adding one page over the API and removing it; and describe the passages the index holds.

    python -m bench.incremental --docs /tmp/pg400 --index /tmp/pgidx --page /usr/share/doc/postgresql-doc-15/html/x.html

The index should already be built for the folder (`python -m qa index --docs ... --index ...`): this measures
the incremental path, not the first build. Starts are repeated (--runs) and the median printed.
"""
from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from qa.store import Index, current_generation

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(docs: Path, index: Path, log: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "ui.py", "--docs", str(docs), "--index", str(index), "--port",
                                str(port)], cwd=ROOT, stdout=log.open("a"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - began < 900:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: see {log}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return process, url, time.perf_counter() - began
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not answer within 900 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def passage_table(index_folder: Path) -> None:
    folder = current_generation(index_folder)
    if folder is None:
        print("no index")
        return
    index = Index.load(folder)
    passages = index.passages(list(range(len(index))))
    lengths = [len(p.text) for p in passages]
    stray = sum(bool(re.search(r"[A-Za-z0-9)] [,.](?:\s|$)", p.text)) for p in passages)
    print("| documents | passages | mean chars | median | under 50 chars | with ' ,' or ' .' | with a section |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(index.documents())} | {len(passages)} | {statistics.mean(lengths):.0f} | "
          f"{statistics.median(lengths):.0f} | {sum(n < 50 for n in lengths) / len(lengths):.1%} | "
          f"{stray / len(passages):.1%} | "
          f"{sum(bool(p.section) for p in passages) / len(passages):.1%} |")
    index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--page", type=Path, required=True, help="a page to add and remove (not in --docs)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--log", type=Path, default=Path("/tmp/bench-incremental.log"))
    args = parser.parse_args()
    passage_table(args.index)
    starts, adds, removes = [], [], []
    for _ in range(args.runs):
        process, url, seconds = start(args.docs, args.index, args.log)
        starts.append(seconds)
        try:
            began = time.perf_counter()
            added = httpx.post(f"{url}/api/documents", files={"file": (args.page.name, args.page.read_bytes())},
                               timeout=900)
            adds.append(time.perf_counter() - began)
            added.raise_for_status()
            began = time.perf_counter()
            httpx.delete(f"{url}/api/documents/{added.json()['id']}", timeout=900).raise_for_status()
            removes.append(time.perf_counter() - began)
        finally:
            stop(process)
    print("| step | median s | runs |")
    print("|---|---:|---|")
    for name, values in (("start, unchanged folder, until /api/health answers", starts),
                         ("add one page (POST /api/documents)", adds), ("remove it (DELETE)", removes)):
        print(f"| {name} | {statistics.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")


if __name__ == "__main__":
    main()
