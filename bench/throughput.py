"""Index build throughput (passages/s): our embedder and qa.indexing.sync vs plain SentenceTransformer.encode.

    python -m bench.throughput [--paragraphs 300] [--seed 101] [--repeats 3] [--batch-size 32] [--backend onnx|torch]

A fresh seeded sample of SQuAD v1.1 train paragraphs, from articles that neither bench/squad.py nor
bench/fit_relevance.py indexes, is written as documents (one per article: title, blank line, its sampled
paragraphs) to a temporary folder. Then each of these runs `--repeats` times, the order rotating every repetition:

- plain:  the plain recipe, built directly with sentence-transformers (bench/backend.py, not qa.embedder):
          `SentenceTransformer(str(model_path()), device="cpu").encode(passage_texts, batch_size=32,
          normalize_embeddings=True)` on the passage texts (`qa.passages.split_passages`), with every torch thread.
- embed:  our embedder alone on the same passage texts: `Embedder(backend)(passage_texts)` (backend onnx by default:
          int8, texts one at a time, one ONNX thread each, parallel over all cores; torch: batches of --batch-size).
- sync:   ours end to end, `qa.indexing.sync(docs, <fresh empty index folder>, embedder, 256)`: read, split into
          passages and sentences, embed passages AND sentences (about twice plain's tokens), build FAISS + BM25,
          write the generation atomically, load it. A new empty folder each time, so no embedding cache is reused.

Figures are passages/s (the passages of the sample divided by wall time), median (p50) and p95 of the runs,
and the ratio of each p50 to plain's. How many texts and tokens our path embeds is printed so the ratio is
explained. Target: the embedder alone at least 2.0x plain's passages/s.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.backend import PlainEncoder, add_backend_flag, make_embedder
from bench.squad_data import (
    DEFAULT_ARTICLES,
    DEFAULT_SEED,
    clean,
    slug,
    split_articles,
    title_of,
)
from qa.embedder import Embedder
from qa.indexing import read_sources, sync
from qa.passages import split_passages, split_sentences
from qa.store import EmbeddingCache

log = logging.getLogger("bench.throughput")

MAX_TOKENS = 256
FIT_ARTICLES, FIT_SHUFFLE_SEED = 30, 7  # bench/fit_relevance.py's defaults: the articles it indexes are skipped
TARGET = 2.0  # our embedder alone, in passages/s, against plain's
METHODS = ("plain", "embed", "sync")
LABELS = {"plain": "plain: SentenceTransformer.encode(passages), torch, all threads",
          "embed": "ours, embedder alone: Embedder({backend})(passages)",
          "sync": "ours end to end: qa.indexing.sync from scratch (passages + sentences)"}


@dataclass
class Runs:
    seconds: list[float] = field(default_factory=list)
    embed_seconds: list[float] = field(default_factory=list)  # time inside the model (sync only)

    def p(self, q: float) -> float:
        return float(np.percentile(self.seconds, q))


class TimedEmbedder:
    """The embedder, unchanged, with the time spent in its calls (model and token counting) added up."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.embed_s = 0.0
        self.count_s = 0.0
        self.texts = 0

    @property
    def inner(self) -> Embedder:
        return self._inner

    def __getattr__(self, name: str) -> object:  # name, dim, words, backend, tokenizer ...
        return getattr(self._inner, name)

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        t = time.perf_counter()
        try:
            return self._inner(texts, progress=False)
        finally:
            self.embed_s += time.perf_counter() - t
            self.texts += len(texts)

    def count_tokens(self, text: str) -> int:
        t = time.perf_counter()
        try:
            return self._inner.count_tokens(text)
        finally:
            self.count_s += time.perf_counter() - t


def fresh_paragraphs(n: int, seed: int) -> list[tuple[dict, list[str]]]:
    """A seeded sample of `n` paragraphs from articles no other benchmark indexes, grouped by article."""
    _, others = split_articles(None, DEFAULT_ARTICLES, DEFAULT_SEED)  # bench/squad.py's articles left out
    shuffled = list(others)
    random.Random(FIT_SHUFFLE_SEED).shuffle(shuffled)
    fit = {id(a) for a in shuffled[:FIT_ARTICLES]}                     # bench/fit_relevance.py's left out
    pool = [(i, j) for i, a in enumerate(others) if id(a) not in fit
            for j, p in enumerate(a["paragraphs"]) if clean(p["context"])]
    if n > len(pool):
        raise SystemExit(f"error: only {len(pool)} paragraphs are available, asked for {n}")
    chosen = sorted(random.Random(seed).sample(pool, n))
    grouped: dict[int, list[str]] = {}
    for i, j in chosen:
        grouped.setdefault(i, []).append(clean(others[i]["paragraphs"][j]["context"]))
    return [(others[i], texts) for i, texts in grouped.items()]


def write_docs(folder: Path, sample: list[tuple[dict, list[str]]]) -> int:
    """One .txt a article: its title, a blank line, then its sampled paragraphs separated by blank lines."""
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    for article, texts in sample:
        stem = base = slug(title_of(article))
        n = 2
        while stem in taken:
            stem, n = f"{base}-{n}", n + 1
        taken.add(stem)
        (folder / f"{stem}.txt").write_text(title_of(article) + "\n\n" + "\n\n".join(texts) + "\n", encoding="utf-8")
    return len(taken)


def token_total(embedder: Embedder, texts: list[str], window: int) -> int:
    """Word pieces the model reads, truncated to its window as encode does."""
    return sum(min(embedder.count_tokens(t), window) for t in texts)


def run_sync(docs: Path, work: Path, repeat: int, embedder: TimedEmbedder, runs: Runs) -> int:
    index_dir = work / f"index-{repeat}"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    embedder.embed_s = embedder.count_s = 0.0
    embedder.texts = 0
    t = time.perf_counter()
    index = sync(docs, index_dir, embedder, MAX_TOKENS)  # type: ignore[arg-type]  # an Embedder, timed
    runs.seconds.append(time.perf_counter() - t)
    runs.embed_seconds.append(embedder.embed_s)
    passages = len(index)
    index.close()
    shutil.rmtree(index_dir, ignore_errors=True)  # the next repetition starts from an empty folder again
    return passages


def run_plain(plain: PlainEncoder, texts: list[str], runs: Runs) -> None:
    t = time.perf_counter()
    plain(texts)  # every torch thread (PlainEncoder's default)
    runs.seconds.append(time.perf_counter() - t)


def run_embed(embedder: Embedder, texts: list[str], runs: Runs) -> None:
    t = time.perf_counter()
    vectors = embedder(texts)
    runs.seconds.append(time.perf_counter() - t)
    if len(vectors) != len(texts):
        log.warning("the embedder returned %d vectors for %d texts", len(vectors), len(texts))


def report(args: argparse.Namespace, documents: int, passages: list[str], sentences: list[str], unique: int,
           tokens: dict[str, int], runs: dict[str, Runs], order: list[str], embedder: TimedEmbedder,
           plain: PlainEncoder, total_s: float) -> None:
    n = len(passages)
    rate = {name: (n / r.p(50), n / r.p(95)) for name, r in runs.items()}
    backend = embedder.backend
    workers = getattr(embedder.encoder, "threads", None)
    print()
    print(f"## Index build throughput — {args.paragraphs} SQuAD v1.1 train paragraphs (seed {args.seed}), "
          f"{documents} documents, {n} passages of at most {MAX_TOKENS} tokens; ours on backend {backend}")
    print()
    print(f"- machine: {os.cpu_count()} cores; plain: {plain.threads} torch threads, batch size {args.batch_size}; "
          f"ours ({embedder.name}): "
          + (f"texts one at a time on {workers} one-thread ONNX workers" if backend == "onnx"
             else f"torch, batch size {args.batch_size}")
          + f"; {args.repeats} runs each, order of the runs: {', '.join(order)}")
    print(f"- plain and the embedder alone embed {n} passage texts ({tokens['passages']:,} tokens). Ours end to end "
          f"embeds {unique} unique texts: {n} passages + {len(sentences)} sentences, less "
          f"{n + len(sentences) - unique} duplicates (one-sentence passages) = {tokens['ours']:,} tokens "
          f"({tokens['ours'] / max(tokens['passages'], 1):.2f}x plain's tokens, {unique / max(n, 1):.2f}x its texts); "
          f"the model calls in sync saw {embedder.texts} texts")
    print()
    print("| method | p50 s | p95 s | passages/s at p50 | passages/s at p95 | ratio of p50 passages/s to plain |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in METHODS:
        r = runs[name]
        print(f"| {LABELS[name].format(backend=backend)} | {r.p(50):.2f} | {r.p(95):.2f} | {rate[name][0]:.1f} | "
              f"{rate[name][1]:.1f} | {rate[name][0] / rate['plain'][0]:.2f} |")
    ratio = rate["embed"][0] / rate["plain"][0]
    embed_p50 = statistics.median(runs["sync"].embed_seconds)
    sync_p50 = runs["sync"].p(50)
    print()
    print(f"- target: our embedder alone at least {TARGET:.1f}x plain's passages/s: {ratio:.2f}x, "
          + ("met" if ratio >= TARGET else "NOT met"))
    print(f"- ours end to end, time in the model (Embedder calls, p50): {embed_p50:.2f} s of {sync_p50:.2f} s; "
          f"the rest (read, split, count tokens, cache, FAISS, BM25, SQLite, fsync, load): "
          f"{sync_p50 - embed_p50:.2f} s")
    print(f"- model throughput: plain {n / runs['plain'].p(50):.0f} texts/s, "
          f"{tokens['passages'] / runs['plain'].p(50):,.0f} tokens/s; embedder alone "
          f"{n / runs['embed'].p(50):.0f} texts/s, {tokens['passages'] / runs['embed'].p(50):,.0f} tokens/s; "
          f"inside sync {unique / embed_p50:.0f} texts/s, {tokens['ours'] / embed_p50:,.0f} tokens/s")
    print("- every run (s): " + "; ".join(f"{name} {', '.join(f'{s:.2f}' for s in runs[name].seconds)}"
                                          for name in METHODS))
    print(f"- total run time: {total_s:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=300, help="SQuAD paragraphs to index (default 300)")
    parser.add_argument("--seed", type=int, default=101, help="sampling seed of the paragraphs (default 101)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each method (default 3)")
    parser.add_argument("--batch-size", type=int, default=32,
                        help="torch batch size of plain (and of ours on --backend torch; onnx runs texts one at a "
                             "time) (default 32)")
    add_backend_flag(parser, "ours")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the documents and indexes go (default: a temporary folder, removed after)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("bench.backend").setLevel(logging.INFO)
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="qa-throughput-", dir=args.workdir) as tmp:
        work = Path(tmp)
        docs = work / "docs"
        documents = write_docs(docs, fresh_paragraphs(args.paragraphs, args.seed))
        plain = PlainEncoder(batch_size=args.batch_size)  # first: torch's default thread count is every core
        embedder = TimedEmbedder(make_embedder(args.backend, batch_size=args.batch_size))
        sources = read_sources(docs, work / "no-index")
        split = [p for d in sources for p in split_passages(d, embedder.count_tokens, MAX_TOKENS)]
        passages = [p.text for p in split]
        sentences = [p.text[s:e] for p in split for s, e in (split_sentences(p.text) or [(0, len(p.text))])]
        unique = len({EmbeddingCache.key(t) for t in passages + sentences})
        unique_texts = list({EmbeddingCache.key(t): t for t in passages + sentences}.values())
        tokens = {"passages": token_total(embedder, passages, plain.max_length),
                  "ours": token_total(embedder, unique_texts, plain.max_length)}
        log.info("%d documents, %d passages, %d sentences, %d unique texts to embed in our path",
                 documents, len(passages), len(sentences), unique)

        # warm-up, untimed: the first calls into torch, ONNX Runtime and the tokenizers are slower than the rest
        plain(passages[:64])
        embedder.inner(passages[:64])
        runs = {name: Runs() for name in METHODS}
        order = []
        for repeat in range(args.repeats):
            shift = repeat % len(METHODS)
            for name in METHODS[shift:] + METHODS[:shift]:
                if name == "sync":
                    got = run_sync(docs, work, repeat, embedder, runs[name])
                    if got != len(passages):
                        log.warning("our index has %d passages, the split gave %d", got, len(passages))
                elif name == "embed":
                    run_embed(embedder.inner, passages, runs[name])
                else:
                    run_plain(plain, passages, runs[name])
                order.append(name)
                last = runs[name].seconds[-1]
                log.info("run %d %-5s %.2f s (%.1f passages/s)", repeat + 1, name, last, len(passages) / last)
        report(args, documents, passages, sentences, unique, tokens, runs, order, embedder, plain,
               time.perf_counter() - started)


if __name__ == "__main__":
    main()
