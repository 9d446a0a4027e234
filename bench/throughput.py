"""Index build throughput (passages/s): qa.indexing.sync from scratch vs plain SentenceTransformer.encode, same run.

    python bench/throughput.py [--paragraphs 300] [--seed 101] [--repeats 3] [--batch-size 32]

A fresh seeded sample of SQuAD v1.1 train paragraphs, from articles that neither bench/squad.py nor
bench/fit_relevance.py indexes, is written as documents (one per article: title, blank line, its sampled
paragraphs) to a temporary folder. Then, alternating which goes first, each of these runs `--repeats` times:

- ours:  `qa.indexing.sync(docs, <fresh empty index folder>, embedder, 256)`, end to end: read, split into
         passages and sentences, embed passages AND sentences, build FAISS + BM25, write the generation
         atomically, load it. A new empty folder each time, so no embedding cache is reused.
- plain: `embedder.model.encode(passage_texts, batch_size=32, normalize_embeddings=True)` on the same passage
         texts (`qa.passages.split_passages`), with every torch thread, as our path uses for batches.

Figures are passages/s (the passages of the sample divided by wall time), median (p50) and p95 of the runs,
and the ratio ours / plain. How many texts and tokens our path embeds is printed so the ratio is explained.
"""
from __future__ import annotations

import argparse
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for `qa` and `bench`

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bench.squad_data import (DEFAULT_ARTICLES, DEFAULT_SEED, clean, slug, split_articles,  # noqa: E402
                               title_of)
from qa.embedder import Embedder  # noqa: E402
from qa.indexing import read_sources, sync  # noqa: E402
from qa.passages import split_passages, split_sentences  # noqa: E402
from qa.store import EmbeddingCache  # noqa: E402

log = logging.getLogger("bench.throughput")

MAX_TOKENS = 256
FIT_ARTICLES, FIT_SHUFFLE_SEED = 30, 7  # bench/fit_relevance.py's defaults: the articles it indexes are skipped


@dataclass
class Runs:
    seconds: list[float] = field(default_factory=list)
    embed_seconds: list[float] = field(default_factory=list)  # time inside the model (ours only)

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

    def __getattr__(self, name: str) -> object:  # name, dim, words, model, tokenizer, batch_size ...
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


def token_total(embedder: Embedder, texts: list[str]) -> int:
    """Word pieces the model reads, truncated to its window as encode does."""
    window = int(embedder.model.get_max_seq_length() or MAX_TOKENS)
    return sum(min(embedder.count_tokens(t), window) for t in texts)


def run_ours(docs: Path, work: Path, repeat: int, embedder: TimedEmbedder, runs: Runs) -> int:
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


def run_plain(embedder: Embedder, texts: list[str], batch_size: int, runs: Runs) -> None:
    torch.set_num_threads(embedder.threads)  # every core, as our path uses for batches (qa/embedder.py)
    t = time.perf_counter()
    embedder.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                          show_progress_bar=False)
    runs.seconds.append(time.perf_counter() - t)


def report(args: argparse.Namespace, documents: int, passages: list[str], sentences: list[str], unique: int,
           tokens: dict[str, int], ours: Runs, plain: Runs, order: list[str], embedder: TimedEmbedder,
           total_s: float) -> None:
    n = len(passages)
    rate = {name: (n / r.p(50), n / r.p(95)) for name, r in (("ours", ours), ("plain", plain))}
    print()
    print(f"## Index build throughput — {args.paragraphs} SQuAD v1.1 train paragraphs (seed {args.seed}), "
          f"{documents} documents, {n} passages of at most {MAX_TOKENS} tokens")
    print()
    print(f"- machine: {torch.get_num_threads()} torch threads at start, batch size {args.batch_size}; "
          f"{args.repeats} runs each, order of the runs: {', '.join(order)}")
    print(f"- plain embeds {n} passage texts ({tokens['passages']:,} tokens). Ours embeds {unique} unique texts: "
          f"{n} passages + {len(sentences)} sentences, less {n + len(sentences) - unique} duplicates "
          f"(one-sentence passages) = {tokens['ours']:,} tokens ({tokens['ours'] / max(tokens['passages'], 1):.2f}x "
          f"plain's tokens, {unique / max(n, 1):.2f}x its texts); the model calls in our path saw "
          f"{embedder.texts} texts")
    print()
    print("| method | p50 s | p95 s | passages/s at p50 | passages/s at p95 | ratio of p50 passages/s to plain |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label, r in (("plain", "plain: model.encode(passages)", plain),
                           ("ours", "ours: qa.indexing.sync from scratch", ours)):
        print(f"| {label} | {r.p(50):.2f} | {r.p(95):.2f} | {rate[name][0]:.1f} | {rate[name][1]:.1f} | "
              f"{rate[name][0] / rate['plain'][0]:.2f} |")
    embed_p50 = statistics.median(ours.embed_seconds)
    print()
    print(f"- ours, time in the model (Embedder calls, p50): {embed_p50:.2f} s of {ours.p(50):.2f} s; "
          f"the rest (read, split, count tokens, cache, FAISS, BM25, SQLite, fsync, load): "
          f"{ours.p(50) - embed_p50:.2f} s")
    print(f"- model throughput inside ours: {unique / embed_p50:.0f} texts/s, "
          f"{tokens['ours'] / embed_p50:,.0f} tokens/s; "
          f"plain: {n / plain.p(50):.0f} texts/s, {tokens['passages'] / plain.p(50):,.0f} tokens/s")
    print(f"- every run (s): ours {', '.join(f'{s:.2f}' for s in ours.seconds)}; "
          f"plain {', '.join(f'{s:.2f}' for s in plain.seconds)}")
    print(f"- total run time: {total_s:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=300, help="SQuAD paragraphs to index (default 300)")
    parser.add_argument("--seed", type=int, default=101, help="sampling seed of the paragraphs (default 101)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each method (default 3)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of both methods (default 32)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the documents and indexes go (default: a temporary folder, removed after)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="qa-throughput-", dir=args.workdir) as tmp:
        work = Path(tmp)
        docs = work / "docs"
        documents = write_docs(docs, fresh_paragraphs(args.paragraphs, args.seed))
        embedder = TimedEmbedder(Embedder(batch_size=args.batch_size))
        sources = read_sources(docs, work / "no-index")
        split = [p for d in sources for p in split_passages(d, embedder.count_tokens, MAX_TOKENS)]
        passages = [p.text for p in split]
        sentences = [p.text[s:e] for p in split for s, e in (split_sentences(p.text) or [(0, len(p.text))])]
        unique = len({EmbeddingCache.key(t) for t in passages + sentences})
        unique_texts = list({EmbeddingCache.key(t): t for t in passages + sentences}.values())
        tokens = {"passages": token_total(embedder, passages), "ours": token_total(embedder, unique_texts)}
        log.info("%d documents, %d passages, %d sentences, %d unique texts to embed in our path",
                 documents, len(passages), len(sentences), unique)

        # warm-up, untimed: the first calls into torch and the tokenizer are slower than the rest
        embedder.model.encode(passages[:64], batch_size=args.batch_size, normalize_embeddings=True,
                              show_progress_bar=False)
        ours, plain, order = Runs(), Runs(), []
        for repeat in range(args.repeats):
            pair = ("ours", "plain") if repeat % 2 == 0 else ("plain", "ours")
            for name in pair:
                if name == "ours":
                    got = run_ours(docs, work, repeat, embedder, ours)
                    if got != len(passages):
                        log.warning("our index has %d passages, the split gave %d", got, len(passages))
                else:
                    run_plain(embedder.inner, passages, args.batch_size, plain)
                order.append(name)
                last = (ours if name == "ours" else plain).seconds[-1]
                log.info("run %d %-5s %.2f s (%.1f passages/s)", repeat + 1, name, last, len(passages) / last)
        report(args, documents, passages, sentences, unique, tokens, ours, plain, order, embedder,
               time.perf_counter() - started)


if __name__ == "__main__":
    main()
