"""Asking only some documents: Engine.ask(question, documents=[...]) against asking all of them, same run.

    python -m bench.ask_within [--questions 100]

On the 48-article SQuAD sample of bench/squad.py (written by bench.squad_data.write_documents to
~/.cache/qa-bench/squad/docs, its index index-<backend> there reused), each sampled question is asked three ways,
interleaved: of all documents; of half of the documents (its own article among them), where every passage of
those documents is a candidate (qa/search.py `within`), so this is the costly case; and of its own article only.
Prints p50/p95 latency and hit@1/hit@3 (an answer text inside a returned passage) for each.
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import time
from pathlib import Path

from bench.squad_data import sample_questions, write_documents
from qa.engine import Engine
from qa.settings import Settings

CACHE = Path.home() / ".cache" / "qa-bench" / "squad"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    records = write_documents(CACHE / "docs")
    engine = Engine(Settings(docs=CACHE / "docs", index=CACHE / f"index-{settings.backend}",
                             backend=settings.backend))
    docs = [d.id for d in engine.index.documents()]
    rows = {d.id: d.passages for d in engine.index.documents()}
    questions = sample_questions(records, args.questions)
    chooser = random.Random(7)
    modes = ("all documents", "half of them", "its own article")
    times: dict[str, list[float]] = {m: [] for m in modes}
    hits: dict[str, list[tuple[bool, bool]]] = {m: [] for m in modes}
    searched: dict[str, list[int]] = {m: [] for m in modes}
    for q in questions[:5]:
        engine.ask(q.question)  # warm-up, untimed
    for number, q in enumerate(questions):
        half = sorted({q.doc_id, *chooser.sample(docs, len(docs) // 2)})
        asked = {"all documents": None, "half of them": half, "its own article": [q.doc_id]}
        order = modes if number % 2 == 0 else modes[::-1]
        for mode in order:
            started = time.perf_counter()
            answer = engine.ask(q.question, documents=asked[mode])
            times[mode].append((time.perf_counter() - started) * 1000)
            texts = [c.passage.text.lower() for c in answer.passages]
            found = [any(a.lower() in t for a in q.answers) for t in texts]
            hits[mode].append((bool(found[:1]) and found[0], any(found[:3])))
            searched[mode].append(sum(rows[d] for d in (asked[mode] or docs)))
    print(f"{len(questions)} SQuAD questions, {len(docs)} documents, {len(engine.index)} passages, "
          f"backend {settings.backend}")
    print("| asked | passages searched (median) | p50 ms | p95 ms | hit@1 | hit@3 |\n|---|---:|---:|---:|---:|---:|")
    for mode in modes:
        one = statistics.mean(h[0] for h in hits[mode])
        three = statistics.mean(h[1] for h in hits[mode])
        print(f"| {mode} | {statistics.median(searched[mode]):.0f} | {statistics.median(times[mode]):.1f} | "
              f"{percentile(times[mode], 0.95):.1f} | {one:.3f} | {three:.3f} |")


if __name__ == "__main__":
    main()
