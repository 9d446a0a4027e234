"""Scale: build, load, memory and query speed at 10k, 100k and ~430k real passages, and 1M vectors index-only.

    python -m bench.scale [--sizes 10000,100000,430685] [--million 1000000] [--questions 300]
                          [--crossover 25000,50000,100000,200000]

Corpus (bench/scale_data.py): SQuAD v1.1 train sentences, chitchat-dataset messages and WordNet definitions,
430,685 distinct short texts, each embedded once by the project's embedder and cached outside the repo
(~/.cache/qa-bench/scale). Each text is one passage (and its own one sentence); passages are grouped into documents
by their source title. A size's passages always include the answer sentences of the sampled SQuAD questions; the
rest is a seeded sample of the corpus, so at every size those questions search among more distractors.

Per size, in this one run:
- build: `qa.store.write_generation` with the cached vectors (SQLite, the passage and sentence vector indexes,
  BM25, fsync, atomic switch), the index type chosen by `Settings.approximate_above`; embedding time is apart,
  from the cache run (the texts/s of bench/throughput.py applies); then the same write after removing one
  document, and after adding it back (an HNSW graph is taken over from the previous generation);
- load and memory: a fresh process runs `Index.load` (the server's start-up step) and reports its time and how
  much its resident memory grew, divided by passages; the folder's size on disk too;
- query: `Engine.ask(question, top_k=10)` in process, one thread, against the plain recipe in the same loop
  (torch `SentenceTransformer.encode([q])` + FAISS `IndexFlatIP` search, k=10). Its index holds the cached
  passage vectors (ONNX int8), not torch ones: re-embedding 430k texts with torch would take ~40 min, and at
  100k torch and int8 question vectors against them gave the same hit@10 (0.877) and hit@1 within 0.007;
- quality: SQuAD questions whose answer sentence is among our 10 passages (hit@10) and first (hit@1);
  for an approximate index, its recall@10 against exact search of the same vectors.

Crossover: exact and HNSW search timed side by side at a few sizes, which is how Settings.approximate_above
was chosen.

1M: the corpus's vectors plus perturbed copies of randomly chosen ones (each copy = the vector plus Gaussian noise
of sigma 0.03 a dimension, renormalised: mean cosine 0.86 to its source, like a paraphrase, not a duplicate) up to
1,000,000, indexed alone (`qa.vectors.VectorIndex.build`): build, load, memory, p50/p95 search on one thread at
several efSearch, recall@10 against exact search, and SQuAD hit@10 of exact and approximate search.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from bench.backend import PlainEncoder  # noqa: E402
from bench.scale_data import (  # noqa: E402
    Corpus,
    ScaleQuestion,
    embedding_seconds,
    load_corpus,
    load_vectors,
    squad_questions,
    subset,
)
from qa.documents import Document  # noqa: E402
from qa.embedder import Embedder  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.passages import Passage  # noqa: E402
from qa.settings import Settings  # noqa: E402
from qa.store import Index, write_generation  # noqa: E402
from qa.vectors import HnswParams, VectorIndex  # noqa: E402

log = logging.getLogger("bench.scale")

NOISE = 0.03
EF_SEARCH = (32, 64, 128, 256)


def build(root: Path, corpus: Corpus, rows: list[int], vectors: np.ndarray, embedder: Embedder,
          approximate_above: int) -> tuple[Path, list[int], dict[tuple[str, int], int], float]:
    """Write one generation of these corpus rows.

    Returns its folder, the corpus row of each passage row, (doc_id, paragraph) -> corpus row, and seconds taken.
    """
    by_title: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_title[corpus.titles[row]].append(row)
    documents, passages, order, where = [], [], [], {}
    for title, members in by_title.items():
        doc_id = hashlib.sha1(title.encode()).hexdigest()[:12]
        text, start = "", 0
        for paragraph, row in enumerate(members, 1):
            passage = corpus.texts[row]
            passages.append(Passage(doc_id, paragraph, start, start + len(passage), passage))
            where[(doc_id, paragraph)] = row
            order.append(row)
            text += passage + "\n\n"
            start = len(text)
        documents.append(Document(doc_id, title, text, 0, f"{corpus.sources[members[0]]}/{doc_id}.txt",
                                  hashlib.sha256(text.encode()).hexdigest()))
    rows_vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
    meta = {"model": embedder.name, "dim": embedder.dim, "max_tokens": 256, "files": {}}
    began = time.perf_counter()
    folder = write_generation(root, meta, documents, passages, rows_vectors, [[(0, len(p.text))] for p in passages],
                              rows_vectors, approximate_above)
    return folder, order, where, time.perf_counter() - began


def probe(kind: str, path: Path) -> dict:
    """Load time and resident-memory growth of loading `path` in a fresh process (as the server does at start).

    The index was just written: its pages are flushed first, so the load does not wait on the write-back.
    """
    os.sync()
    code = ("import json, time\n"
            "def rss(): return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])\n"
            "from qa.store import Index; from qa.vectors import VectorIndex; from pathlib import Path\n"
            "before = rss(); t = time.perf_counter()\n"
            f"x = Index.load(Path({str(path)!r})) if {kind!r} == 'index' else VectorIndex.load(Path({str(path)!r}))\n"
            "print(json.dumps({'load_s': time.perf_counter() - t, 'rss_mb': (rss() - before) / 1024}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])  # the repo root: `qa` imports from there
    return json.loads(out.stdout.strip().splitlines()[-1])


def disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def percentiles(ms: list[float]) -> tuple[float, float]:
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def recall(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact)]))


def measure_size(size: int, corpus: Corpus, vectors: np.ndarray, questions: list[ScaleQuestion], qvecs: np.ndarray,
                 embedder: Embedder, plain: PlainEncoder, work: Path, settings: Settings) -> dict:
    rows = subset(corpus, size, {r for q in questions for r in q.rows})
    root = work / f"index-{size}"
    folder, order, where, build_s = build(root, corpus, rows, vectors, embedder, settings.approximate_above)
    loaded = probe("index", folder)
    index = Index.load(folder)
    engine = Engine(replace(settings, index=root), embedder=embedder, index=index)
    flat = faiss.IndexFlatIP(vectors.shape[1])  # the plain recipe's index, rows in the same order as ours
    flat.add(np.ascontiguousarray(vectors[order], dtype=np.float32))
    faiss.omp_set_num_threads(1)
    ours_ms, plain_ms, hit1, hit10, plain_hit1, plain_hit10 = [], [], 0, 0, 0, 0
    for i, q in enumerate([*questions[:10], *questions]):  # the first 10 warm up, untimed
        timed = i >= 10
        for name in (("ours", "plain") if i % 2 else ("plain", "ours")):
            t = time.perf_counter()
            if name == "ours":
                answer = engine.ask(q.question, top_k=10)
                took = time.perf_counter() - t
                got = [where[(c.passage.doc_id, c.passage.paragraph)] for c in answer.passages]
                if timed:
                    ours_ms.append(took * 1000)
                    hit1 += bool(got) and got[0] in q.rows
                    hit10 += any(r in q.rows for r in got)
            else:
                _, found = flat.search(plain([q.question]).reshape(1, -1), 10)
                if timed:
                    plain_ms.append((time.perf_counter() - t) * 1000)
                    got = [order[r] for r in found[0]]
                    plain_hit1 += got[0] in q.rows
                    plain_hit10 += any(r in q.rows for r in got)
    result = {"size": size, "kind": index.vectors.kind, "build_s": build_s, **loaded,
              "bytes_per_passage": loaded["rss_mb"] * 2**20 / size, "disk_mb": disk_mb(folder),
              "ours": percentiles(ours_ms), "plain": percentiles(plain_ms),
              "hit1": hit1 / len(questions), "hit10": hit10 / len(questions),
              "plain_hit1": plain_hit1 / len(questions), "plain_hit10": plain_hit10 / len(questions)}
    if index.vectors.kind == "hnsw":
        _, exact = flat.search(qvecs, 10)
        approx = np.stack([index.vectors.search(v, 10)[1] for v in qvecs])
        result["recall10"] = recall(approx, exact)
    index.close()
    # a change of documents writes a new generation: remove one document, then add it back
    title = corpus.titles[rows[len(rows) // 2]]
    fewer = [r for r in rows if corpus.titles[r] != title]
    result["remove_s"] = build(root, corpus, fewer, vectors, embedder, settings.approximate_above)[3]
    result["add_s"] = build(root, corpus, rows, vectors, embedder, settings.approximate_above)[3]
    shutil.rmtree(root, ignore_errors=True)
    log.info("size %d: %s", size, result)
    return result


def measure_million(total: int, vectors: np.ndarray, questions: list[ScaleQuestion], qvecs: np.ndarray,
                    work: Path, settings: Settings, seed: int = 13) -> dict:
    rng = np.random.default_rng(seed)
    extra = total - len(vectors)
    log.info("making %d perturbed copies (noise sigma %.2f a dimension)", extra, NOISE)
    sources = rng.integers(0, len(vectors), extra)
    copies = np.empty((extra, vectors.shape[1]), dtype=np.float32)
    for start in range(0, extra, 100_000):
        chunk = np.asarray(vectors[sources[start:start + 100_000]], dtype=np.float32)
        chunk += rng.normal(0, NOISE, chunk.shape).astype(np.float32)
        copies[start:start + len(chunk)] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    sample = np.asarray(vectors[sources[:1000]], dtype=np.float32)
    cosine = float(np.mean((copies[:1000] * sample).sum(axis=1)))
    everything = np.concatenate([np.asarray(vectors, dtype=np.float32), copies])
    del copies

    began = time.perf_counter()
    hnsw = VectorIndex.build(everything, settings.approximate_above)
    build_s = time.perf_counter() - began
    path = work / "million.faiss"
    hnsw.save(path)
    loaded = probe("vectors", path)
    flat = faiss.IndexFlatIP(everything.shape[1])
    flat.add(everything)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    _, exact = flat.search(qvecs, 10)
    faiss.omp_set_num_threads(1)
    flat_ms = []
    for v in qvecs[:50]:
        t = time.perf_counter()
        flat.search(v.reshape(1, -1), 10)
        flat_ms.append((time.perf_counter() - t) * 1000)
    answers = [set(q.rows) for q in questions]
    exact_hit10 = float(np.mean([bool(set(e) & a) for e, a in zip(exact, answers)]))
    by_ef = []
    for ef in EF_SEARCH:
        index = VectorIndex(hnsw.index, HnswParams(ef_search=ef))
        ms, found = [], []
        for v in qvecs:
            t = time.perf_counter()
            found.append(index.search(v, 10)[1])
            ms.append((time.perf_counter() - t) * 1000)
        by_ef.append({"ef": ef, "p50_p95": percentiles(ms), "recall10": recall(np.stack(found), exact),
                      "hit10": float(np.mean([bool(set(f) & a) for f, a in zip(found, answers)]))})
    result = {"vectors": len(everything), "copies": extra, "copy_cosine": cosine, "kind": hnsw.kind,
              "build_s": build_s, **loaded, "bytes_per_vector": loaded["rss_mb"] * 2**20 / len(everything),
              "disk_mb": disk_mb(path), "flat": percentiles(flat_ms), "exact_hit10": exact_hit10, "by_ef": by_ef,
              "params": HnswParams().__dict__}
    log.info("1M: %s", result)
    return result


def measure_crossover(sizes: list[int], vectors: np.ndarray, qvecs: np.ndarray) -> list[dict]:
    """Exact against HNSW search time, one thread, k=50 (the engine's candidates), on the first n corpus vectors."""
    results = []
    for n in sizes:
        rows = np.ascontiguousarray(vectors[:n], dtype=np.float32)
        flat = VectorIndex.build(rows)
        began = time.perf_counter()
        hnsw = VectorIndex.build(rows, approximate_above=0)
        build_s = time.perf_counter() - began
        faiss.omp_set_num_threads(1)
        timings: dict[str, list[float]] = {"flat": [], "hnsw": []}
        found: dict[str, list[np.ndarray]] = {"flat": [], "hnsw": []}
        for v in qvecs:
            for name, index in (("flat", flat), ("hnsw", hnsw)):
                t = time.perf_counter()
                found[name].append(index.search(v, 50)[1][:10])
                timings[name].append((time.perf_counter() - t) * 1000)
        results.append({"n": n, "flat": percentiles(timings["flat"]), "hnsw": percentiles(timings["hnsw"]),
                        "build_s": build_s, "recall10": recall(np.stack(found["hnsw"]), np.stack(found["flat"]))})
        log.info("crossover %s", results[-1])
    return results


def report(sizes: list[dict], million: dict | None, embed_rate: float, settings: Settings, questions: int,
           total_s: float, crossover: list[dict]) -> None:
    if crossover:
        print()
        print("### Where exact search stops being fast: one search, one thread, k=50 (the engine's candidates)")
        print()
        print("| vectors | exact p50 / p95 ms | HNSW p50 / p95 ms | HNSW build s | HNSW recall@10 vs exact |")
        print("|---:|---:|---:|---:|---:|")
        for c in crossover:
            print(f"| {c['n']:,} | {c['flat'][0]:.2f} / {c['flat'][1]:.2f} | {c['hnsw'][0]:.2f} / {c['hnsw'][1]:.2f} | "
                  f"{c['build_s']:.1f} | {c['recall10']:.3f} |")
    if sizes:
        print()
        print(f"## Scale — {questions} SQuAD questions, one thread a query; exact search up to "
              f"{settings.approximate_above:,} vectors, HNSW above (M={HnswParams.m}, efConstruction="
              f"{HnswParams.ef_construction}, efSearch={HnswParams.ef_search})")
        print()
        print("| passages | search | build s | remove / add a document s | (embedding, once) | load s | "
              "memory bytes/passage | on disk MB | "
              "ask p50 / p95 ms | plain recipe p50 / p95 ms | ratio p50 | hit@1 (plain) | hit@10 (plain) | "
              "recall@10 vs exact |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in sizes:
            print(f"| {r['size']:,} | {r['kind']} | {r['build_s']:.1f} | {r['remove_s']:.1f} / {r['add_s']:.1f} | "
                  f"{r['size'] / embed_rate:.0f} s | "
                  f"{r['load_s']:.2f} | {r['bytes_per_passage']:,.0f} | {r['disk_mb']:,.0f} | "
                  f"{r['ours'][0]:.1f} / {r['ours'][1]:.1f} | {r['plain'][0]:.1f} / {r['plain'][1]:.1f} | "
                  f"{r['ours'][0] / r['plain'][0]:.2f} | {r['hit1']:.3f} ({r['plain_hit1']:.3f}) | "
                  f"{r['hit10']:.3f} ({r['plain_hit10']:.3f}) | "
                  f"{r.get('recall10', 1.0):.3f}{'' if 'recall10' in r else ' (exact)'} |")
        print()
        print(f"- build is the index alone from cached vectors; embedding the passages took the time in brackets at "
              f"the {embed_rate:.0f} texts/s the cache run measured")
        print("- memory: growth of a fresh process's resident memory on `Index.load`, divided by passages; it holds "
              "the passage and the sentence vectors (here the same texts) and BM25")
    if million:
        m = million
        print()
        print(f"### {m['vectors']:,} vectors, index only: {m['vectors'] - m['copies']:,} real + {m['copies']:,} "
              f"perturbed copies (mean cosine {m['copy_cosine']:.2f} to their source)")
        print()
        print(f"- {m['kind']} build {m['build_s']:.0f} s (all cores), load {m['load_s']:.2f} s, "
              f"{m['bytes_per_vector']:,.0f} bytes/vector resident, {m['disk_mb']:,.0f} MB on disk")
        print(f"- exact search (flat, one thread): p50 {m['flat'][0]:.1f} ms, p95 {m['flat'][1]:.1f} ms; "
              f"SQuAD hit@10 {m['exact_hit10']:.3f}")
        print()
        print("| efSearch | p50 ms | p95 ms | ratio p50 to exact | recall@10 vs exact | SQuAD hit@10 |")
        print("|---:|---:|---:|---:|---:|---:|")
        for e in m["by_ef"]:
            print(f"| {e['ef']} | {e['p50_p95'][0]:.2f} | {e['p50_p95'][1]:.2f} | "
                  f"{e['p50_p95'][0] / m['flat'][0]:.3f} | {e['recall10']:.3f} | {e['hit10']:.3f} |")
    print()
    print(f"- total run time: {total_s / 60:.1f} min")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,430685", help="passages per index (comma-separated)")
    parser.add_argument("--million", type=int, default=1_000_000, help="vectors for the index-only run (0: skip)")
    parser.add_argument("--crossover", default="25000,50000,100000,200000",
                        help="vector counts at which exact and HNSW search are timed side by side ('' to skip)")
    parser.add_argument("--questions", type=int, default=300, help="SQuAD questions asked at each size")
    parser.add_argument("--workdir", type=Path, default=None, help="where indexes are built (default: a temp dir)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    started = time.perf_counter()
    settings = Settings.from_env()
    corpus = load_corpus()
    embedder = Embedder(settings.backend, settings.batch_size, settings.model_cache)
    vectors = load_vectors(corpus, embedder)
    embed_s = embedding_seconds(embedder)
    questions = squad_questions(corpus, args.questions)
    qvecs = embedder([q.question for q in questions])
    plain = PlainEncoder(threads=1)  # one query at a time, one thread, as ours
    sizes = [min(int(s), len(corpus.texts)) for s in args.sizes.split(",") if s]
    crossover = measure_crossover([int(n) for n in args.crossover.split(",") if n], vectors, qvecs)
    with tempfile.TemporaryDirectory(prefix="qa-scale-", dir=args.workdir) as tmp:
        work = Path(tmp)
        results = [measure_size(s, corpus, vectors, questions, qvecs, embedder, plain, work, settings) for s in sizes]
        million = (measure_million(args.million, vectors, questions, qvecs, work, settings)
                   if args.million > len(corpus.texts) else None)
    report(results, million, len(corpus.texts) / embed_s, settings, len(questions), time.perf_counter() - started,
           crossover)


if __name__ == "__main__":
    main()
