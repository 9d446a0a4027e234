"""Questions in other languages than the documents: MiniLM against multilingual E5 on bench/multilingual.jsonl.

The documents: the seed article and the first paragraphs of three SQuAD v1.1 dev articles (Nikola Tesla, Oxygen,
Amazon rainforest); the questions (German, French, Spanish and a few English ones) were written for them, with
English evidence phrases from the passages; ten are follow-ups (the last turn scored). Each embedder gets its own
index (<cache>/index-<model>) and is scored as `qa eval` scores (answer-hit, hit@1, hit@3, abstention): the single
questions per language and all together, the follow-ups apart. Last, the cost of indexing: both embedders embed the
same 64 SQuAD passages (median of 3 runs, after a warm-up) and the time per passage is printed.

    python -m bench.multilingual [--cache DIR] [--embedders minilm,e5] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path

from bench import squad_data
from qa.conversation import Turn
from qa.embedder import Embedder
from qa.engine import Engine
from qa.evaluate import evaluate, load_cases
from qa.schema import to_response
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "bench" / "multilingual.jsonl"
ARTICLES = {"Nikola_Tesla": 8, "Oxygen": 8, "Amazon_rainforest": 5}  # title -> first paragraphs written


def write_documents(folder: Path) -> None:
    """The seed article and the first paragraphs of the SQuAD dev articles the questions are about."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in (ROOT / "seeds").glob("*.txt"):
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    for article in squad_data.load_articles(squad_data.squad_dev_path()):
        if article["title"] in ARTICLES:
            paragraphs = [squad_data.clean(p["context"]) for p in article["paragraphs"][:ARTICLES[article["title"]]]]
            (folder / f"{squad_data.slug(article['title'])}.txt").write_text(
                squad_data.title_of(article) + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def embedding_cost(embedder: Embedder, texts: list[str], runs: int = 3) -> float:
    """Median milliseconds per passage to embed `texts` (after one warm-up call)."""
    embedder(texts[:4])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        embedder(texts)
        times.append((time.perf_counter() - start) * 1000 / len(texts))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "multilingual")
    parser.add_argument("--embedders", default="minilm,e5")
    parser.add_argument("--threads", type=int, default=2, help="OpenMP threads of the e5 engine")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    docs = args.cache / "docs"
    write_documents(docs)
    cases = load_cases(QUESTIONS)
    languages = {row["id"]: row["lang"] for row in map(json.loads, QUESTIONS.read_text(encoding="utf-8").splitlines())}
    passages = [squad_data.clean(p["context"]) for a in squad_data.load_articles(squad_data.squad_dev_path())[:4]
                for p in a["paragraphs"][:16]][:64]

    print(f"\n## Other languages: {len(cases)} questions (bench/multilingual.jsonl) over the seed article and "
          f"{len(ARTICLES)} SQuAD dev articles\n")
    print("| embedder | language | questions | answer-hit | hit@1 | hit@3 | answered | abstention |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    costs = {}
    for name in args.embedders.split(","):
        embedder = Embedder(model=name, threads=args.threads)
        engine = Engine(Settings(docs=docs, index=args.cache / f"index-{name}", embedder=name), embedder=embedder)

        def ask(question: str, history: list[dict], k: int, engine: Engine = engine) -> dict:
            turns = [Turn(m["role"], m["content"]) for m in history]
            return to_response(engine.ask(question, turns, k)).model_dump()

        for language in sorted({languages[c.id] for c in cases}) + ["all", "follow-ups"]:
            chosen = [c for c in cases if (len(c.turns) == 1 and language in ("all", languages[c.id]))
                      or (language == "follow-ups" and len(c.turns) > 1)]
            m = evaluate(chosen, ask, 3)
            abstention = "" if m["abstention"] is None else f"{m['abstention']:.2f}"
            print(f"| {name} | {language} | {len(chosen)} | {m['answer_hit']:.2f} | {m['hit@1']:.2f} | "
                  f"{m['hit@3']:.2f} | {m['answered']:.2f} | {abstention} |")
        costs[name] = embedding_cost(embedder, passages)
    print("\nembedding cost, ms per SQuAD passage (64 passages, median of 3): "
          + ", ".join(f"{name} {ms:.1f}" for name, ms in costs.items()))


if __name__ == "__main__":
    main()
