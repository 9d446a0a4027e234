"""How likely a sentence, and a passage, answers a question: logistic models fitted on SQuAD.

The sentence model picks the sentence a reply quotes (fitted on the sentences of passages that hold the answer: which
of them does); the passage model turns the best sentence's score and the retrieval scores into the probability that
the passage answers; the dense model gives that probability from the meaning similarity alone. The passage's
probability, which ranks the passages, pools the two (AnswerModels.dense_share); abstention rests mostly on the
passage model alone (qa.engine.answers_question).
The feature rows are computed by qa.search.describe; the models are fitted by `python -m bench.fit_relevance`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.adapter import Adapter
from qa.adapter import load as load_adapter
from qa.reranker import Reranker

# One row per sentence of a shortlisted passage, in this order (qa.search.describe computes them).
SENTENCE_FEATURES = (
    "similarity",           # cosine of question and sentence
    "similarity_gap",       # similarity minus the best sentence's of the same passage (<= 0)
    "coverage",             # share of the question's terms, idf-weighted, in the sentence
    "coverage_gap",         # coverage minus the best sentence's of the same passage (<= 0)
    "neighbour_coverage",   # the higher coverage of the sentences just before and after
    "novelty",              # share of the sentence's terms that are not the question's: what it adds
    "type_match",           # +1 the answer type asked for is there (a time, number, name), -1 missing, 0 none asked
    "refers_back",          # the previous sentence's coverage when this one opens with "it", "they", "this"...
    "bigrams",              # share of the question's adjacent term pairs that occur adjacent in the sentence
    "rarest",               # 1 when the sentence holds the question's rarest term (highest idf)
    "length",               # log(1 + the sentence's number of terms)
    "position",             # place in the passage: 0 first sentence .. 1 last
    "neighbour_similarity", # the higher cosine of the sentences just before and after (its own when alone)
)

# One row per shortlisted passage.
PASSAGE_FEATURES = (
    "sentence_logit",       # the sentence model's logit of the passage's best sentence
    "sentence_lead",        # that logit minus the best one among the shortlisted passages (<= 0)
    "fused",                # the passage's min-max normalised 0.7 dense + 0.3 BM25 score among the candidates
    "passage_similarity",   # cosine of question and the whole passage
    "sentence_similarity",  # cosine of question and the passage's closest sentence
    "bm25",                 # the passage's BM25 score over the query's best
    "passage_coverage",     # share of the question's terms, idf-weighted, in the passage
    "type_match",           # of the passage as a whole
    "best_coverage",        # coverage of the best sentence
    "best_similarity",      # cosine of question and the best sentence
    "structured",           # 1 when the passage has a section path (it comes from a structured document)
)

# The dense model's rows, taken from the passage rows above (the lead: minus the shortlist's best).
DENSE_FEATURES = ("passage_similarity", "sentence_similarity", "sentence_similarity_lead")

# The cross-lingual model's rows (e5 only): a question in another language than the passages (qa.language.foreign)
# shares no words with them, so its probability rests on meaning alone: the passage's cosine, its closest sentence's,
# and how far each stands above the shortlist's median.
CROSSLINGUAL_FEATURES = ("passage_similarity", "sentence_similarity", "passage_over_median", "sentence_over_median")

# A passage that lacks the type of answer asked for ("when" and no time in it) answers far less often: its
# probability is multiplied by this (the previous engine's factor, kept: a SQuAD fit gives the type feature almost
# no weight, as SQuAD's top passages rarely lack it, yet it declines "When will Poland receive the helicopters?").
# bench/fit_relevance.py's figures include it.
WRONG_TYPE_FACTOR = 0.3


@dataclass(frozen=True)
class LogisticModel:
    weights: tuple[float, ...]
    bias: float

    def logit(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features, dtype=np.float64) @ np.asarray(self.weights, dtype=np.float64) + self.bias

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """Probability, per row of features, of the positive class."""
        return 1.0 / (1.0 + np.exp(-self.logit(features)))


@dataclass(frozen=True)
class Calibration:
    """A monotone map of a probability onto the observed share that answers: linear between fitted points
    (isotonic regression summarised at quantiles; strictly increasing, so that the order it is applied to stays)."""
    points: tuple[float, ...]
    values: tuple[float, ...]

    def __call__(self, probabilities: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(probabilities, dtype=np.float64), self.points, self.values)


@dataclass(frozen=True)
class AnswerModels:
    sentence: LogisticModel
    passage: LogisticModel
    dense: LogisticModel | None = None  # the probability from meaning similarity alone (DENSE_FEATURES)
    dense_share: float = 0.0            # its share in the pooled probability: (1 - share) * passage + share * dense
    calibration: Calibration | None = None  # maps the pooled probability to the score shown
    adapter: Adapter | None = None  # moves the question's vector for the sentence cosines (qa/adapter.py)
    reranker: Reranker | None = None  # reads question and sentence together to choose the quote (qa/reranker.py)
    reranker_weight: float = 1.0      # its logit's weight beside the sentence model's (qa.search.rerank)
    reranked: LogisticModel | None = None  # a reranked passage's probability: (logit of pooled, best cross logit)
    crosslingual: LogisticModel | None = None  # the probability for a question in another language (e5 only)

    def sentence_vector(self, query_vector: np.ndarray) -> np.ndarray:
        """The question's vector the sentence features are computed with: adapted when the models were fitted so."""
        return query_vector if self.adapter is None else self.adapter(query_vector)


# Fitted by `python -m bench.fit_relevance` (its tables are in bench/RESULTS.md): logistic regressions on SQuAD v1.1
# train, articles disjoint from bench/squad.py's and from SQuAD dev, plus the documentation fit set
# (bench/docsfit/questions.jsonl over bench/docsfit's corpus, a question's rows weighted 10). MiniLM's features;
# held out (articles and documentation questions numbered 3 mod 4): the chosen sentence holds the answer in 0.822
# of the fused top-1 passages that hold it (the fixed blend: 0.811; without length, position and neighbours'
# cosine: 0.815), the passage model ranks an answer first for 0.899 (the fused order: 0.888).
SENTENCE = LogisticModel(
    weights=(-1.399, 5.421, 1.603, 2.003, -0.751, -0.562, 0.437, 0.702, 1.436, -0.073, 0.405, 0.093, 0.227),
    bias=-0.377)
PASSAGE = LogisticModel(
    weights=(0.725, 0.342, 3.053, 0.810, 6.398, 0.551, 2.669, -0.264, -1.415, -0.920, -1.505),
    bias=-8.461)
DENSE = LogisticModel(weights=(1.900, 4.879, 6.495), bias=-5.009)
# The score shown: the pooled probability mapped onto the share of passages that answer, an isotonic regression on
# the fit's rows (bench/fit_relevance.py). Held out (every shortlisted passage; before -> after): pooled 0.39 was
# right 0.65 of the time, calibrated 0.39 -> 0.48; 0.58 -> 0.89, now 0.63 -> 0.69; 0.74 -> 0.97, now 0.83 -> 0.86;
# 0.97 -> 0.96 (a one-feature Platt step left 0.60 -> 0.85 and 0.39 -> 0.50). On the documentation questions alone
# it still over-promises a little (0.18 -> 0.07, 0.77 -> 0.67, few rows).
CALIBRATION = Calibration(
    points=(0.0, 5.3e-05, 0.004589, 0.008165, 0.01197, 0.016226, 0.020955, 0.026518, 0.033299, 0.041896, 0.05,
        0.053182, 0.068333, 0.089876, 0.1, 0.122492, 0.15, 0.182625, 0.2, 0.25, 0.3, 0.341223, 0.35, 0.4, 0.45, 0.5,
        0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.841042, 0.85, 0.9, 0.95, 1.0),
    values=(0.0, 0.001, 0.0264, 0.0274, 0.0284, 0.0294, 0.0304, 0.0314, 0.0324, 0.0334, 0.0344, 0.0354, 0.0364,
        0.0523, 0.0653, 0.0715, 0.0725, 0.0951, 0.161, 0.1668, 0.2629, 0.4221, 0.4231, 0.573, 0.7249, 0.7791, 0.8968,
        0.9024, 0.9268, 0.9844, 0.9854, 0.995, 0.996, 0.997, 0.998, 0.999, 1.0))
# The dense model's share: the passage model alone (share 0) leans on the question's words, and lists "...their
# supply lines." first for the card's "What did Belarus supply Russia?" (p 0.52 against the T-72 passage's 0.06).
# bench/ranking_variants.py's table (bench/RESULTS.md): 0.65 is the smallest share that quotes the T-72 sentence
# first; it costs SQuAD dev top-1 0.906 -> 0.878 (train sample 0.884 -> 0.858) and answer-sentence 0.768 -> 0.734
# and gains seed answer-hit; 0.7 falls under SQuAD's 0.87. Chosen for the card, not by the sets: share 0 is the
# better ranking on SQuAD and seed hit@1. Abstention is not pooled (qa.engine.answers_question: the passage model's
# best in the shortlist, or a first passage the cross-encoder's reading shows at 0.5 or more). Fragile: with the
# torch backend's vectors the same pool lists another passage first for the card (bench/RESULTS.md).
DENSE_SHARE = 0.65
# The quoted sentence is chosen with MiniLM's question vector moved by the question adapter (qa/adapter.py): the
# sentence model reads rows whose cosines are the adapted question's (qa.search.describe's choice rows). Ranking
# and abstention keep the rows the models were fitted on (the model's own vector): fed the adapted cosines, the
# passage model answered more near-topic questions (bench/docs abstention 0.88 -> 0.84, docsfit 0.82 -> 0.78).
# A refit with the adapter (or without it) on the current fit index did worse on SQuAD dev (0.878 / 0.736;
# 0.882 / 0.728) and lists the card's "supply lines" passage first at this dense share (bench/RESULTS.md, the
# question adapter).
# The cross-encoder (qa/reranker.py) reads the most probable passages again (qa.search.rerank): a logistic regression
# of "the passage answers" on the logit of its pooled probability and its best sentence's cross-encoder logit,
# fitted on the SQuAD train sample's shortlists (bench/squad.py's 48 articles, 600 questions; the cross-encoder
# never saw them; `python -m bench.fit_rerank_join --dev`, refitted with each new cross-encoder). Held out on SQuAD
# dev's shortlists it is calibrated (0.28 -> 0.32 observed, 0.49 -> 0.49, 0.71 -> 0.74, 0.93 -> 0.94), where the
# pooled probability under-promised (0.48 -> 0.57, 0.72 -> 0.80).
RERANKED = LogisticModel(weights=(0.662, 0.556), bias=0.547)
# The quoted sentence: the sentence model's logit plus this times the cross-encoder's (the SQuAD train sample's 600
# questions, the answer in the top passage's quote with the shipped cross-encoder: 0.790 at 0, 0.808 at 0.5, 0.807 at
# 1, 0.802 at 2; 1, chosen with the first fit, stays: one question of 600 from the best; with the first of the two
# further fits, SQuAD dev's 500 read 0.790 at both 1 and 2).
RERANKER_WEIGHT = 1.0
RERANKER = Reranker()  # its model is built on the first call; MiniLM's and e5's models share it
MINILM = AnswerModels(SENTENCE, PASSAGE, DENSE, DENSE_SHARE, CALIBRATION, load_adapter(), RERANKER,
                      RERANKER_WEIGHT, RERANKED)
DEFAULT = MINILM
# The same fit on multilingual-e5-small's features (`python -m bench.fit_relevance --embedder e5 --articles 8
# --single 4 --questions 480 --unanswerable 100`: e5 embeds ~10x slower here, so a smaller fit). Its cosines lie
# higher and closer together, hence other weights. Held out: passage top-1 0.886 (fused: 0.866). Its best
# threshold was 0.35 (seed answered 0.854, declined 0.917); the bias is moved by log-odds(0.2) - log-odds(0.35) =
# -0.767 so that the product's one threshold, 0.2, is that point; the fit over-predicted (0.38 -> 0.26 observed,
# 0.60 -> 0.49, 0.82 -> 0.75), and moved it reads 0.22 -> 0.26, 0.41 -> 0.49, 0.68 -> 0.75.
# With the threshold at 0.25 since, the bias moves by log-odds(0.25) - log-odds(0.35) = -0.480 (not -0.767), so that
# 0.25 stays e5's best point.
# The features added since (sentence length, position, neighbours' cosine; the passage's section path) weigh 0 here:
# not refitted on e5's features yet.
# The cross-encoder (MiniLM's English weights: it reads text, whatever embedded it) reads e5's shortlists too, with
# MiniLM's join (RERANKED, not refitted on e5's probabilities), except for a question in another language. SQuAD dev
# (`python -m bench.squad --split dev --embedder e5`, 500 questions): top-1 0.926 -> 0.932, answer-sentence 0.788 ->
# 0.836, top-3 0.978 -> 0.984 (MiniLM's product: 0.920 / 0.828 / 0.982); the seed questions' answer-hit 0.73 -> 0.77,
# hit@1 0.81 -> 0.875, abstention 0.92 unchanged; bench/dev.jsonl's hit@1 0.83 -> 0.92.
# A question in another language than the passages (qa.language.foreign) is answered by meaning alone: fitted by
# `python -m bench.fit_crosslingual` on the shortlists of bench/multilingual.jsonl's German, French and Spanish
# questions (41 answerable, 18 not; label: the passage holds an evidence phrase), the type factor applied after.
# Each language held out in turn, at the product's threshold (0.25): answered 0.71 of the answerable (the passage
# model: 0.32), declined 0.72 of the unanswerable (0.89), the first passage right about as often (0.78 against 0.80).
# Meaning alone tells a near-topic question from an answered one less surely than shared words do.
CROSSLINGUAL = LogisticModel(weights=(9.572, 16.346, 23.503, 24.316), bias=-24.263)
E5 = AnswerModels(
    LogisticModel(weights=(2.720, 18.234, 2.093, 2.359, -1.107, 0.028, 0.533, 0.757, 0.371, -0.217, 0.0, 0.0, 0.0),
                  bias=-2.657),
    LogisticModel(weights=(0.193, 0.421, 5.567, 16.928, 10.838, 0.227, 1.357, 0.141, 0.249, -0.827, 0.0),
                  bias=-29.435 - 0.480),
    reranker=RERANKER, reranker_weight=RERANKER_WEIGHT, reranked=RERANKED, crosslingual=CROSSLINGUAL)


def models_for(embedder: str) -> AnswerModels:
    """The answer models fitted on this embedding model's features ("minilm" or "e5")."""
    return E5 if embedder == "e5" else MINILM
