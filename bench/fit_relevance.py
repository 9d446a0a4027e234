"""Fit the answer models of qa/relevance.py (which sentence answers; does the passage answer) on SQuAD v1.1 train.

Articles: SQuAD train articles outside bench/squad.py's sample (and SQuAD dev is never read), shuffled with seed 7;
the first --articles are indexed, with one paragraph in five left out of the written document: the questions about a
left-out paragraph are near-topic questions the documents mostly don't answer (a passage that still holds the answer
text counts as answering). Questions about other articles are off-topic unanswerable ones.

Every question is searched as the product does (spelling correction, gather, the fused shortlist of
qa.search.SHORTLIST passages) and qa.search.describe computes the feature rows. Labels: a sentence answers when
the answer text is inside it; a passage answers when it is inside the passage. The articles are split in two: the
models are fitted on the first three quarters and every figure printed is on the held-out quarter.

The table compares, on the held-out questions whose shortlist holds an answer:
  - sentence choice: the old fixed blend (0.5 cosine + 0.5 coverage) and logistic models over growing feature sets,
    measured as "the chosen sentence of the passage holds the answer" (in the passage that does) and end to end
    ("answer-sentence": the top-ranked passage's chosen sentence holds the answer);
  - passage ranking: the fused order vs the passage model's probability vs that pooled with the dense model's
    (qa.relevance.DENSE_SHARE; bench/ranking_variants.py compares the pooling variants on every set) (top-1).
Then the abstention threshold table (on the passage model's best probability in the shortlist, which decides
abstention) on held-out answerable / near-topic / off-topic SQuAD questions and on
bench/seed_questions.jsonl (the one number chosen with the seed questions: the threshold, Settings.min_relevance),
and the lines to paste into qa/relevance.py (fitted on every article).

    python -m bench.fit_relevance [--articles 40] [--questions 2400] [--unanswerable 500] [--single 24]
                                  [--backend onnx|torch] [--embedder minilm|e5]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import pickle
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bench import squad_data
from bench.backend import add_backend_flag, make_embedder
from qa.adapter import Adapter
from qa.adapter import load as load_adapter
from qa.conversation import Turn, standalone_query
from qa.embedder import Embedder
from qa.evaluate import Case, load_cases, normalise
from qa.indexing import sync
from qa.relevance import (
    DENSE_FEATURES,
    DENSE_SHARE,
    PASSAGE_FEATURES,
    SENTENCE_FEATURES,
    AnswerModels,
    Calibration,
    LogisticModel,
)
from qa.search import (
    SHORTLIST,
    Described,
    dense_matrix,
    describe,
    fuse_normalised,
    gather,
    margin,
    passage_matrix,
    score,
    search,
    top_rows,
)
from qa.store import Index

log = logging.getLogger("fit_relevance")


@dataclass(frozen=True)
class Sample:
    """One question's shortlist, read: features and labels."""
    kind: str                  # "answerable", "near" (its paragraph left out), "off" (another article); "docs" or
                               # "docs-none" (a documentation question the corpus answers, or not)
    group: int                 # article number (documentation: 1000 + question number), for the held-out split
    described: Described
    sentence_labels: np.ndarray
    passage_labels: np.ndarray


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 60,
                 offset: np.ndarray | None = None, weights: np.ndarray | None = None) -> LogisticModel:
    """Logistic regression by Newton's method (IRLS) with a small L2 penalty; `offset`, if given, is added to every
    row's logit as it is (a term whose weight is fixed); `weights`, if given, weigh the rows."""
    a = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(a.shape[1])
    fixed = np.zeros(len(x)) if offset is None else offset
    weight = np.ones(len(x)) if weights is None else weights
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(a @ w + fixed, -30, 30)))
        gradient = a.T @ (weight * (p - y)) + l2 * np.r_[w[:-1], 0]
        hessian = (a * (weight * p * (1 - p))[:, None]).T @ a + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LogisticModel(tuple(float(v) for v in w[:-1]), float(w[-1]))


def fit_conditional(groups: list[tuple[np.ndarray, np.ndarray, float]], l2: float = 1e-2,
                    steps: int = 60) -> np.ndarray:
    """Conditional logit (McFadden): one softmax over the sentences of a passage, the likelihood of its answering
    sentences (several may hold the answer: their probabilities summed), by Newton's method with an L2 penalty.
    `groups`: (feature rows of one passage's sentences, their labels, the passage's weight). Returns the weights
    (no bias: a softmax over one passage ignores it)."""
    w = np.zeros(groups[0][0].shape[1])
    for _ in range(steps):
        gradient, hessian = l2 * w, l2 * np.eye(len(w))
        for x, y, weight in groups:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            q = p * y / (p * y).sum()  # the softmax restricted to the answering sentences
            gradient += weight * (x.T @ (p - q))
            mean_p, mean_q = x.T @ p, x.T @ q
            hessian += weight * (((x * p[:, None]).T @ x - np.outer(mean_p, mean_p))
                                 - ((x * q[:, None]).T @ x - np.outer(mean_q, mean_q)))
        hessian += 1e-6 * np.eye(len(w))
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def interactions(x: np.ndarray) -> np.ndarray:
    """The sentence rows plus products of cosine and coverage, their squares, gap x gap and answer type x coverage."""
    similarity, coverage = x[:, 0], x[:, 2]
    return np.column_stack([x, similarity * coverage, similarity ** 2, coverage ** 2, x[:, 1] * x[:, 3],
                            x[:, 6] * coverage])


def collect(args: argparse.Namespace) -> list[Sample]:
    _, others = squad_data.split_articles(None, squad_data.DEFAULT_ARTICLES, squad_data.DEFAULT_SEED)
    random.Random(7).shuffle(others)
    indexed, outside = others[:args.articles], others[args.articles:]
    docs = args.cache / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for stale in docs.glob("*.txt"):
        stale.unlink()
    rng = random.Random(11)
    questions: list[tuple[str, int, squad_data.Question]] = []
    for number, article in enumerate(indexed):
        stem = squad_data.slug(squad_data.title_of(article))
        kept = []
        for p_number, paragraph in enumerate(article["paragraphs"]):
            text = squad_data.clean(paragraph["context"])
            left_out = rng.random() < 0.2
            if not left_out:
                kept.append(text)
            for qa in paragraph["qas"]:
                answers = tuple(squad_data.clean(a["text"]) for a in qa["answers"] if squad_data.clean(a["text"]))
                if answers:
                    q = squad_data.Question(qa["id"], qa["question"].strip(), answers, "", stem, p_number + 1)
                    questions.append(("near" if left_out else "answerable", number, q))
        (docs / f"{stem}.txt").write_text(squad_data.title_of(article) + "\n\n" + "\n\n".join(kept) + "\n",
                                          encoding="utf-8")
    answerable = [q for q in questions if q[0] == "answerable"]
    near = [q for q in questions if q[0] == "near"]
    chosen = rng.sample(answerable, min(args.questions, len(answerable)))
    chosen += rng.sample(near, min(args.questions // 4, len(near)))
    off = [q for a in outside for q in squad_data.questions_of(a, "")]
    chosen += [("off", -1, q) for q in rng.sample(off, args.unanswerable)]

    embedder = embedder_of(args)
    index = sync(docs, args.cache / f"index-{embedder.backend}", embedder, 256)
    log.info("indexed %d articles, %d passages (%s)", len(indexed), len(index), embedder.name)
    adapter = adapter_of(args)
    samples = [read(kind, group, q, index, embedder, rng, args.articles, adapter)
               for kind, group, q in tqdm(chosen, desc="questions")]
    # one article alone, as a user's single document is searched (the seed article): its passages all share a
    # topic, so the margins and the normalised scores look unlike a many-article index
    for number, article in enumerate(indexed[:args.single]):
        stem = squad_data.slug(squad_data.title_of(article))
        folder = args.cache / "single" / stem
        (folder / "docs").mkdir(parents=True, exist_ok=True)
        (folder / "docs" / f"{stem}.txt").write_text((docs / f"{stem}.txt").read_text(encoding="utf-8"),
                                                     encoding="utf-8")
        alone = sync(folder / "docs", folder / f"index-{embedder.backend}", embedder, 256)
        own = [q for q in questions if q[1] == number]
        picked = rng.sample([q for q in own if q[0] == "answerable"], min(30, sum(q[0] == "answerable" for q in own)))
        picked += rng.sample([q for q in own if q[0] == "near"], min(8, sum(q[0] == "near" for q in own)))
        picked += [("off", number, q) for q in rng.sample(off, 6)]
        samples += [read(kind, group, q, alone, embedder, rng, args.articles, adapter) for kind, group, q in picked]
    return samples


def cached(args: argparse.Namespace, name: str, make: Callable[[], list[Sample]], *key: object) -> list[Sample]:
    """`make()`'s samples, kept in args.cache under a name that changes with the feature code and the run's settings
    (a refit with other models reads the same shortlists again in seconds)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(repr((args.articles, args.questions, args.unanswerable, args.single, args.backend,
                                  args.embedder, key) + (("no adapter",) if args.no_adapter else ())).encode())
    for source in ("qa/search.py", "qa/answer_type.py", "qa/lexical.py", "qa/passages.py", "qa/adapter.py",
                   "qa/adapter_weights.npz"):  # the sentence cosines: the adapter's weights
        digest.update((root / source).read_bytes())
    path = args.cache / f"{name}-{digest.hexdigest()[:12]}.pkl"
    if path.exists():
        log.info("samples from %s", path)
        loaded: list[Sample] = pickle.loads(path.read_bytes())
        return loaded
    samples = make()
    path.write_bytes(pickle.dumps(samples))
    return samples


def collect_docs(args: argparse.Namespace) -> list[Sample]:
    """The documentation fit set (--docs-questions over --docs-corpus) and the small-document one (--small-questions,
    each record's `corpus` a sub-folder of --small-corpus indexed alone), read as the product reads them."""
    if not args.docs_questions.exists() or not args.docs_corpus.exists():
        log.warning("no documentation fit set (%s, %s): SQuAD only", args.docs_questions, args.docs_corpus)
        return []
    embedder = embedder_of(args)
    root = args.cache / f"docs-index-{embedder.backend}"
    seeded = sorted(args.docs_corpus.parent.glob("index-*"))
    if not root.exists() and seeded:  # its vectors are reused (qa.indexing.sync): hours of a busy machine saved
        shutil.copytree(seeded[0], root, ignore=shutil.ignore_patterns("writer.lock"))
    index = sync(args.docs_corpus, root, embedder, 256)
    log.info("documentation corpus: %d passages", len(index))
    samples = read_cases(args, load_cases(args.docs_questions), index, embedder, 1000)
    if not args.small_questions.exists() or not args.small_corpus.exists():
        log.warning("no small-document fit set (%s, %s)", args.small_questions, args.small_corpus)
        return samples
    rows = [json.loads(line) for line in args.small_questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = load_cases(args.small_questions)  # in the same order as rows
    for name in dict.fromkeys(str(row["corpus"]) for row in rows):
        index = sync(args.small_corpus / name, args.cache / f"small-index-{embedder.backend}" / name, embedder, 256)
        mine = [case for case, row in zip(cases, rows, strict=True) if row["corpus"] == name]
        samples += read_cases(args, mine, index, embedder, 1000 + len(samples))
    return samples


def read_cases(args: argparse.Namespace, cases: list[Case], index: Index, embedder: Embedder,
               first: int) -> list[Sample]:
    """Each case's shortlist: a passage answers when it holds an evidence phrase, a sentence likewise; follow-ups
    searched with the conversation's query; groups numbered from `first`, in order."""
    samples = []
    for number, case in enumerate(tqdm(cases, desc="documentation questions"), start=first):
        history = [Turn("user", t) for t in case.turns[:-1]]
        described = shortlist(index, embedder, standalone_query(case.turns[-1], history), case.turns[-1],
                              adapter_of(args))
        evidence = [normalise(e) for e in case.evidence]
        sentence_text = [normalise(described.passages[o].text[s:e])
                         for o, (s, e) in zip(described.owner, described.spans, strict=True)]
        samples.append(Sample("docs" if evidence else "docs-none", number, described,
                              np.array([any(e in t for e in evidence) for t in sentence_text], dtype=float),
                              np.array([any(e in normalise(p.text) for e in evidence) for p in described.passages],
                                       dtype=float)))
    return samples


def embedder_of(args: argparse.Namespace) -> Embedder:
    """The run's embedder: --embedder e5, or MiniLM with --backend."""
    if args.embedder == "e5":
        return Embedder(model="e5", threads=args.threads)
    return make_embedder(args.backend)


def read(kind: str, group: int, q: squad_data.Question, index: Index, embedder: Embedder, rng: random.Random,
         articles: int, adapter: Adapter | None) -> Sample:
    """Search the question as the product does and read its shortlist: features and labels."""
    described = shortlist(index, embedder, q.question, q.question, adapter)
    answers = [normalise(a) for a in q.answers]
    sentence_text = [normalise(described.passages[o].text[s:e])
                     for o, (s, e) in zip(described.owner, described.spans, strict=True)]
    sentence_labels = np.array([any(a in t for a in answers) for t in sentence_text], dtype=float)
    passage_labels = np.array([any(a in normalise(p.text) for a in answers) for p in described.passages], dtype=float)
    if kind == "off":
        sentence_labels[:], passage_labels[:] = 0, 0
    if group < 0:
        group = rng.randrange(articles)  # off-topic questions spread over both halves
    return Sample(kind, group, described, sentence_labels, passage_labels)


def shortlist(index: Index, embedder: Embedder, query: str, question: str, adapter: Adapter | None) -> Described:
    """The query searched as the product does (spelling correction, gather, the fused shortlist), read; the sentence
    cosines with the question's vector moved by `adapter` (qa.relevance.AnswerModels.sentence_vector)."""
    query = index.lexical.correct(query, embedder.words)
    vector = embedder.query(query)
    rows, features = gather(index, vector, query, 50)
    fused = fuse_normalised(features[:, :2].max(axis=1), features[:, 2], 0.7)
    keep = top_rows(fused, SHORTLIST)
    sentence_vector = vector if adapter is None else adapter(vector)
    return describe(index, sentence_vector, query, question, rows[keep], features[keep], fused[keep])


def adapter_of(args: argparse.Namespace) -> Adapter | None:
    """The question adapter the fitted models use for the sentence cosines (qa.relevance.AnswerModels.adapter):
    MiniLM's (qa/adapter.py); none for E5, nor with --no-adapter."""
    return None if args.embedder == "e5" or args.no_adapter else load_adapter()


def logit_of(model: LogisticModel, columns: list[int], d: Described) -> np.ndarray:
    """The model's logit for every sentence of `d`, over the given feature columns."""
    return model.logit(d.sentence_features[:, columns])


def blend_scores(d: Described) -> np.ndarray:
    """The old fixed sentence choice: 0.5 cosine + 0.5 coverage (qa/answer.py before the fit)."""
    return 0.5 * d.sentence_features[:, 0] + 0.5 * d.sentence_features[:, 2]


def chosen_sentences(d: Described, scores: np.ndarray) -> np.ndarray:
    """For each passage, the index of its highest-scoring sentence."""
    best = np.full(len(d.rows), -np.inf)
    chosen = np.zeros(len(d.rows), dtype=np.int64)
    for i, (position, s) in enumerate(zip(d.owner, scores, strict=True)):
        if s > best[position]:
            best[position], chosen[position] = s, i
    return chosen


def sentence_accuracy(samples: list[Sample], score: Callable[[Described], np.ndarray]) -> tuple[float, float]:
    """(chosen sentence holds the answer, in passages that hold it; same for the fused top-1 passage)."""
    inside, top = [], []
    for s in samples:
        chosen = chosen_sentences(s.described, score(s.described))
        for position, label in enumerate(s.passage_labels):
            if label:
                inside.append(s.sentence_labels[chosen[position]])
        if s.passage_labels[0]:
            top.append(s.sentence_labels[chosen[0]])
    return float(np.mean(inside)), float(np.mean(top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--questions", type=int, default=2400)
    parser.add_argument("--unanswerable", type=int, default=500)
    parser.add_argument("--single", type=int, default=24, help="articles also indexed alone, as a user's one document")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qa-bench" / "fit")
    add_backend_flag(parser, "the features")
    parser.add_argument("--embedder", choices=("minilm", "e5"), default="minilm",
                        help="the embedding model whose features are fitted (qa/relevance.py keeps one pair per model)")
    parser.add_argument("--docs-questions", type=Path, default=Path(__file__).resolve().parent / "docsfit" /
                        "questions.jsonl", help="the documentation fit set (eval format)")
    parser.add_argument("--docs-corpus", type=Path, default=Path.home() / ".cache" / "qa-bench" / "docsfit" / "corpus")
    parser.add_argument("--small-questions", type=Path, default=Path(__file__).resolve().parent / "smallfit" /
                        "questions.jsonl", help="the small-document fit set (eval format, a `corpus` per record)")
    parser.add_argument("--small-corpus", type=Path,
                        default=Path.home() / ".cache" / "qa-bench" / "smallfit" / "corpus")
    parser.add_argument("--docs-weight", type=float, default=10.0,
                        help="weight of a documentation question's rows (SQuAD's: 1)")
    parser.add_argument("--without", nargs="*", default=[], choices=SENTENCE_FEATURES, metavar="FEATURE",
                        help="sentence features the product's sentence model leaves out (weight 0)")
    parser.add_argument("--threads", type=int, default=2, help="OpenMP threads of the e5 engine")
    parser.add_argument("--no-adapter", action="store_true",
                        help="MiniLM's sentence cosines without the question adapter (qa/adapter.py), to compare")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("sentence_transformers", "faiss", "bm25s", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    squad = cached(args, "samples", lambda: collect(args))
    docs = cached(args, "docs-samples", lambda: collect_docs(args), args.docs_questions.read_bytes()
                  if args.docs_questions.exists() else b"", str(args.docs_corpus),
                  args.small_questions.read_bytes() if args.small_questions.exists() else b"", str(args.small_corpus))
    samples = squad + docs
    fit = [s for s in samples if s.group % 4 != 3]
    test = [s for s in samples if s.group % 4 == 3]
    log.info("fit on %d questions, held out %d (articles and documentation questions numbered 3 mod 4; %d "
             "documentation questions in all, weighted %g)", len(fit), len(test), len(docs), args.docs_weight)

    def weight_of(s: Sample) -> float:
        return args.docs_weight if s.kind.startswith("docs") else 1.0

    def sentence_rows(part: list[Sample], columns: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sentences of the passages that hold the answer: the model learns which of them does."""
        inside = [(s, s.passage_labels[s.described.owner] > 0) for s in part]
        return (np.vstack([s.described.sentence_features[mask][:, columns] for s, mask in inside]),
                np.concatenate([s.sentence_labels[mask] for s, mask in inside]),
                np.concatenate([np.full(int(mask.sum()), weight_of(s)) for s, mask in inside]))

    print("\n## Answer sentence: which sentence of a passage answers (held-out SQuAD train articles)\n")
    print("| sentence choice | chosen sentence holds the answer (passages holding it) | fused top-1's sentence |")
    print("|---|---:|---:|")
    inside, top = sentence_accuracy(test, blend_scores)
    print(f"| fixed 0.5 cosine + 0.5 coverage (before) | {inside:.3f} | {top:.3f} |")
    names = list(SENTENCE_FEATURES)
    tried = [("cosine only", ["similarity"]),
             ("cosine + coverage", ["similarity", "coverage"]),
             ("+ gaps within the passage", ["similarity", "similarity_gap", "coverage", "coverage_gap"]),
             ("+ neighbours, novelty", ["similarity", "similarity_gap", "coverage", "coverage_gap",
                                        "neighbour_coverage", "novelty"]),
             ("+ answer type", ["similarity", "similarity_gap", "coverage", "coverage_gap", "neighbour_coverage",
                                "novelty", "type_match"]),
             ("+ refers back", names[:8]),
             ("+ question bigrams", names[:9]),
             ("+ rarest term", names[:10]),
             ("+ sentence length", names[:11]),
             ("+ position in the passage", names[:12]),
             ("+ neighbours' cosine (the product)", names)]
    for label, chosen in tried:
        columns = [names.index(c) for c in chosen]
        x, y, w = sentence_rows(fit, columns)
        model = fit_logistic(x, y, weights=w)
        inside, top = sentence_accuracy(test, partial(logit_of, model, columns))
        docs_inside, docs_top = sentence_accuracy([s for s in test if s.kind == "docs"] or test,
                                                  partial(logit_of, model, columns))
        print(f"| logistic: {label} | {inside:.3f} | {top:.3f} | documentation: {docs_inside:.3f} |")
    # tried, not kept: a softmax over a passage's sentences (how the model is used: the argmax) in place of the
    # pointwise logistic, and feature interactions
    def passage_groups(part: list[Sample], transform: Callable[[np.ndarray], np.ndarray]
                       ) -> list[tuple[np.ndarray, np.ndarray, float]]:
        return [(transform(s.described.sentence_features[s.described.owner == position]),
                 s.sentence_labels[s.described.owner == position], weight_of(s))
                for s in part for position, label in enumerate(s.passage_labels)
                if label and s.sentence_labels[s.described.owner == position].any()]

    def conditional_scores(weights: np.ndarray, transform: Callable[[np.ndarray], np.ndarray],
                           d: Described) -> np.ndarray:
        return transform(d.sentence_features) @ weights

    def unchanged(x: np.ndarray) -> np.ndarray:
        return x

    for label, transform in (("conditional logit (softmax over the passage's sentences), every feature", unchanged),
                             ("conditional logit, + interactions", interactions)):
        conditional = fit_conditional(passage_groups(fit, transform))
        inside, top = sentence_accuracy(test, partial(conditional_scores, conditional, transform))
        print(f"| {label} | {inside:.3f} | {top:.3f} |")
    x_all, y_all, weights_all = sentence_rows(fit, list(range(len(names))))
    interacting = fit_logistic(interactions(x_all), y_all, weights=weights_all)
    inside, top = sentence_accuracy(test, lambda d: interacting.logit(interactions(d.sentence_features)))
    print(f"| logistic: every feature + interactions | {inside:.3f} | {top:.3f} |")
    used = [names.index(c) for c in names if c not in args.without]

    def fit_sentence(part: list[Sample]) -> LogisticModel:
        """The sentence model on the features not left out (--without: their weights 0)."""
        x, y, w = sentence_rows(part, used)
        model = fit_logistic(x, y, weights=w)
        full = np.zeros(len(names))
        full[used] = model.weights
        return LogisticModel(weights=tuple(float(v) for v in full), bias=model.bias)

    sentence_model = fit_sentence(fit)
    adapter = adapter_of(args)
    models = fit_models(fit, sentence_model, weight_of, adapter)
    answerable = [s for s in test if s.kind == "answerable"]

    def end_to_end(ranking: Callable[[Sample], np.ndarray]) -> tuple[float, float, float]:
        """top-1 passage holds the answer, its chosen sentence holds it, top-3 (all answerable held-out)."""
        t1, sent, t3 = [], [], []
        for s in answerable:
            order = np.argsort(-ranking(s), kind="stable")
            chosen = chosen_sentences(s.described, sentence_model.logit(s.described.sentence_features))
            t1.append(s.passage_labels[order[0]])
            sent.append(s.sentence_labels[chosen[order[0]]])
            t3.append(s.passage_labels[order[:3]].max())
        return float(np.mean(t1)), float(np.mean(sent)), float(np.mean(t3))

    print(f"\n## Passage ranking ({len(answerable)} held-out answerable questions; shortlist of {SHORTLIST} "
          "fused passages)\n")
    print("| ranking | top-1 | answer-sentence of top-1 | top-3 |")
    print("|---|---:|---:|---:|")
    def with_margins(m: np.ndarray) -> np.ndarray:
        """The passage rows plus how far each passage stands out from the best other one (tried, not kept: it
        ranks as well but a question two passages answer alike, "Who is Tsikhanouskaya?", loses its confidence)."""
        return np.column_stack([m, margin(m[:, 0]), margin(m[:, 4]), margin(m[:, 3])])

    rows = np.vstack([passage_matrix(s.described, sentence_model.logit(s.described.sentence_features))[0]
                      for s in fit])
    margins_model = fit_logistic(with_margins(rows), np.concatenate([s.passage_labels for s in fit]))
    rankings = [("fused 0.7 dense + 0.3 BM25", lambda s: s.described.passage_features[:, 0]),
                ("best sentence's logit", lambda s: passage_matrix(
                    s.described, sentence_model.logit(s.described.sentence_features))[0][:, 0]),
                ("passage model + margins over the best other passage", lambda s: margins_model(with_margins(
                    passage_matrix(s.described, sentence_model.logit(s.described.sentence_features))[0]))),
                ("passage model alone", lambda s: score(s.described, models)[1]),
                (f"passage model pooled with the dense model, share {DENSE_SHARE} (the product)",
                 lambda s: score(s.described, models)[0])]
    for label, ranking in rankings:
        print("| {} | {:.3f} | {:.3f} | {:.3f} |".format(label, *end_to_end(ranking)))

    embedder = embedder_of(args)
    seed = seed_tops(models, embedder, args.cache / f"seed-index-{embedder.backend}")
    print("\n## Abstention: the shortlist's best passage model probability >= threshold answers (held-out SQuAD; "
          "bench/seed_questions.jsonl)\n")
    tops = {kind: np.array([score(s.described, models)[1].max() for s in test if s.kind == kind])
           for kind in ("answerable", "near", "off")}
    print(f"| threshold | SQuAD answered (n={len(tops['answerable'])}) | declined near-topic (n={len(tops['near'])}) | "
          f"declined off-topic (n={len(tops['off'])}) | seed answered (n={len(seed[0])}) | seed declined "
          f"(n={len(seed[1])}) | mean of SQuAD's and seed's means |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    best_t, best_mean = 0.5, -1.0
    for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6):
        row = [np.mean(tops["answerable"] >= t), np.mean(tops["near"] < t), np.mean(tops["off"] < t),
               np.mean(seed[0] >= t), np.mean(seed[1] < t)]
        mean = (np.mean(row[:3]) + np.mean(row[3:])) / 2  # SQuAD and the seed article count alike
        print(f"| {t:.2f} | " + " | ".join(f"{v:.3f}" for v in row) + f" | {mean:.3f} |")
        if mean > best_mean:
            best_t, best_mean = t, float(mean)
    print(f"\nbest mean: threshold {best_t:.2f} ({best_mean:.3f})")
    calibration(test, models, 1, "the passage model")
    calibration(test, replace(models, calibration=None), 0, "the pooled probability, uncalibrated")
    calibration(test, models, 0, "the score shown (the pooled probability calibrated)")
    calibration([s for s in test if not s.kind.startswith("docs")], models, 0, "the score shown, SQuAD only")
    calibration([s for s in test if s.kind.startswith("docs")], models, 0, "the score shown, documentation only")

    final = fit_models(samples, fit_sentence(samples), weight_of, adapter)
    final_sentence, final_passage, final_dense = final.sentence, final.passage, final.dense
    assert final_dense is not None and final.calibration is not None
    print("\n# paste into qa/relevance.py (fitted on all articles):")
    print(f"SENTENCE = LogisticModel(weights=({', '.join(f'{w:.3f}' for w in final_sentence.weights)}), "
          f"bias={final_sentence.bias:.3f})")
    print(f"PASSAGE = LogisticModel(weights=({', '.join(f'{w:.3f}' for w in final_passage.weights)}), "
          f"bias={final_passage.bias:.3f})")
    print(f"DENSE = LogisticModel(weights=({', '.join(f'{w:.3f}' for w in final_dense.weights)}), "
          f"bias={final_dense.bias:.3f})")
    print(f"CALIBRATION = Calibration(points={final.calibration.points},\n"
          f"                          values={final.calibration.values})")
    for name, w in zip(SENTENCE_FEATURES, final_sentence.weights, strict=True):
        print(f"  sentence {name:20s} {w:+.3f}")
    for name, w in zip(PASSAGE_FEATURES, final_passage.weights, strict=True):
        print(f"  passage  {name:20s} {w:+.3f}")
    for name, w in zip(DENSE_FEATURES, final_dense.weights, strict=True):
        print(f"  dense    {name:20s} {w:+.3f}")


def fit_models(part: list[Sample], sentence_model: LogisticModel, weight_of: Callable[[Sample], float],
               adapter: Adapter | None) -> AnswerModels:
    """The passage, dense and calibration models over `part`, given the sentence model (and the question adapter the
    sentence features were computed with)."""
    rows = [passage_matrix(s.described, sentence_model.logit(s.described.sentence_features))[0] for s in part]
    labels = np.concatenate([s.passage_labels for s in part])
    weights = np.concatenate([np.full(len(s.passage_labels), weight_of(s)) for s in part])
    passage_model = fit_logistic(np.vstack(rows), labels, weights=weights)
    dense_model = fit_logistic(np.vstack([dense_matrix(r) for r in rows]), labels, weights=weights)
    pooled = AnswerModels(sentence_model, passage_model, dense_model, DENSE_SHARE)
    # the shown score: the pooled probability mapped (monotone, so the order stays) onto the observed share
    raw = np.concatenate([score(s.described, pooled)[0] for s in part])
    return AnswerModels(sentence_model, passage_model, dense_model, DENSE_SHARE, fit_isotonic(raw, labels, weights),
                        adapter)


def fit_isotonic(x: np.ndarray, y: np.ndarray, weights: np.ndarray, points: int = 16) -> Calibration:
    """Isotonic regression of y on x (pool adjacent violators, weighted), summarised by its value at `points`
    quantiles of x and every 0.05 from 0 to 1, made strictly increasing (0.001 a step at least, at most 1) so that
    no two scores tie."""
    order = np.argsort(x, kind="stable")
    xs, ys, ws = x[order], y[order], weights[order]
    blocks: list[list[float]] = []  # [weighted sum of y, sum of weights, count]

    def mean(block: list[float]) -> float:
        return block[0] / max(block[1], 1e-12)

    for value, weight in zip(ys, ws, strict=True):
        blocks.append([value * weight, weight, 1])
        while len(blocks) > 1 and mean(blocks[-2]) >= mean(blocks[-1]):
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    fitted = np.repeat([mean(b) for b in blocks], [int(b[2]) for b in blocks])
    at = np.unique(np.round(np.r_[np.quantile(xs, np.linspace(0, 1, points)), np.linspace(0, 1, 21)], 6))
    values = np.interp(at, xs, fitted)
    for i in range(1, len(values)):
        values[i] = max(values[i], values[i - 1] + 1e-3)
    values[-1] = min(values[-1], 1.0)
    for i in range(len(values) - 2, -1, -1):  # at most 1 at the top, still strictly increasing
        values[i] = min(values[i], values[i + 1] - 1e-3)
    return Calibration(tuple(float(a) for a in at), tuple(round(float(v), 4) for v in values))


def seed_tops(models: AnswerModels, embedder: Embedder, index_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """The top passage's probability for the answerable and the unanswerable questions of
    bench/seed_questions.jsonl (searched as the product does; follow-ups with the conversation's query)."""
    root = Path(__file__).resolve().parent.parent
    index = sync(root / "seeds", index_dir, embedder, 256)
    answerable: list[float] = []
    unanswerable: list[float] = []
    for case in load_cases(root / "bench" / "seed_questions.jsonl"):
        history = [Turn("user", t) for t in case.turns[:-1]]
        query = index.lexical.correct(standalone_query(case.turns[-1], history), embedder.words)
        hits = search(index, embedder.query(query), query, SHORTLIST, models=models, question=case.turns[-1])
        (answerable if case.evidence else unanswerable).append(max(h.answers for h in hits))
    return np.array(answerable), np.array(unanswerable)


def calibration(test: list[Sample], models: AnswerModels, which: int, label: str) -> None:
    """Predicted probability (score()'s `which` column) against the share of passages that answer, by bin."""
    probs, labels = [], []
    for s in test:
        probs.append(score(s.described, models)[which])
        labels.append(s.passage_labels)
    p, y = np.concatenate(probs), np.concatenate(labels)
    print(f"\ncalibration of {label} (held-out, every shortlisted passage): predicted -> observed share that answers")
    for low, high in ((0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        mask = (p >= low) & (p < high)
        if mask.any():
            print(f"  {low:.1f}-{min(high, 1):.1f}: mean {p[mask].mean():.3f} -> {y[mask].mean():.3f} (n={mask.sum()})")


if __name__ == "__main__":
    main()
