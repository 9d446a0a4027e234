"""Query latency p50/p95: Engine.ask in process and POST /api/ask over HTTP, each against the plain recipe, same run.

    python -m bench.latency [--queries 200] [--warmup 10] [--corpora seed,squad] [--no-http]

"Ours" runs the project's defaults (Settings.from_env(): the onnx int8 embedder unless QA_BACKEND says otherwise),
in process and in the real server. The plain recipe is what a minimal retrieval service does without this project:
a torch `SentenceTransformer(str(model_path()), device="cpu")` built directly (bench/backend.py) embeds the question
(`encode([q], normalize_embeddings=True)` on one torch thread, `--plain-threads`) and a FAISS `IndexFlatIP` of the
same passages' torch vectors is searched, k=3, with `faiss.omp_set_num_threads(1)`. Its passage vectors are
embedded once per corpus (every torch thread) and cached in ~/.cache/qa-bench/latency/plain-embeddings.sqlite.

For each corpus, on the same index and the same questions:
  (a) in process: `qa.engine.Engine.ask(question)` and the plain recipe, interleaved (the order alternates);
  (b) over HTTP:  the real server (`python ui.py --docs DIR --index DIR --backend B --port FREE_PORT`, a subprocess
      started on the already synced index, waited for at GET /api/health) is asked with POST /api/ask through one
      keep-alive httpx.Client, interleaved with the plain recipe in this process.
Each phase is warmed up first (untimed), and its ratio is taken to the plain recipe timed in the same loop.
Target: our HTTP p50 no slower than the plain recipe's in-process p50 (ratio <= 1.00), on both corpora.

Corpora: "seed" (seeds/, questions: the last turns of bench/seed_questions.jsonl and bench/dev.jsonl,
cycled; index in ~/.cache/qa-bench/latency/seed-index-<backend>) and "squad" (the 48-article sample of
bench/squad.py, written by bench.squad_data.write_documents to ~/.cache/qa-bench/squad/docs, its index
index-<backend> there reused by sync; questions sampled from that sample). Every server started is stopped, also
on errors.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import httpx
import numpy as np

from bench.backend import PlainEncoder, make_embedder
from bench.squad_data import (
    DEFAULT_ARTICLES,
    DEFAULT_SEED,
    sample_questions,
    write_documents,
)
from qa.embedder import Embedder
from qa.engine import Engine
from qa.evaluate import load_cases
from qa.indexing import embed
from qa.settings import Settings
from qa.store import EmbeddingCache

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench.latency")

TOP_K = 3
BENCH_CACHE = Path("~/.cache/qa-bench")
READY = re.compile(r"ready in ([0-9.]+) s")


@dataclass
class Corpus:
    name: str
    docs: Path
    index: Path
    questions: list[str]  # distinct questions, cycled to the number of timed queries


@dataclass
class Row:
    corpus: str
    method: str
    ms: list[float]
    baseline: Row | None = None  # the plain recipe timed in the same loop; None: this is it

    def p(self, q: float) -> float:
        return float(np.percentile(self.ms, q))


@dataclass
class CorpusResult:
    rows: list[Row] = field(default_factory=list)
    ready_s: float | None = None          # the server's own "ready in X s"
    health_s: float | None = None         # from starting the process to the first GET /api/health 200
    passages: int = 0
    distinct_questions: int = 0


class PlainRecipe:
    """Embed the question with a torch SentenceTransformer, then FAISS flat inner-product search over the passages.

    The passage vectors are the plain model's own (every torch thread, cached in `cache`); questions run on
    `encoder.threads` torch threads.
    """

    def __init__(self, encoder: PlainEncoder, engine: Engine, cache: Path) -> None:
        self.texts = [p.text for p in engine.index.passages(list(range(len(engine.index))))]
        store = EmbeddingCache(cache, encoder.name)
        threads, encoder.threads = encoder.threads, encoder.all_threads
        try:
            t = time.perf_counter()
            vectors = embed(self.texts, encoder, store)  # type: ignore[arg-type]  # name, dim, __call__ suffice
            log.info("plain recipe: %d passage vectors in %.1f s", len(vectors), time.perf_counter() - t)
        finally:
            encoder.threads = threads
            store.close()
        self.flat = faiss.IndexFlatIP(vectors.shape[1])
        self.flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.encoder = encoder

    def __call__(self, question: str) -> list[str]:
        vector = self.encoder([question])
        _, rows = self.flat.search(np.ascontiguousarray(vector, dtype=np.float32), TOP_K)
        return [self.texts[r] for r in rows[0] if r >= 0]


def seed_questions(dev: Path) -> list[str]:
    """Last turns of bench/seed_questions.jsonl and of the dev set (if it is there), as asked alone."""
    paths = [ROOT / "bench" / "seed_questions.jsonl"] + ([dev] if dev.is_file() else [])
    if not dev.is_file():
        log.warning("no %s: seed questions from bench/seed_questions.jsonl only", dev)
    return [case.turns[-1] for path in paths for case in load_cases(path)]


def cycled(questions: list[str], n: int) -> list[str]:
    return [questions[i % len(questions)] for i in range(n)]


def timed(fn: Callable[[str], object], question: str) -> float:
    t = time.perf_counter()
    fn(question)
    return (time.perf_counter() - t) * 1000


def interleave(questions: list[str], warmup: int, a: Callable[[str], object], b: Callable[[str], object]
               ) -> tuple[list[float], list[float]]:
    """Time a and b on every question, alternating which goes first; the first `warmup` questions untimed."""
    for q in questions[:warmup]:
        a(q)
        b(q)
    a_ms, b_ms = [], []
    for i, q in enumerate(questions):
        if i % 2 == 0:
            a_ms.append(timed(a, q))
            b_ms.append(timed(b, q))
        else:
            b_ms.append(timed(b, q))
            a_ms.append(timed(a, q))
    return a_ms, b_ms


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(corpus: Corpus, backend: str, log_path: Path, timeout: float) -> Iterator[tuple[str, float]]:
    """The real server on a free port; yields (base URL, seconds until /api/health answered). Always stopped."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, str(ROOT / "ui.py"), "--docs", str(corpus.docs), "--index", str(corpus.index),
               "--backend", backend, "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    log.info("started the server for %s (pid %d) on port %d", corpus.name, process.pid, port)
    try:
        health_s = wait_healthy(process, url, started, timeout, log_path)
        yield url, health_s
    finally:
        stop(process)


def wait_healthy(process: subprocess.Popen, url: str, started: float, timeout: float, log_path: Path) -> float:
    with httpx.Client(base_url=url, timeout=2) as client:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{tail(log_path)}")
            try:
                if client.get("/api/health").status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /api/health within {timeout:.0f} s:\n{tail(log_path)}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server (its own process group), SIGKILL if it is still there after 15 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    log.info("stopped the server (pid %d)", process.pid)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def ready_seconds(log_path: Path, wait: float = 5.0) -> float | None:
    """The server's own start-up time from its log line '... ready in X s' (written just after it starts)."""
    deadline = time.perf_counter() + wait
    while True:
        found = READY.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if found or time.perf_counter() > deadline:
            return float(found.group(1)) if found else None
        time.sleep(0.05)


def run_corpus(corpus: Corpus, settings: Settings, embedder: Embedder, encoder: PlainEncoder,
               args: argparse.Namespace, logs: Path) -> CorpusResult:
    result = CorpusResult(distinct_questions=len(corpus.questions))
    settings = dataclasses.replace(settings, docs=corpus.docs, index=corpus.index)
    t = time.perf_counter()
    engine = Engine(settings, embedder)  # brings the index up to date: nothing is embedded if it already is
    result.passages = len(engine.index)
    log.info("%s: index of %d passages ready in %.1f s; %d distinct questions", corpus.name, result.passages,
             time.perf_counter() - t, len(corpus.questions))
    faiss.omp_set_num_threads(1)
    plain = PlainRecipe(encoder, engine, BENCH_CACHE.expanduser() / "latency" / "plain-embeddings.sqlite")
    questions = cycled(corpus.questions, args.queries)

    engine_ms, plain_ms = interleave(questions, args.warmup, lambda q: engine.ask(q), plain)
    base = Row(corpus.name, "plain recipe, in process (baseline of a)", plain_ms)
    result.rows += [base, Row(corpus.name, "(a) Engine.ask, in process", engine_ms, base)]
    log.info("%s: in process done", corpus.name)

    if not args.no_http:
        log_path = logs / f"server-{corpus.name}.log"
        with server(corpus, embedder.backend, log_path, args.server_timeout) as (url, health_s):
            result.health_s = health_s
            result.ready_s = ready_seconds(log_path)
            with httpx.Client(base_url=url, timeout=60) as client:
                def ask(q: str) -> dict:
                    response = client.post("/api/ask", json={"question": q, "top_k": TOP_K})
                    response.raise_for_status()
                    return response.json()

                http_ms, plain_ms = interleave(questions, args.warmup, ask, plain)
        base = Row(corpus.name, "plain recipe, in process (baseline of b)", plain_ms)
        result.rows += [base, Row(corpus.name, "(b) POST /api/ask over HTTP", http_ms, base)]
        log.info("%s: HTTP done", corpus.name)
    engine.index.close()
    return result


def corpora(args: argparse.Namespace, backend: str) -> list[Corpus]:
    out = []
    for name in args.corpora.split(","):
        if name == "seed":
            index = args.seed_index or BENCH_CACHE / "latency" / f"seed-index-{backend}"
            out.append(Corpus("seed", ROOT / "seeds", index.expanduser(), seed_questions(args.dev)))
        elif name == "squad":
            cache = args.squad_cache.expanduser()
            records = write_documents(cache / "docs", DEFAULT_ARTICLES, DEFAULT_SEED)  # rewrites only changed files
            sampled = sample_questions(records, args.queries, args.seed)
            out.append(Corpus("squad", cache / "docs", cache / f"index-{backend}", [q.question for q in sampled]))
        else:
            raise SystemExit(f"error: unknown corpus {name!r}: use seed, squad or seed,squad")
    return out


def report(results: dict[str, CorpusResult], args: argparse.Namespace, embedder: Embedder, total_s: float) -> None:
    print()
    print(f"## Query latency — {args.queries} timed queries per corpus per method (after {args.warmup} untimed), "
          f"top_k={TOP_K}, {os.cpu_count()} cores; ours on backend {embedder.backend} ({embedder.name})")
    print()
    for name, r in results.items():
        print(f"- {name}: {r.passages} passages, {r.distinct_questions} distinct questions"
              + (f"; server start-up with an existing index: ready in {r.ready_s} s (its log), "
                 f"/api/health answered {r.health_s:.1f} s after the process started"
                 if r.health_s is not None else ""))
    print(f"- plain recipe: torch SentenceTransformer.encode of the question on {args.plain_threads} torch thread(s) "
          f"+ FAISS IndexFlatIP k={TOP_K} over the passages' torch vectors, 1 OpenMP thread")
    print()
    print("| corpus | method | p50 ms | p95 ms | ratio of p50 to plain in-process |")
    print("|---|---|---:|---:|---:|")
    for r in results.values():
        for row in r.rows:
            ratio = row.p(50) / row.baseline.p(50) if row.baseline else 1.0
            print(f"| {row.corpus} | {row.method} | {row.p(50):.1f} | {row.p(95):.1f} | {ratio:.2f} |")
    print()
    for name, r in results.items():
        by = {row.method[:3]: row for row in r.rows}
        if "(a)" in by and "(b)" in by:
            print(f"- {name}: HTTP adds {by['(b)'].p(50) - by['(a)'].p(50):.1f} ms at p50 over Engine.ask in process "
                  f"(different loops: compare with care)")
        if "(b)" in by:
            ratio = by["(b)"].p(50) / by["(b)"].baseline.p(50)
            print(f"- {name}: target, our HTTP p50 no slower than the plain recipe in process: {ratio:.2f}x, "
                  + ("met" if ratio <= 1.0 else "NOT met"))
    print(f"- total run time: {total_s:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200, help="timed queries per corpus per method (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed queries first, per phase (default 10)")
    parser.add_argument("--corpora", default="seed,squad", help="comma-separated: seed, squad (default both)")
    parser.add_argument("--seed", type=int, default=29, help="sampling seed of the SQuAD questions (default 29)")
    parser.add_argument("--seed-index", type=Path, default=None,
                        help="index folder for seeds/ (default ~/.cache/qa-bench/latency/seed-index-<backend>)")
    parser.add_argument("--squad-cache", type=Path, default=BENCH_CACHE / "squad",
                        help="bench/squad.py's folder: docs/ and index-<backend>/ (default ~/.cache/qa-bench/squad)")
    parser.add_argument("--dev", type=Path, default=ROOT / "bench" / "dev.jsonl",
                        help="the dev set, for seed questions (default bench/dev.jsonl)")
    parser.add_argument("--plain-threads", type=int, default=1,
                        help="torch threads of the plain recipe (default 1, what the engine uses for a question)")
    parser.add_argument("--no-http", action="store_true", help="skip (b), the server over HTTP")
    parser.add_argument("--server-timeout", type=float, default=300, help="seconds to wait for /api/health")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
    logging.getLogger("qa.indexing").setLevel(logging.INFO)  # says when an index is (re)built
    logging.getLogger("bench.backend").setLevel(logging.INFO)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a killed run still stops its server (finally)
    started = time.perf_counter()

    settings = Settings.from_env()  # the project's defaults: what the server runs
    encoder = PlainEncoder(threads=args.plain_threads)
    embedder = make_embedder(settings.backend, batch_size=settings.batch_size, cache=settings.model_cache)
    results: dict[str, CorpusResult] = {}
    with tempfile.TemporaryDirectory(prefix="qa-latency-") as logs:
        for corpus in corpora(args, embedder.backend):
            results[corpus.name] = run_corpus(corpus, settings, embedder, encoder, args, Path(logs))
    report(results, args, embedder, time.perf_counter() - started)


if __name__ == "__main__":
    main()
