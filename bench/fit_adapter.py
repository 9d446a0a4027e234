"""Fit the query-side adapter of MiniLM (qa/adapter.py) on SQuAD v1.1 train and print what it changes.

MiniLM (all-MiniLM-L6-v2) is a symmetric paraphrase model: a question's vector lies nearest to sentences that resemble
the question, not to the sentence that answers it. The adapter moves the question's vector only (passages and
sentences keep theirs, so no index changes): q' = normalise(q + U V^T q), U and V of --rank columns. The product
uses it to choose the answering sentence (the sentence cosines of qa.search.describe), not to retrieve.

Articles: SQuAD train articles outside bench/squad.py's sample and outside bench/fit_relevance.py's 40 (SQuAD dev is
never read): the same seed-7 shuffle as fit_relevance, then the --articles after its first 40. Each question against
the sentences of its article (split as the product splits, qa.passages.split_sentences; embedded with the product's
embedder, qa.embedder.Embedder, ONNX int8): positive, a sentence holding the answer text; negatives, the article's
other sentences. Loss: softmax cross-entropy at temperature --temperature over the article's sentences plus the same
over the paragraph's sentences (the hard negatives: what answer-sentence selection chooses among), plus --l2 times
|U V^T|^2 (toward the identity). Articles numbered 3 mod 4 are held out; every figure printed is on them. Torch on CPU,
seeded and single-threaded: the same weights every run. Embeddings are cached in ~/.cache/qa-bench/adapter.

    python -m bench.fit_adapter [--articles 300] [--rank 64] [--write]

--write saves the weights fitted on every article (held-out ones included) to qa/adapter_weights.npz (float16).
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import squad_data
from qa.embedder import Embedder
from qa.evaluate import normalise
from qa.passages import split_sentences

log = logging.getLogger("fit_adapter")

FIT_RELEVANCE_ARTICLES = 40  # bench/fit_relevance.py's default --articles: never used here
WEIGHTS = Path(__file__).resolve().parent.parent / "qa" / "adapter_weights.npz"


@dataclass(frozen=True)
class Article:
    questions: np.ndarray        # (n, 384) question vectors
    sentences: np.ndarray        # (m, 384) sentence vectors
    paragraphs: np.ndarray       # (p, 384) paragraph vectors
    sentence_paragraph: np.ndarray  # (m,) paragraph of each sentence
    question_paragraph: np.ndarray  # (n,) paragraph of each question
    positive: np.ndarray         # (n, m) bool: sentence holds the answer


def articles_used(count: int) -> list[dict]:
    _, others = squad_data.split_articles(None, squad_data.DEFAULT_ARTICLES, squad_data.DEFAULT_SEED)
    random.Random(7).shuffle(others)  # bench/fit_relevance.py's order: its first 40 are its own
    return others[FIT_RELEVANCE_ARTICLES:FIT_RELEVANCE_ARTICLES + count]


def texts_of(article: dict) -> tuple[list[str], list[int], list[str], list[int], list[str], list[list[str]]]:
    """(sentences, their paragraph, paragraphs, each question's paragraph, questions, each question's answers)."""
    sentences: list[str] = []
    owner: list[int] = []
    paragraphs: list[str] = []
    asked: list[int] = []
    questions: list[str] = []
    answers: list[list[str]] = []
    for paragraph in article["paragraphs"]:
        text = squad_data.clean(paragraph["context"])
        if not text:
            continue
        number = len(paragraphs)
        paragraphs.append(text)
        for s, e in split_sentences(text):
            sentences.append(text[s:e])
            owner.append(number)
        for qa in paragraph["qas"]:
            found = [normalise(a["text"]) for a in qa["answers"] if normalise(a["text"])]
            if found:
                questions.append(qa["question"].strip())
                asked.append(number)
                answers.append(found)
    return sentences, owner, paragraphs, asked, questions, answers


def embed_cached(embedder: Embedder, texts: list[str], cache: Path) -> np.ndarray:
    digest = hashlib.sha256(embedder.name.encode())
    for t in texts:
        digest.update(t.encode("utf-8") + b"\0")
    path = cache / f"{digest.hexdigest()[:16]}.npy"
    if path.exists():
        return np.load(path)
    vectors = embedder(texts, progress=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def load(count: int, cache: Path) -> list[Article]:
    embedder = Embedder()
    out = []
    for number, article in enumerate(articles_used(count)):
        sentences, owner, paragraphs, asked, questions, answers = texts_of(article)
        normalised = [normalise(s) for s in sentences]
        positive = np.array([[any(a in s for a in found) for s in normalised] for found in answers], dtype=bool)
        vectors = embed_cached(embedder, sentences + paragraphs + questions, cache)
        m, p = len(sentences), len(paragraphs)
        out.append(Article(vectors[m + p:], vectors[:m], vectors[m:m + p], np.array(owner), np.array(asked),
                           positive))
        log.info("article %d: %d questions, %d sentences", number, len(questions), m)
    return out


def adapt(q: np.ndarray, u: np.ndarray | None, v: np.ndarray | None) -> np.ndarray:
    if u is None or v is None:
        return q
    out = q + (q @ v) @ u.T
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def fit(articles: list[Article], rank: int, temperature: float, l2: float, epochs: int, lr: float,
        paragraph_weight: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    dim = articles[0].questions.shape[1]
    u = torch.nn.Parameter(0.01 * torch.randn(dim, rank, dtype=torch.float64))
    v = torch.nn.Parameter(torch.zeros(dim, rank, dtype=torch.float64))
    optimiser = torch.optim.Adam([u, v], lr=lr)
    data = []
    for a in articles:
        keep = a.positive.any(axis=1)
        same = a.question_paragraph[keep][:, None] == a.sentence_paragraph[None, :]
        data.append((torch.tensor(a.questions[keep], dtype=torch.float64),
                     torch.tensor(a.sentences, dtype=torch.float64),
                     torch.tensor(a.positive[keep]), torch.tensor(same),
                     torch.tensor(a.paragraphs, dtype=torch.float64),
                     torch.tensor(a.question_paragraph[keep], dtype=torch.long)))
    order = list(range(len(data)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        total = 0.0
        for i in order:
            q, s, pos, same, paragraphs, asked = data[i]
            adapted = q + (q @ v) @ u.T
            adapted = adapted / adapted.norm(dim=1, keepdim=True)
            logits = adapted @ s.T / temperature
            negative_inf = torch.tensor(-1e9, dtype=torch.float64)
            whole = torch.logsumexp(logits, 1) - torch.logsumexp(torch.where(pos, logits, negative_inf), 1)
            within = (torch.logsumexp(torch.where(same, logits, negative_inf), 1)
                      - torch.logsumexp(torch.where(pos, logits, negative_inf), 1))
            penalty = torch.trace((u.T @ u) @ (v.T @ v))  # |U V^T|_F^2
            # the question's own paragraph among the article's: passage retrieval must not lose what sentences gain
            passage = torch.nn.functional.cross_entropy(adapted @ paragraphs.T / temperature, asked)
            loss = whole.mean() + within.mean() + paragraph_weight * passage + l2 * penalty
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item()
        log.info("epoch %d: loss %.4f", epoch, total / len(order))
    return u.detach().numpy(), v.detach().numpy()


def evaluate(articles: list[Article], u: np.ndarray | None, v: np.ndarray | None) -> tuple[float, float, float, float]:
    """(answer sentence first among its paragraph's sentences, by cosine; among its article's sentences; the
    answering paragraph first in its article by the best of paragraph and sentence cosines; by paragraph cosine)."""
    within, whole, passage_max, passage_only = [], [], [], []
    for a in articles:
        keep = a.positive.any(axis=1)
        q = adapt(a.questions[keep], u, v)
        cos = q @ a.sentences.T
        pos = a.positive[keep]
        asked = a.question_paragraph[keep]
        for i in range(len(q)):
            same = a.sentence_paragraph == asked[i]
            inside = np.where(same, cos[i], -np.inf)
            within.append(pos[i, int(np.argmax(inside))])
            whole.append(pos[i, int(np.argmax(cos[i]))])
        paragraph_cos = q @ a.paragraphs.T
        best_sentence = np.full((len(q), len(a.paragraphs)), -1.0)
        for p in range(len(a.paragraphs)):
            mask = a.sentence_paragraph == p
            if mask.any():
                best_sentence[:, p] = cos[:, mask].max(axis=1)
        passage_max.extend(np.argmax(np.maximum(paragraph_cos, best_sentence), axis=1) == asked)
        passage_only.extend(np.argmax(paragraph_cos, axis=1) == asked)
    return (float(np.mean(within)), float(np.mean(whole)), float(np.mean(passage_max)), float(np.mean(passage_only)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rank", type=int, default=64)
    parser.add_argument("--temperature", type=float, default=0.05)
    parser.add_argument("--l2", type=float, default=0.003)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--paragraph-weight", type=float, default=1.0,
                        help="weight of the loss over the article's paragraphs (0: sentences only)")
    parser.add_argument("--grid", action="store_true", help="also try other ranks, penalties and temperatures")
    parser.add_argument("--write", action="store_true", help=f"save the weights fitted on every article to {WEIGHTS}")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "adapter")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    articles = load(args.articles, args.cache)
    train = [a for i, a in enumerate(articles) if i % 4 != 3]
    test = [a for i, a in enumerate(articles) if i % 4 == 3]
    n_test = sum(int(a.positive.any(axis=1).sum()) for a in test)
    print(f"\n## Query adapter: held-out {len(test)} articles, {n_test} questions (fitted on {len(train)} articles)\n")
    print("| question vector | answer sentence first in its paragraph | first in its article | "
          "paragraph first (best of paragraph, sentence cosine) | paragraph first (paragraph cosine) |")
    print("|---|---:|---:|---:|---:|")
    print("| plain MiniLM | {:.3f} | {:.3f} | {:.3f} | {:.3f} |".format(*evaluate(test, None, None)))
    settings = [(args.rank, args.l2, args.temperature)]
    if args.grid:
        settings += [(16, args.l2, args.temperature), (128, args.l2, args.temperature),
                     (args.rank, 0.1, args.temperature), (args.rank, 0.001, args.temperature),
                     (args.rank, args.l2, 0.1)]
    for rank, l2, temperature in settings:
        u, v = fit(train, rank, temperature, l2, args.epochs, args.lr, args.paragraph_weight)
        print("| adapted: rank {}, L2 {}, temperature {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} |".format(
            rank, l2, temperature, *evaluate(test, u, v)), flush=True)
    if args.write:
        u, v = fit(articles, args.rank, args.temperature, args.l2, args.epochs, args.lr,
                   args.paragraph_weight)
        np.savez_compressed(WEIGHTS, u=u.astype(np.float16), v=v.astype(np.float16))
        print(f"\nwrote {WEIGHTS} ({WEIGHTS.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
