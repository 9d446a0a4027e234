"""Variants of the passage ranking tried against the card question's regression (issue 10), on every set at once.

Each variant changes how the shortlist's passage probability is made: extra passage features refitted with the
passage model (the fused score's or the dense sentence similarity's lead over the shortlist's best, the fused rank),
a fixed weight on the dense lead with the rest refitted, or a linear pool of the passage model's probability with a
probability fitted on the dense similarities alone (qa.relevance.DENSE_FEATURES; abstention decided by the pool or by
the passage model's best) or on the fused score alone. Every variant is fitted on bench/fit_relevance.py's SQuAD train
samples and scored on SQuAD dev (500 questions, as bench/squad.py --split dev), bench/seed_questions.jsonl,
bench/dev.jsonl (in process, follow-ups as qa.engine: conversation reading unless the question alone is clearly better
founded) and the card's question. The shortlists are read once; the sentence model is the product's.

    python -m bench.ranking_variants     # ~2 min: reads the fit's samples (bench/fit_relevance.py's caches)
"""
from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from bench import fit_relevance
from bench.backend import make_embedder
from bench.fit_relevance import shortlist
from bench.squad_data import DEFAULT_ARTICLES, DEFAULT_SEED, sample_questions, squad_dev_path, write_documents
from qa.conversation import Turn, standalone_query
from qa.evaluate import load_cases, normalise
from qa.indexing import sync
from qa.relevance import DENSE_SHARE, PASSAGE, PASSAGE_FEATURES, SENTENCE, WRONG_TYPE_FACTOR, LogisticModel
from qa.search import Described, dense_matrix, passage_matrix

ROOT = Path(__file__).resolve().parent.parent
TYPE = PASSAGE_FEATURES.index("type_match")
CARD = "What did Belarus supply Russia?"
# a shortlist -> (the ranking probability, the probability that decides abstention, each passage's sentence)
Scorer = Callable[[Described], tuple[np.ndarray, np.ndarray, np.ndarray]]


def rank_recip(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.argsort(np.argsort(-values, kind="stable"), kind="stable"))


def lead(values: np.ndarray) -> np.ndarray:
    return values - values.max()


# extra passage columns (m: the product's passage rows; column 2 the fused score, 4 the closest sentence's cosine)
EXTRAS: dict[str, Callable[[np.ndarray], list[np.ndarray]]] = {
    "the passage model refitted (no extra feature)": lambda m: [],
    "+ fused lead over the shortlist's best": lambda m: [lead(m[:, 2])],
    "+ dense sentence lead": lambda m: [lead(m[:, 4])],
    "+ both leads": lambda m: [lead(m[:, 2]), lead(m[:, 4])],
    "+ fused rank (1 / rank)": lambda m: [rank_recip(m[:, 2])],
    "+ fused rank + dense lead": lambda m: [rank_recip(m[:, 2]), lead(m[:, 4])],
    "+ both leads + both ranks": lambda m: [lead(m[:, 2]), lead(m[:, 4]), rank_recip(m[:, 2]), rank_recip(m[:, 4])],
    "+ fused min-max within the shortlist": lambda m: [(m[:, 2] - m[:, 2].min()) / max(np.ptp(m[:, 2]), 1e-9)],
}


def rows_of(d: Described) -> tuple[np.ndarray, np.ndarray]:
    return passage_matrix(d, SENTENCE.logit(d.sentence_features))


def with_extra(m: np.ndarray, extra: Callable[[np.ndarray], list[np.ndarray]]) -> np.ndarray:
    return np.column_stack([m, *extra(m)]) if extra(m) else m


def typed(m: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p * np.where(m[:, TYPE] < 0, WRONG_TYPE_FACTOR, 1.0)


def scorer(probability: Callable[[np.ndarray], np.ndarray],
           abstention: Callable[[np.ndarray], np.ndarray] | None = None) -> Scorer:
    """A shortlist's passage probabilities (with the wrong-type factor) and chosen sentences, from passage rows;
    abstention (default: the same probability) decides whether the documents answer."""
    def score(d: Described) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m, chosen = rows_of(d)
        ranking = typed(m, probability(m))
        return ranking, ranking if abstention is None else typed(m, abstention(m)), chosen
    return score


def extended(model: LogisticModel, extra: Callable[[np.ndarray], list[np.ndarray]], m: np.ndarray) -> np.ndarray:
    return model(with_extra(m, extra))


def offset_lead(model: LogisticModel, beta: float, m: np.ndarray) -> np.ndarray:
    """The model's probability with the dense lead added to its logit at the fixed weight beta."""
    return 1 / (1 + np.exp(-model.logit(m) - beta * lead(m[:, 4])))


def pool(other: LogisticModel, columns: Callable[[np.ndarray], np.ndarray], share: float, m: np.ndarray) -> np.ndarray:
    """(1 - share) x the passage model + share x another model over its own columns of the passage rows."""
    return (1 - share) * PASSAGE(m) + share * other(columns(m))


def squad(sets: dict, scorer: Scorer) -> tuple[float, float]:
    top1 = sentence = 0
    for d, answers in sets["squad"]:
        p, _, chosen = scorer(d)
        top = int(np.argmax(p))
        s, e = d.spans[chosen[top]]
        hit = any(a in normalise(d.passages[top].text) for a in answers)
        top1 += hit
        sentence += hit and any(a in normalise(d.passages[top].text[s:e]) for a in answers)
    return top1 / len(sets["squad"]), sentence / len(sets["squad"])


def ours(cases: list, scorer: Scorer, threshold: float = 0.2) -> tuple[float, float, float]:
    """hit@1, answer-hit, abstention as qa eval counts them (follow-ups chosen as qa.engine does)."""
    hits, answer_hits, abstained = [], [], []
    for evidence, follow, alone in cases:
        p, a, chosen = scorer(follow)
        d = follow
        if alone is not None:
            pa, aa, ca = scorer(alone)
            if aa.max() >= threshold and (a.max() < threshold or aa.max() - a.max() > 0.25):
                p, a, chosen, d = pa, aa, ca, alone
        top = int(np.argmax(p))
        found = a.max() >= threshold
        if not evidence:
            abstained.append(not found)
            continue
        s, e = d.spans[chosen[top]]
        hits.append(any(x in normalise(d.passages[top].text) for x in evidence))
        answer_hits.append(found and any(x in normalise(d.passages[top].text[s:e]) for x in evidence))
    return float(np.mean(hits)), float(np.mean(answer_hits)), float(np.mean(abstained)) if abstained else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    fit_args = argparse.Namespace(articles=40, questions=2400, unanswerable=500, single=24, cache=args.cache / "fit",
                                  backend="onnx", embedder="minilm", threads=2, no_adapter=False)
    samples = fit_relevance.collect(fit_args)
    adapter = fit_relevance.adapter_of(fit_args)  # the sentence cosines as the product computes them
    embedder = make_embedder("onnx", batch_size=32)
    dev_cache = args.cache / "squad" / "dev"
    records = write_documents(dev_cache / "docs", DEFAULT_ARTICLES, DEFAULT_SEED, squad_dev_path())
    index = sync(dev_cache / "docs", dev_cache / "index-onnx", embedder, max_tokens=256)
    sets: dict = {"squad": [(shortlist(index, embedder, q.question, q.question, adapter),
                             [normalise(a) for a in q.answers]) for q in sample_questions(records, 500, DEFAULT_SEED)]}
    seed_index = sync(ROOT / "seeds", args.cache / "variants-seed-index", embedder, 256)
    for name in ("seed_questions", "dev"):
        sets[name] = []
        for case in load_cases(ROOT / "bench" / f"{name}.jsonl"):
            question = case.turns[-1]
            query = standalone_query(question, [Turn("user", t) for t in case.turns[:-1]])
            alone = (shortlist(seed_index, embedder, question, question, adapter)
                     if query != " ".join(question.split()) else None)
            sets[name].append(([normalise(e) for e in case.evidence],
                               shortlist(seed_index, embedder, query, question, adapter), alone))
    sets["card"] = [(["delivered t-72 tanks"], shortlist(seed_index, embedder, CARD, CARD, adapter), None)]
    labels = np.concatenate([s.passage_labels for s in samples])
    base = [rows_of(s.described)[0] for s in samples]

    def line(label: str, scorer: Scorer) -> None:
        sq, se, de, card = squad(sets, scorer), ours(sets["seed_questions"], scorer), ours(sets["dev"], scorer), \
            ours(sets["card"], scorer)
        print(f"| {label} | {sq[0]:.3f} | {sq[1]:.3f} | {se[0]:.2f} | {se[1]:.2f} | {se[2]:.2f} | {de[0]:.2f} | "
              f"{de[1]:.2f} | {de[2]:.2f} | {'T-72' if card[1] else 'supply lines'} |", flush=True)

    print("| variant | SQuAD dev top-1 | answer-sentence | seed hit@1 | seed answer-hit | seed abstention | "
          "dev hit@1 | dev answer-hit | dev abstention | card's [1] |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    line("the passage model alone (before)", scorer(PASSAGE))
    for label, extra in EXTRAS.items():
        model = fit_relevance.fit_logistic(np.vstack([with_extra(m, extra) for m in base]), labels)
        line(label, scorer(partial(extended, model, extra)))
    x = np.vstack(base)
    dense_lead = np.concatenate([lead(m[:, 4]) for m in base])
    for beta in (10.0, 20.0, 30.0):
        model = fit_relevance.fit_logistic(x, labels, offset=beta * dense_lead)
        line(f"dense lead at a fixed weight {beta:.0f}, the rest refitted",
             scorer(partial(offset_lead, model, beta)))

    def fused_columns(m: np.ndarray) -> np.ndarray:
        f = m[:, 2]
        return np.column_stack([f, (f - f.max()) / max(np.ptp(f), 1e-9), rank_recip(f)])

    fused_model = fit_relevance.fit_logistic(np.vstack([fused_columns(m) for m in base]), labels)
    dense_model = fit_relevance.fit_logistic(np.vstack([dense_matrix(m) for m in base]), labels)
    for share in (0.5, 0.6, 0.65, 0.7, 0.8):
        line(f"pool: {1 - share:.2f} passage model + {share:.2f} dense model, abstention on the pool",
             scorer(partial(pool, dense_model, dense_matrix, share)))
    for share in (0.5, 0.6, 0.65, 0.7):
        line(f"pool: {1 - share:.2f} passage model + {share:.2f} dense model, abstention on the passage model"
             + (" (the product)" if share == DENSE_SHARE else ""),
             scorer(partial(pool, dense_model, dense_matrix, share), PASSAGE))
    for share in (0.3, 0.5, 0.6, 0.7):
        line(f"pool: {1 - share:.1f} passage model + {share:.1f} fused-score probability",
             scorer(partial(pool, fused_model, fused_columns, share)))


if __name__ == "__main__":
    main()
