"""Fit how qa.search.rerank joins the cross-encoder with the pooled probability, on the SQuAD train sample.

For each question of bench/squad.py's train sample (the cross-encoder never saw its articles), the product's
shortlist is read as qa.search.search reads it, and the RERANKED most probable passages' RERANK_SENTENCES best
sentences by the cross-encoder shipped in qa/reranker_weights.npz. Printed:
- the logistic regression of "this passage holds the answer" on (logit of the pooled probability, the passage's best
  cross-encoder logit): the weights and bias of qa.relevance.RERANKED, and the top-1 / top-3 they give;
- the quote: how often the top passage's chosen sentence holds the answer, for weights of the cross-encoder logit
  added to the sentence model's (qa.relevance.RERANKER_WEIGHT);
- with --dev, the same rows of SQuAD dev (500 questions), read only to check the calibration: predicted against
  observed by bins.

    python -m bench.fit_rerank_join [--questions 600] [--dev]
"""
from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from bench.squad import CANDIDATES, MAX_TOKENS, correct, first_hit
from bench.squad_data import DEFAULT_ARTICLES, DEFAULT_SEED, sample_questions, squad_dev_path, write_documents
from qa import search as qa_search
from qa.embedder import Embedder
from qa.evaluate import normalise
from qa.indexing import sync
from qa.relevance import MINILM, LogisticModel

log = logging.getLogger("fit_rerank_join")
QUOTE_WEIGHTS = (0.0, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Read:
    """One question's reranked passages (best pooled first) and the top passage's read sentences."""
    pooled: np.ndarray      # pooled probability of each reranked passage
    cross: np.ndarray       # its best cross-encoder logit
    label: np.ndarray       # it holds an answer
    quote_logits: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per reranked passage: sentence, cross, holds


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def collect(split: str, questions: int, cache: Path) -> list[Read]:
    folder = cache / ("" if split == "train" else split)
    records = write_documents(folder / "docs", DEFAULT_ARTICLES, DEFAULT_SEED,
                              squad_dev_path() if split == "dev" else None)
    embedder = Embedder()
    index = sync(folder / "docs", folder / f"index-{embedder.backend}", embedder, max_tokens=MAX_TOKENS)
    faiss.omp_set_num_threads(1)
    models = MINILM
    assert models.reranker is not None
    out = []
    for q in sample_questions(records, questions, DEFAULT_SEED):
        text = correct(index, embedder, q.question)
        vector = embedder.query(text)
        rows, features = qa_search.gather(index, vector, text, CANDIDATES)
        product = qa_search.fuse_normalised(features[:, :2].max(axis=1), features[:, 2],
                                            qa_search.FUSED_DENSE_WEIGHT)
        keep = qa_search.top_rows(product, qa_search.SHORTLIST)
        described = qa_search.describe(index, vector, text, q.question, rows[keep], features[keep], product[keep],
                                       models.sentence_vector(vector))
        relevance, _, _, _ = qa_search.score(described, models)
        logits = qa_search.quote_logits(described, models)
        read = qa_search.read_again(described, relevance, logits)
        positions = np.array([p for p, _ in read])
        label = np.array([first_hit(q, [described.passages[p].text]) == 1 for p in positions])
        answers = [normalise(a) for a in q.answers]
        best, quotes = [], []
        for p, own in read:
            texts = [described.passages[p].text[slice(*described.spans[i])] for i in own]
            cross = models.reranker(text, texts)
            best.append(float(cross.max()))
            quotes.append((logits[own], cross, np.array([any(a in normalise(t) for a in answers) for t in texts])))
        out.append(Read(relevance[positions], np.array(best), label, quotes))
    log.info("%s: %d questions read", split, len(out))
    return out


def rows_of(reads: list[Read]) -> tuple[np.ndarray, np.ndarray]:
    x = np.concatenate([np.column_stack([logit(r.pooled), r.cross]) for r in reads])
    y = np.concatenate([r.label for r in reads]).astype(np.float64)
    return x, y


def ranked(reads: list[Read], model: LogisticModel) -> tuple[float, float, list[int]]:
    """top-1, top-3 and, per question, the position (among the reranked) of the new first passage."""
    top1 = top3 = 0
    firsts = []
    for r in reads:
        order = np.argsort(-model(np.column_stack([logit(r.pooled), r.cross])), kind="stable")
        top1 += bool(r.label[order[0]])
        top3 += bool(r.label[order[:3]].any())
        firsts.append(int(order[0]))
    return top1 / len(reads), top3 / len(reads), firsts


def quote_hits(reads: list[Read], firsts: list[int], weight: float) -> float:
    hits = 0
    for r, first in zip(reads, firsts, strict=True):
        sentence, cross, holds = r.quote_logits[first]
        hits += bool(r.label[first] and holds[int(np.argmax(sentence + weight * cross))])
    return hits / len(reads)


def calibration(reads: list[Read], model: LogisticModel, label: str) -> None:
    x, y = rows_of(reads)
    p = model(x)
    for lo, hi in ((0, .2), (.2, .4), (.4, .6), (.6, .8), (.8, 1.01)):
        k = (p >= lo) & (p < hi)
        if k.any():
            log.info("%s: predicted %.2f-%.2f: %d rows, mean %.3f, observed %.3f", label, lo, hi, int(k.sum()),
                     float(p[k].mean()), float(y[k].mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=600, help="train sample questions read")
    parser.add_argument("--dev", action="store_true", help="also check the calibration on SQuAD dev (500)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "squad",
                        help="bench/squad.py's cache (its docs/ and index; dev in dev/)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from sklearn.linear_model import LogisticRegression

    train = collect("train", args.questions, args.cache.expanduser())
    x, y = rows_of(train)
    fit = LogisticRegression(C=10.0).fit(x, y)
    model = LogisticModel(weights=tuple(round(float(w), 3) for w in fit.coef_[0]),
                          bias=round(float(fit.intercept_[0]), 3))
    log.info("RERANKED = LogisticModel(weights=%s, bias=%s)", model.weights, model.bias)
    shipped = MINILM.reranked
    assert shipped is not None
    for name, m in (("shipped", shipped), ("fitted", model)):
        top1, top3, firsts = ranked(train, m)
        quotes = ", ".join(f"x {w:g}: {quote_hits(train, firsts, w):.3f}" for w in QUOTE_WEIGHTS)
        log.info("train sample, %s joining: top-1 %.3f top-3 %.3f; answer-sentence %s", name, top1, top3, quotes)
    calibration(train, model, "train")
    if args.dev:
        dev = collect("dev", 500, args.cache.expanduser())
        top1, top3, firsts = ranked(dev, model)
        log.info("dev, fitted joining: top-1 %.3f top-3 %.3f; answer-sentence x %g: %.3f", top1, top3,
                 MINILM.reranker_weight, quote_hits(dev, firsts, MINILM.reranker_weight))
        calibration(dev, model, "dev")


if __name__ == "__main__":
    main()
