"""Fit e5's cross-lingual model: how likely a passage answers a question asked in another language, from meaning alone.

A German question shares no words with an English passage, so the passage model (fitted on English questions, where
shared terms are strong evidence) declines most of them although e5 ranks their passage first. For such questions
(qa.language.foreign) the probability comes from meaning alone (qa.relevance.CROSSLINGUAL_FEATURES: the passage's
cosine, its closest sentence's, and how far each stands above the shortlist's median), a logistic regression fitted
on the shortlisted passages of bench/multilingual.jsonl's other-language questions (label: the passage holds an
evidence phrase). Printed: each language held out in turn (fitted on the others) against the passage model, then
the weights fitted on all of them, for qa/relevance.py's E5.crosslingual.

    python -m bench.fit_crosslingual [--cache DIR] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.fit_relevance import fit_logistic
from bench.multilingual import QUESTIONS, write_documents
from qa.embedder import Embedder
from qa.engine import Engine
from qa.evaluate import Case, load_cases, normalise
from qa.language import foreign
from qa.relevance import E5, PASSAGE_FEATURES, WRONG_TYPE_FACTOR, LogisticModel
from qa.search import (
    FUSED_DENSE_WEIGHT,
    SHORTLIST,
    crosslingual_matrix,
    describe,
    fuse_normalised,
    gather,
    passage_matrix,
)
from qa.settings import Settings
from qa.store_api import top_rows

THRESHOLD = Settings().min_relevance  # the product's one threshold: the documents answer at this probability


@dataclass(frozen=True)
class Shortlist:
    language: str
    answerable: bool
    dense: np.ndarray     # CROSSLINGUAL_FEATURES rows of the shortlisted passages
    factor: np.ndarray    # WRONG_TYPE_FACTOR where the passage lacks the type of answer asked for, else 1
    answers: np.ndarray   # the passage model's probability of each
    labels: np.ndarray    # 1 where the passage holds an evidence phrase


def shortlists(engine: Engine, cases: list[Case], languages: dict[str, str]) -> list[Shortlist]:
    """The shortlist of every single-turn question the product would read as foreign, as qa.search.search makes it."""
    index, found = engine.index, []
    for case in cases:
        question = case.turns[-1]
        if len(case.turns) > 1:
            continue
        query = index.correct(question, engine.embedder.words)
        vector = engine.embedder.query(query)
        rows, features = gather(index, vector, query, engine.settings.candidates)
        fused = fuse_normalised(features[:, :2].max(axis=1), features[:, 2], FUSED_DENSE_WEIGHT)
        keep = top_rows(fused, SHORTLIST)
        described = describe(index, vector, query, question, rows[keep], features[keep], fused[keep])
        if not foreign(question, [p.text for p in described.passages]):
            continue
        matrix, _ = passage_matrix(described, E5.sentence.logit(described.sentence_features))
        evidence = [normalise(e) for e in case.evidence]
        labels = np.array([any(e in normalise(p.text) for e in evidence) for p in described.passages], dtype=float)
        wrong = matrix[:, PASSAGE_FEATURES.index("type_match")] < 0
        found.append(Shortlist(languages[case.id], bool(evidence), crosslingual_matrix(matrix),
                               np.where(wrong, WRONG_TYPE_FACTOR, 1.0), E5.passage(matrix), labels))
    return found


def figures(part: list[Shortlist], model: LogisticModel | None) -> tuple[float, float, float]:
    """(hit@1, answered share of the answerable, declined share of the unanswerable) ranking by `model`, or by the
    passage model when None."""
    hits, answered, declined = [], [], []
    for s in part:
        p = s.answers * s.factor if model is None else model(s.dense) * s.factor
        if s.answerable:
            hits.append(float(s.labels[int(np.argmax(p))]))
            answered.append(float(p.max() >= THRESHOLD))
        else:
            declined.append(float(p.max() < THRESHOLD))
    return float(np.mean(hits)) if hits else 0.0, float(np.mean(answered)) if answered else 0.0, \
        float(np.mean(declined)) if declined else 1.0


def fit(part: list[Shortlist]) -> LogisticModel:
    x = np.vstack([s.dense for s in part])
    y = np.concatenate([s.labels for s in part])
    return fit_logistic(x, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "multilingual")
    parser.add_argument("--threads", type=int, default=2, help="OpenMP threads of the e5 engine")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    write_documents(args.cache / "docs")
    engine = Engine(Settings(docs=args.cache / "docs", index=args.cache / "index-e5", embedder="e5"),
                    embedder=Embedder(model="e5", threads=args.threads))
    languages = {r["id"]: r["lang"] for r in map(json.loads, QUESTIONS.read_text(encoding="utf-8").splitlines())}
    found = shortlists(engine, load_cases(QUESTIONS), languages)
    print(f"\n{len(found)} questions read as foreign ({sum(s.answerable for s in found)} answerable)\n")
    print("| held out | questions | passage model: hit@1 / answered / declined | cross-lingual model: hit@1 / "
          "answered / declined |")
    print("|---|---:|---|---|")
    for language in sorted({s.language for s in found}):
        held = [s for s in found if s.language == language]
        model = fit([s for s in found if s.language != language])
        before, after = figures(held, None), figures(held, model)
        print(f"| {language} | {len(held)} | {' / '.join(f'{v:.2f}' for v in before)} | "
              f"{' / '.join(f'{v:.2f}' for v in after)} |")
    model = fit(found)
    print(f"\nall, in sample: passage model {figures(found, None)}, cross-lingual {figures(found, model)}")
    print(f"CROSSLINGUAL = LogisticModel(weights=({', '.join(f'{w:.3f}' for w in model.weights)}), "
          f"bias={model.bias:.3f})")


if __name__ == "__main__":
    main()
