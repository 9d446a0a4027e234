"""Near-topic questions on SQuAD: how often the product declines what its documents are about but do not answer.

Every article of a SQuAD sample is written without one paragraph in five (the 3rd, 8th, 13th, ...). A question
of a left-out paragraph whose answers occur nowhere in the kept text is near-topic: the documents are about its
subject but do not answer it; a question of a kept paragraph is answerable. Each is asked once through
qa.engine.Engine, and the table gives, for floors on the first passage's shown probability (qa.engine.MIN_SHOWN),
the share of near-topic questions declined and of answerable ones answered (and of those whose first passage holds
an answer). A floor only removes answers (a reply is found only if its first passage is shown at least that
probable), so one run at floor 0 gives every row (to the 4 decimals of the score a reply shows).

    python -m bench.near_topic [--split train|dev] [--questions 300] [--cache DIR]

--split train (the default): bench/squad.py's train sample of 48 articles, where choices are made; dev: SQuAD
dev's 48, to check them (nothing is fitted on dev).
"""
from __future__ import annotations

import argparse
import logging
import random
from dataclasses import dataclass
from pathlib import Path

from bench.squad_data import (
    DEFAULT_ARTICLES,
    DEFAULT_SEED,
    article_text,
    load_articles,
    slug,
    split_articles,
    squad_dev_path,
    title_of,
)
from qa import engine as qa_engine
from qa.engine import Engine
from qa.evaluate import normalise
from qa.settings import Settings

log = logging.getLogger("bench.near_topic")

LEFT_OUT = 5  # one paragraph in this many
SHIPPED_FLOOR = qa_engine.MIN_SHOWN
FLOORS = (0.0, 0.05, 0.1, 0.12, 0.14, 0.15, 0.16, 0.18, 0.2, 0.25)


@dataclass(frozen=True)
class Asked:
    near: bool            # near-topic: its paragraph was left out and its answers are nowhere in the kept text
    found: bool           # the reply claims an answer, with no floor
    shown: float          # the first passage's shown probability (Citation.score: 4 decimals)
    holds_answer: bool    # the first passage holds an answer


def write_corpus(articles: list[dict], folder: Path) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """Write each article without its left-out paragraphs; return (near-topic, answerable) questions with answers."""
    folder.mkdir(parents=True, exist_ok=True)
    near: list[tuple[str, list[str]]] = []
    kept: list[tuple[str, list[str]]] = []
    for article in articles:
        kept_paragraphs = [p for i, p in enumerate(article["paragraphs"]) if i % LEFT_OUT != 2]
        text = article_text({**article, "paragraphs": kept_paragraphs})  # as bench/squad.py writes an article
        target = folder / f"{slug(title_of(article))}.txt"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        present = normalise(text)
        for i, paragraph in enumerate(article["paragraphs"]):
            for item in paragraph["qas"]:
                answers = [normalise(a["text"]) for a in item["answers"] if normalise(a["text"])]
                if not answers:
                    continue
                if i % LEFT_OUT != 2:
                    kept.append((item["question"].strip(), answers))
                elif not any(a in present for a in answers):
                    near.append((item["question"].strip(), answers))
    return near, kept


def ask_all(engine: Engine, questions: list[tuple[str, list[str]]], near: bool) -> list[Asked]:
    """Ask each question alone (no conversation); what the reply claims and shows."""
    asked: list[Asked] = []
    for question, answers in questions:
        reply = engine.ask(question)
        first = reply.passages[0] if reply.passages else None
        asked.append(Asked(near=near, found=reply.found, shown=first.score if first else 0.0,
                           holds_answer=first is not None
                           and any(a in normalise(first.passage.text) for a in answers)))
    return asked


def table(asked: list[Asked]) -> str:
    """The Markdown table: for each floor, near-topic questions declined, answerable ones answered."""
    near = [a for a in asked if a.near]
    kept = [a for a in asked if not a.near]
    holding = [a for a in kept if a.holds_answer]
    if not near or not kept:
        raise SystemExit("no near-topic or no answerable questions: nothing to measure")
    rows = ["| floor (MIN_SHOWN) | near-topic declined | answerable answered | answered, [1] holding an answer |",
            "|---:|---:|---:|---:|"]
    for floor in FLOORS:
        def found(a: Asked, floor: float = floor) -> bool:
            return a.found and a.shown >= floor
        current = " (now)" if floor == SHIPPED_FLOOR else ""
        rows.append(f"| {floor:g}{current} | {sum(not found(a) for a in near) / len(near):.3f} | "
                    f"{sum(map(found, kept)) / len(kept):.3f} | {sum(map(found, holding))} / {len(holding)} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("train", "dev"), default="train")
    parser.add_argument("--questions", type=int, default=300, help="of each kind, drawn with a fixed seed")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "near-topic")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    articles = (list(load_articles(squad_dev_path())) if args.split == "dev"
                else split_articles(None, DEFAULT_ARTICLES, DEFAULT_SEED)[0])
    root = args.cache / args.split
    near, kept = write_corpus(articles, root / "docs")
    rng = random.Random(7)
    near = rng.sample(near, min(args.questions, len(near)))
    kept = rng.sample(kept, min(args.questions, len(kept)))
    log.info("%d articles, %d near-topic and %d answerable questions", len(articles), len(near), len(kept))
    engine = Engine(Settings(docs=root / "docs", index=root / "index"))
    qa_engine.MIN_SHOWN = 0.0  # found with no floor; each row applies its own
    try:
        asked = ask_all(engine, near, True) + ask_all(engine, kept, False)
    finally:
        qa_engine.MIN_SHOWN = SHIPPED_FLOOR
    print(table(asked))


if __name__ == "__main__":
    main()
