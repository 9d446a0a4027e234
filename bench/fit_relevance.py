"""Fit the relevance model (qa/relevance.py) and the abstention threshold on SQuAD v1.1 train.

The articles used here are disjoint from the retrieval benchmark's (bench/squad.py), so its figures stay
honest. Positives: candidate passages that contain the answer of a question about an indexed article.
Negatives: every other candidate, and all candidates of questions whose article is not indexed.

The abstention threshold is chosen on the top passage's probability to balance answering answerable
questions and declining unanswerable ones, on SQuAD (unanswerable: another article's questions) and on
bench/seed_questions.jsonl (written blind over the seed article; unanswerable: on- and off-topic). The
printed model has its bias shifted so that the threshold is 0.5: relevance >= 0.5 answers. Last, the model that
qa/relevance.py ships (DEFAULT) is scored on the same features at its 0.5, to compare.

The features are computed with the project's embedder, backend onnx (int8) by default, as the product runs;
the indexes live in <cache>/index-<backend> and <cache>/seed-index-<backend>.

    python bench/fit_relevance.py [--articles 30] [--questions 1500] [--unanswerable 600] [--backend onnx|torch]
"""
from __future__ import annotations

import argparse
import logging
import random
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import squad_data

from bench.backend import add_backend_flag, make_embedder
from qa.conversation import Turn, standalone_query
from qa.embedder import Embedder
from qa.evaluate import load_cases, normalise
from qa.indexing import sync
from qa.relevance import DEFAULT, FEATURES, RelevanceModel
from qa.search import gather

log = logging.getLogger("fit_relevance")


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method (IRLS) with a small L2 penalty; returns (weights, bias)."""
    a = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a @ w)))
        gradient = a.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hessian = (a * (p * (1 - p))[:, None]).T @ a + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--questions", type=int, default=1500)
    parser.add_argument("--unanswerable", type=int, default=600)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "fit")
    add_backend_flag(parser, "the features")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("sentence_transformers", "faiss", "bm25s", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    # articles outside the benchmark's sample: the first half to index, the rest for unanswerable questions
    _, others = squad_data.split_articles(None, squad_data.DEFAULT_ARTICLES, squad_data.DEFAULT_SEED)
    random.Random(7).shuffle(others)
    indexed, outside = others[:args.articles], others[args.articles:]
    docs = args.cache / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    answerable = []
    for article in indexed:
        stem = squad_data.slug(squad_data.title_of(article))
        (docs / f"{stem}.txt").write_text(squad_data.article_text(article), encoding="utf-8")
        answerable += squad_data.questions_of(article, stem)
    rng = random.Random(11)
    answerable = rng.sample(answerable, min(args.questions, len(answerable)))
    unanswerable = rng.sample([q for a in outside for q in squad_data.questions_of(a, "")], args.unanswerable)

    embedder = make_embedder(args.backend)
    index = sync(docs, args.cache / f"index-{embedder.backend}", embedder, 256)
    log.info("indexed %d articles, %d passages (backend %s, %s)", len(indexed), len(index), embedder.backend,
             embedder.name)

    rows_x, rows_y, groups = [], [], []
    for kind, questions in (("answerable", answerable), ("unanswerable", unanswerable)):
        for q in tqdm(questions, desc=kind):
            query = index.lexical.correct(q.question, embedder.words)
            rows, features = gather(index, embedder([query])[0], query, 50)
            texts = [normalise(p.text) for p in index.passages(rows.tolist())]
            labels = np.array([kind == "answerable" and any(normalise(a) in t for a in q.answers) for t in texts])
            rows_x.append(features)
            rows_y.append(labels.astype(float))
            groups.append(kind)
    x, y = np.vstack(rows_x), np.concatenate(rows_y)
    weights, bias = fit_logistic(x, y)
    print("\nRelevanceModel(weights=(" + ", ".join(f"{w:.3f}" for w in weights) + f"), bias={bias:.3f})")
    for name, w in zip(FEATURES, weights):
        print(f"  {name:20s} {w:+.3f}")

    model = RelevanceModel(tuple(weights), bias)
    top1 = [bool(labels[int(np.argmax(model(f)))]) for f, labels, g in zip(rows_x, rows_y, groups) if g == "answerable"]
    print(f"\ntop-1 (in sample): {np.mean(top1):.3f} over {len(top1)} questions")
    squad = (np.array([model(f).max() for f in rows_x]), np.array([g == "answerable" for g in groups]))
    seed_index = args.cache / f"seed-index-{embedder.backend}"
    seed = seed_top_probabilities(model, embedder, seed_index)

    print("\nthreshold  SQuAD: answered abstained   seed: answered abstained   mean balanced")
    best_t, best_score = 0.5, -1.0
    for t in np.exp(np.linspace(np.log(0.01), np.log(0.5), 40)):
        scores, mean = balanced(squad, seed, t)
        print(f"  {t:.3f}      {scores[0]:.3f}    {scores[1]:.3f}          {scores[2]:.3f}    {scores[3]:.3f}       {mean:.3f}")
        if mean > best_score:
            best_t, best_score = float(t), mean
    shifted = bias - float(np.log(best_t / (1 - best_t)))
    print(f"\nthreshold {best_t:.3f} (mean balanced accuracy {best_score:.3f}); with it moved to 0.5:")
    print("DEFAULT = RelevanceModel(weights=(" + ", ".join(f"{w:.3f}" for w in weights) + f"), bias={shifted:.3f})")

    # the model qa/relevance.py ships, on the same features (this run's backend), at its own threshold 0.5
    current = (np.array([DEFAULT(f).max() for f in rows_x]), squad[1])
    scores, mean = balanced(current, seed_top_probabilities(DEFAULT, embedder, seed_index), 0.5)
    top1 = [bool(labels[int(np.argmax(DEFAULT(f)))]) for f, labels, g in zip(rows_x, rows_y, groups) if g == "answerable"]
    print("\nfor comparison, qa.relevance.DEFAULT as it is: RelevanceModel(weights=("
          + ", ".join(f"{w:.3f}" for w in DEFAULT.weights) + f"), bias={DEFAULT.bias:.3f})")
    print(f"  at 0.5 on these features: SQuAD answered {scores[0]:.3f} abstained {scores[1]:.3f}, seed answered "
          f"{scores[2]:.3f} abstained {scores[3]:.3f}, mean balanced {mean:.3f}; top-1 (in sample) {np.mean(top1):.3f}")


def balanced(squad: tuple[np.ndarray, np.ndarray], seed: tuple[np.ndarray, np.ndarray], t: float
             ) -> tuple[list[float], float]:
    """[SQuAD answered, SQuAD abstained, seed answered, seed abstained] at threshold t, and their mean."""
    scores = []
    for probs, answerable in (squad, seed):
        scores += [float(np.mean(probs[answerable] >= t)), float(np.mean(probs[~answerable] < t))]
    return scores, sum(scores) / 4


def seed_top_probabilities(model: RelevanceModel, embedder: Embedder, index_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """The top passage's probability for each question of bench/seed_questions.jsonl, and whether it is answerable."""
    root = Path(__file__).resolve().parent.parent
    index = sync(root / "seeds", index_dir, embedder, 256)
    probs, answerable = [], []
    for case in load_cases(root / "bench" / "seed_questions.jsonl"):
        history = [Turn("user", t) for t in case.turns[:-1]]
        query = index.lexical.correct(standalone_query(case.turns[-1], history), embedder.words)
        _, features = gather(index, embedder([query])[0], query, 50)
        probs.append(float(model(features).max()))
        answerable.append(bool(case.evidence))
    return np.array(probs), np.array(answerable)


if __name__ == "__main__":
    main()
