"""Fit when a reply says the documents answer (qa.engine.answers_question), on small and large collections.

Each fit question is asked through qa.engine.Engine as a user would; what the decision reads is kept: the passage
model's best probability in the shortlist (Retrieved.best), the first passage's shown probability (after the
cross-encoder) and the number of passages in the collection. Whether the documents answer is the label. Sources:
- squad-alone: SQuAD v1.1 train articles (outside bench/squad.py's samples and SQuAD dev) each indexed alone, as a
  user's single document, one paragraph in five left out (bench/near_topic.py's rule): a left-out paragraph's
  questions whose answers occur nowhere in the kept text are near-topic, the kept paragraphs' answerable;
- docsfit: bench/docsfit/questions.jsonl over its corpus (documentation, ~2,000 passages);
- smallfit: bench/smallfit/questions.jsonl, each document of its corpus indexed alone (manuals, FAQs, READMEs).
Printed: for the shipped rule and the rules tried, the share of answerable questions answered and of unanswerable
ones declined, per source. The test sets (the seed questions, bench/small, bench/docs, bench/pydocs) are not read.

    python -m bench.fit_found [--articles 24] [--cache DIR]
"""
from __future__ import annotations

import argparse
import json
import logging
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.fit_relevance import fit_logistic
from bench.near_topic import LEFT_OUT
from bench.squad_data import DEFAULT_ARTICLES, DEFAULT_SEED, article_text, slug, split_articles, title_of
from qa import engine as qa_engine
from qa.conversation import Turn
from qa.engine import Engine
from qa.evaluate import normalise
from qa.settings import Settings

log = logging.getLogger("bench.fit_found")
HERE = Path(__file__).resolve().parent
BENCH_CACHE = Path.home() / ".cache" / "qa-bench"
CACHE = BENCH_CACHE / "fit-found"
SOURCES = ("smallfit", "docsfit", "squad-alone")


@dataclass(frozen=True)
class Asked:
    source: str
    question: str
    answerable: bool
    right: bool        # the first passage holds an answer
    best: float        # the passage model's best probability in the shortlist
    shown: float       # the first passage's shown probability
    passages: int      # passages in the collection asked
    unnamed: bool      # a name the question uses is in no shortlisted passage (never answered)
    first: float = 0.0     # the first passage's passage model probability
    sentence: float = 0.0  # the probability that its quoted sentence holds the answer (the sentence model)
    second: float = 0.0    # the second passage's shown probability


def ask(engine: Engine, source: str, turns: list[str], answers: list[str]) -> Asked:
    """Ask the turns as a conversation (each answered by the engine itself); what the last one's decision reads."""
    history: list[Turn] = []
    for turn in turns[:-1]:
        reply = engine.ask(turn, history)
        history += [Turn("user", turn), Turn("assistant", reply.answer)]
    reply = engine.ask(turns[-1], history, top_k=qa_engine.SHORTLIST)  # every shortlisted passage: best is theirs
    first = reply.passages[0] if reply.passages else None
    return Asked(source, turns[-1], bool(answers),
                 first is not None and any(normalise(a) in normalise(first.passage.text) for a in answers),
                 max((c.answers for c in reply.passages), default=0.0), first.score if first else 0.0,
                 len(engine.index), "None of the passages found mentions" in reply.answer,
                 first.answers if first else 0.0, first.sentence_relevance if first else 0.0,
                 reply.passages[1].score if len(reply.passages) > 1 else 0.0)


def squad_alone(articles: int, cache: Path, per_article: int = 12) -> list[Asked]:
    """Articles of the SQuAD train split outside bench/squad.py's samples, each indexed alone."""
    _, rest = split_articles(None, DEFAULT_ARTICLES, DEFAULT_SEED)
    rng = random.Random(11)
    asked = []
    for article in rng.sample(rest, articles):
        folder = cache / "squad-alone" / slug(title_of(article))
        kept = [p for i, p in enumerate(article["paragraphs"]) if i % LEFT_OUT != 2]
        text = article_text({**article, "paragraphs": kept})
        (folder / "docs").mkdir(parents=True, exist_ok=True)
        (folder / "docs" / "article.txt").write_text(text, encoding="utf-8")
        present = normalise(text)
        near, answerable = [], []
        for i, paragraph in enumerate(article["paragraphs"]):
            for item in paragraph["qas"]:
                answers = [a["text"] for a in item["answers"] if normalise(a["text"])]
                if i % LEFT_OUT != 2:
                    answerable.append((item["question"].strip(), answers))
                elif answers and not any(normalise(a) in present for a in answers):
                    near.append((item["question"].strip(), []))
        engine = Engine(Settings(docs=folder / "docs", index=folder / "index"))
        chosen = rng.sample(near, min(per_article // 2, len(near)))
        chosen += rng.sample(answerable, min(per_article - len(chosen), len(answerable)))
        asked += [ask(engine, "squad-alone", [q], answers) for q, answers in chosen]
    return asked


def question_file(source: str, path: Path, corpus: Path, cache: Path) -> list[Asked]:
    """A set's questions; with a "corpus" field each names a sub-folder indexed alone, else `corpus` is one."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    asked = []
    for name in dict.fromkeys(str(row.get("corpus", "")) for row in rows):
        docs = corpus / name if name else corpus
        engine = Engine(Settings(docs=docs, index=cache / source / (name or "all") / "index"))
        asked += [ask(engine, source, row["turns"], row.get("evidence", []))
                  for row in rows if str(row.get("corpus", "")) == name]
    return asked


def collect(args: argparse.Namespace) -> list[Asked]:
    """Every source's questions asked, each source's kept in <cache>/asked-<source>.json (--fresh: asked again)."""
    sources = {
        "smallfit": lambda: question_file("smallfit", HERE / "smallfit" / "questions.jsonl",
                                          BENCH_CACHE / "smallfit" / "corpus", args.cache),
        "docsfit": lambda: question_file("docsfit", HERE / "docsfit" / "questions.jsonl",
                                         BENCH_CACHE / "docsfit" / "corpus", args.cache),
        "squad-alone": lambda: squad_alone(args.articles, args.cache),
    }
    qa_engine.MIN_SHOWN = 0.0  # record what the decision reads, not what it decided
    asked: list[Asked] = []
    for source in args.sources:
        stored = args.cache / f"asked-{source}.json"
        if stored.exists() and not args.fresh:
            asked += [Asked(**row) for row in json.loads(stored.read_text())]
            continue
        mine = sources[source]()
        stored.parent.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_suffix(".tmp")
        temporary.write_text(json.dumps([asdict(a) for a in mine]))
        temporary.replace(stored)
        asked += mine
    return asked


def shipped(a: Asked, sure: float = qa_engine.SURE_SHOWN, floor: float = qa_engine.MIN_SHOWN,
            threshold: float = 0.25) -> bool:
    return (a.best >= threshold or a.shown >= sure) and a.shown >= floor and not a.unnamed


def report(asked: list[Asked], name: str, rule: object) -> str:
    cells = []
    for source in ("smallfit", "docsfit", "squad-alone"):
        mine = [a for a in asked if a.source == source]
        yes = [a for a in mine if a.answerable]
        no = [a for a in mine if not a.answerable]
        answered = sum(map(rule, yes)) / max(len(yes), 1)  # type: ignore[arg-type]
        declined = sum(not rule(a) for a in no) / max(len(no), 1)  # type: ignore[operator]
        cells.append(f"{answered:.3f} / {declined:.3f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--fresh", action="store_true", help="ask again (after a change to the product)")
    parser.add_argument("--sources", nargs="+", choices=SOURCES, default=SOURCES)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asked = collect(args)
    for source in ("smallfit", "docsfit", "squad-alone"):
        mine = [a for a in asked if a.source == source]
        sizes = [a.passages for a in mine]
        print(f"{source}: {len(mine)} questions ({sum(a.answerable for a in mine)} answerable), "
              f"collections of {min(sizes, default=0)}-{max(sizes, default=0)} passages "
              f"(median {np.median(sizes) if sizes else 0:.0f})")
    print("\n| rule | smallfit answered / declined | docsfit | squad-alone |\n|---|---:|---:|---:|")
    print(report(asked, "shipped", shipped))
    for threshold in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        for sure in (0.4, 0.5, 0.6, 0.7):
            print(report(asked, f"threshold {threshold}, sure at {sure}",
                         lambda a, t=threshold, s=sure: shipped(a, sure=s, threshold=t)))
    for sure in (0.4, 0.45, 0.5):
        print(report(asked, f"[1] shown >= {sure} alone", lambda a, s=sure: a.shown >= s and not a.unnamed))
    print(report(asked, "logistic on both logits, fitted on the other sources, >= 0.7", held_out_logistic(asked)))


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


def held_out_logistic(asked: list[Asked], at: float = 0.7) -> Callable[[Asked], bool]:
    """A rule from a logistic regression of "answerable" on (logit of best, logit of shown), each source's questions
    decided by the one fitted on the other sources (SQuAD's rows weighted 0.5)."""
    decided: dict[int, bool] = {}
    for source in SOURCES:
        train = [a for a in asked if a.source != source]
        x = np.array([[logit(a.best), logit(a.shown)] for a in train])
        model = fit_logistic(x, np.array([a.answerable for a in train], dtype=float),
                             weights=np.array([0.5 if a.source == "squad-alone" else 1.0 for a in train]))
        for a in asked:
            if a.source == source:
                decided[id(a)] = bool(model(np.array([[logit(a.best), logit(a.shown)]]))[0] >= at) \
                    and a.shown >= qa_engine.MIN_SHOWN and not a.unnamed
    return lambda a: decided[id(a)]


if __name__ == "__main__":
    main()
