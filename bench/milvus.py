"""The Milvus store beside the embedded one: SQuAD dev quality and query time, and one document's add/remove time.

    python -m bench.milvus [--uri http://127.0.0.1:PORT] [--questions 500] [--sizes 10000,100000]

Without --uri a `milvus-lite server` is started on a free loopback port (data in a temporary folder) and stopped
after. Quality: the SQuAD v1.1 dev documents of `python -m bench.squad --split dev` (run it first: its cache
holds the documents and their vectors, so nothing is embedded again) go into a Milvus store with the product's
own qa.indexing.sync_milvus; the same questions are searched on both stores with the product ranking ("answer"),
top-1 / top-3 and the search time (query embedding excluded) reported. Add/remove: a store is filled to each size
with copies of those passages under random unit vectors (the time of a write does not depend on what the vectors
say), then one more document of 40 passages is added and removed, timed (embedding excluded: it is the same on
both stores).
"""
from __future__ import annotations

import argparse
import logging
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.backend import make_embedder
from bench.squad import CANDIDATES, TOP_K, first_hit
from bench.squad_data import sample_questions, squad_dev_path, write_documents
from qa.indexing import sync, sync_milvus
from qa.milvus_store import MilvusStore
from qa.passages import Passage
from qa.relevance import models_for
from qa.search import search
from qa.store_api import Store

log = logging.getLogger("bench.milvus")
SQUAD_DEV = Path("~/.cache/qa-bench/squad/dev").expanduser()
ARTICLES = 48
SEED = 13
BATCH_DOC = 1000  # passages a filler document holds


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = subprocess.Popen(["milvus-lite", "server", "--data-dir", str(data), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    return server, f"http://127.0.0.1:{port}"


def quality(uri: str, work: Path, questions: int) -> dict:
    """SQuAD dev top-1/top-3 and search time on both stores, the same questions."""
    embedder = make_embedder("onnx", batch_size=32)
    models = models_for(embedder.model)
    docs = SQUAD_DEV / "docs"
    records = write_documents(docs, ARTICLES, SEED, squad_dev_path())
    root = work / "index"
    shutil.copytree(SQUAD_DEV / f"index-{embedder.backend}", root)  # its caches: nothing is embedded again
    embedded = sync(docs, root, embedder, max_tokens=256)
    milvus = MilvusStore(uri, prefix="squad", dim=embedder.dim)
    t = time.perf_counter()
    sync_milvus(docs, root, embedder, 256, milvus)
    log.info("Milvus store filled in %.1f s: %d passages", time.perf_counter() - t, len(milvus))
    stores: dict[str, Store] = {"embedded": embedded, "milvus": milvus}
    result: dict[str, dict] = {}
    for name, store in stores.items():
        ranks, ms = [], []
        for q in sample_questions(records, questions, SEED):
            query = store.correct(q.question, embedder.words)
            vector = embedder.query(query)
            t = time.perf_counter()
            hits = search(store, vector, query, TOP_K, CANDIDATES, models=models, question=q.question)
            texts = [p.text for p in store.passages([h.row for h in hits])]
            ms.append((time.perf_counter() - t) * 1000)
            ranks.append(first_hit(q, texts))
        result[name] = {"passages": len(store), "top1": sum(r == 1 for r in ranks) / len(ranks),
                        "top3": sum(r is not None for r in ranks) / len(ranks),
                        "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}
        log.info("%s: %s", name, result[name])
    milvus.drop()
    milvus.close()
    return result


def writes(uri: str, size: int) -> dict:
    """Fill a store to `size` passages, then time adding and removing one 40-passage document."""
    embedder = make_embedder("onnx", batch_size=32)
    rng = np.random.default_rng(SEED)
    store = MilvusStore(uri, prefix=f"scale{size}", dim=embedder.dim)
    text = "The harbour master keeps a log of every ship. The lighthouse guides them home at night."
    spans = [(0, 46), (47, len(text))]

    def document(doc_id: str, n: int) -> tuple:
        passages = [Passage(doc_id, i + 2, 0, len(text), f"{text} {doc_id} {i}", None, "") for i in range(n)]
        vectors = rng.normal(size=(n, embedder.dim)).astype(np.float32)
        sentence_vectors = rng.normal(size=(2 * n, embedder.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        sentence_vectors /= np.linalg.norm(sentence_vectors, axis=1, keepdims=True)
        return (doc_id, doc_id, f"{doc_id}.txt", "0" * 64, text, passages, [spans] * n, vectors, sentence_vectors)

    t = time.perf_counter()
    for start in range(len(store), size, BATCH_DOC):
        store.add_document(*document(f"fill{start}", min(BATCH_DOC, size - start)))
    fill_s = time.perf_counter() - t
    one = document("extra", 40)
    t = time.perf_counter()
    store.add_document(*one)
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    store.remove_document("extra")
    remove_s = time.perf_counter() - t
    result = {"size": len(store), "fill_s": fill_s, "add_s": add_s, "remove_s": remove_s}
    log.info("%s", result)
    store.drop()
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", help="a running Milvus (default: start a milvus-lite server here)")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--sizes", default="10000,100000", help="store sizes for the add/remove times ('' skips)")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-milvus-") as tmp:
        work = Path(tmp)
        server = None
        uri = args.uri
        if uri is None:
            server, uri = start_server(work / "milvus")
        try:
            rows = quality(uri, work, args.questions) if not args.skip_quality else {}
            sizes = [writes(uri, int(s)) for s in args.sizes.split(",") if s]
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
    print("\n| store | passages | SQuAD dev top-1 | top-3 | search p50 ms | p95 ms |\n|---|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['passages']} | {r['top1']:.3f} | {r['top3']:.3f} | {r['p50_ms']:.1f} | "
              f"{r['p95_ms']:.1f} |")
    print("\n| Milvus store size | add one 40-passage document s | remove it s | filling s |\n|---:|---:|---:|---:|")
    for r in sizes:
        print(f"| {r['size']} | {r['add_s']:.2f} | {r['remove_s']:.2f} | {r['fill_s']:.0f} |")


if __name__ == "__main__":
    main()
