"""Hybrid search: dense and lexical (BM25) candidates, fused, then the shortlist ranked by how well it answers.

The data comes through the store Protocol (qa.store_api) only: the embedded store (qa.store) or another.

The product's ranking ("answer"): candidates from passage vectors, sentence vectors and BM25 are fused (0.7 dense +
0.3 BM25, min-max normalised); the best SHORTLIST are read sentence by sentence, the sentence model
(qa/relevance.py) scores each sentence, and the passage model turns the best sentence's score and the retrieval
scores into the probability that the passage answers, pooled with the dense model's (meaning similarity alone).
Passages are returned in the order of that probability.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.answer_type import expected_type, type_match
from qa.distinct import distinct, distinct_passages, quoted
from qa.language import english, foreign
from qa.lexical import analyze
from qa.names import MISSING_NAME_FACTOR, labelled, missing, names, numbered
from qa.passages import Passage
from qa.quotable import heading_lines, holds, last_heading, points_elsewhere, quotable, symbols
from qa.relevance import DEFAULT, PASSAGE_FEATURES, SENTENCE_FEATURES, WRONG_TYPE_FACTOR, AnswerModels
from qa.store_api import Store, top_rows

# A passage whose best sentence only points elsewhere (qa.quotable.points_elsewhere), when it has none other to
# quote, is shown this times as probable (as a passage lacking the answer's type, WRONG_TYPE_FACTOR): "What does the
# shopt option nullglob do?" over bash's manual was answered with bashref's "See the description of shopt ..." at
# 0.44, the option's own entry second at 0.18.
POINTER_FACTOR = 0.3
FUSIONS = ("answer", "normalised", "rrf", "dense", "bm25")
# Passages read sentence by sentence for the "answer" ranking: the fused top 10 holds an answer for 0.989 of the
# answerable SQuAD train questions of bench/fit_relevance.py (3,110); reading them took the median query from 8.8 to
# 16.2 ms in bench/squad.py (2 busy cores).
SHORTLIST = 10
# The shortlist is chosen among this many times as many fused candidates, a copy of a text taking no place
# (qa.distinct): bash's two manuals in HTML and PDF hold most texts four times.
COPIES_READ = 3
FUSED_DENSE_WEIGHT = 0.7  # the shortlist's fusion (normalised 0.7 won on SQuAD; README's table)
# The cross-encoder reads the 5 most probable passages, 2 sentences each (the sentence model's best): on the SQuAD
# train sample (600 questions) that gives top-1 0.868 -> 0.915 for 10 sentence pairs a question; all 10 passages
# and all their sentences (~52 pairs) gave 0.915 too, 3 passages 0.910 (bench/RESULTS.md, the cross-encoder).
RERANKED = 5
RERANK_SENTENCES = 2
# Words that ask rather than name: they are no terms a passage should cover ("Who is Tsikhanouskaya?" is about her).
QUESTION_WORDS = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how|many|much|did|does|do)\b", re.IGNORECASE)
# A sentence that opens by pointing back ("They turned ...", "This decision ...") continues the one before it: a
# feature of the sentence model (fitted with it).
POINTERS = r"(it|its|they|their|them|he|his|she|her|this|these|that|those|there|such|the latter)\b"
REFERS_BACK = re.compile(r"^\W*" + POINTERS, re.IGNORECASE)
# The same, maybe after a connective ("However, this assurance ...", "If it does not exist, ..."): such a sentence is
# quoted with the one before it (paired); the connectives gave bench/docsfit one answer-hit more and changed no SQuAD
# answer-sentence (quotes 3 characters longer; bench/RESULTS.md, "The quote joined with the sentence it continues").
CONNECTIVE = (r"(?:(?:if|when|while|since|because|although|unless|once|after|then|however|also|thus|therefore|but|"
              r"and|so|instead|otherwise|in this case|in that case|as a result|for example)\b,?\s+)?")
# ... or with a phrase that says what it does with the sentence before ("To achieve this it starts a new process for
# each connection." after "The server can handle multiple concurrent connections."): bench/docs answer-hit 0.443 ->
# 0.456, SQuAD dev's answer-sentence and the other sets' unchanged (bench/RESULTS.md, 2026-11-29 late).
REFERS_TO_IT = (r"for (?:this|that|these|those) reasons?|in (?:this|that) way|because of (?:this|that)|to do so|"
                r"to (?:achieve|do|accomplish|avoid|prevent|fix|solve|enable|support) (?:this|that|it)")
CONTINUES = re.compile(r"^\W*(?:" + CONNECTIVE + POINTERS + "|(?:" + REFERS_TO_IT + r")\b)", re.IGNORECASE)
# A sentence that ends by introducing what follows it ("... is this:", "... by the following."): quoted with it.
INTRODUCES = re.compile(r"(?::|\b(?:as follows|the following)\.)$", re.IGNORECASE)
# ... or by breaking off before it, at a word no sentence ends with: "With apt, you can set a package to hold using"
# before the block "apt-mark hold package_name" (the Debian FAQ; a PDF or a page that sets the command apart).
# Lower case, after at least two words: "-a", "NOT OF" and "WITH" are option and keyword labels; "on", "in", "up"
# end phrasal verbs ("the column the cursor lands on").
# bench/docsfit's and bench/docs' sentences: 40 of 20,972 and 93 of 39,457 end so, mostly before a command, code or
# the rest of a list ("To merge the changes made in experimental into master, run" / "$ git merge experimental").
BROKEN_OFF = frozenset("using with by to the a an of via and or is are from into like either run enter execute".split())


def broken_off(sentence: str) -> bool:
    """Whether `sentence` (of at least three words) ends with a word of BROKEN_OFF, in lower case. In code, not one
    expression: ".*" tried from every start made a 16 kB sentence without a full stop take 3.4 s."""
    words = sentence.split(None, 2)
    return len(words) == 3 and sentence.rsplit(None, 1)[-1] in BROKEN_OFF


@dataclass(frozen=True)
class Hit:
    row: int                    # passage row in the index
    score: float                # the ranking score of the chosen fusion ("answer": equal to relevance)
    relevance: float            # probability that the passage answers the question (passage and dense models pooled)
    answers: float              # the same by the passage model alone: abstention mostly rests on a shortlist's best
    dense: float                # cosine of query and passage, or its closest sentence if higher
    lexical: float              # BM25 score divided by the query's best BM25 score
    sentence: tuple[int, int]   # the best answering sentence (with what it introduces, continues or is continued by)
    sentence_relevance: float   # probability that the chosen sentence (not its neighbour) holds the answer
    lacking: tuple[str, ...] = ()  # the literal names the question uses (qa/names.py) that the passage lacks


@dataclass(frozen=True)
class Described:
    """Shortlisted passages read sentence by sentence: the models' feature rows (qa.relevance's order)."""
    rows: np.ndarray                   # passage rows
    passages: list[Passage]
    spans: list[tuple[int, int]]       # every sentence, offsets into its passage's text
    owner: np.ndarray                  # for each sentence, the position of its passage in `rows`
    sentence_features: np.ndarray      # one row a sentence (SENTENCE_FEATURES)
    passage_features: np.ndarray       # one row a passage: PASSAGE_FEATURES' "fused" to "type_match", "structured"
    dense: np.ndarray                  # per passage, as Hit.dense
    lexical: np.ndarray                # per passage, as Hit.lexical
    choice_features: np.ndarray | None = None  # the same rows with the adapted question's cosines: which sentence
    quotable: np.ndarray | None = None  # per sentence, whether the quote should prefer it (qa/quotable.py)


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to 0..1; all-equal values map to 1 if positive, else 0."""
    if len(values) == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.full_like(values, 1.0 if high > 0 else 0.0)
    return (values - low) / (high - low)


def fuse_normalised(dense: np.ndarray, lexical: np.ndarray, dense_weight: float) -> np.ndarray:
    """txtai-style convex combination of min-max normalised scores."""
    return dense_weight * minmax(dense) + (1.0 - dense_weight) * minmax(lexical)


def fuse_rrf(dense: np.ndarray, lexical: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion (Cormack et al. 2009); passages without lexical score get no lexical share."""
    dense_rank = np.argsort(np.argsort(-dense))
    lexical_rank = np.argsort(np.argsort(-lexical))
    return 1.0 / (k + 1 + dense_rank) + np.where(lexical > 0, 1.0 / (k + 1 + lexical_rank), 0.0)


def gather(index: Store, query_vector: np.ndarray, query: str, n: int,
           within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate rows from the passage vectors, the sentence vectors and BM25, with their feature rows.

    `within` (rows): candidates only from these passages (the documents a user chose to ask), searched exactly.
    """
    if within is not None:
        within = np.unique(np.asarray(within, dtype=np.int64))
    rows = np.unique(np.concatenate([index.dense_search(query_vector, n, within),
                                     index.sentence_search(query_vector, n, within),
                                     index.keyword_search(query, n, within)]).astype(np.int64))
    found = index.components(query_vector, query, content_words(query), rows)
    passage, sentence = found.passage, found.sentence
    features = np.column_stack([passage, sentence, found.bm25, found.coverage,
                                passage - passage.max(initial=0), sentence - sentence.max(initial=0)])
    return rows, features.astype(np.float64)


def named_first(index: Store, rows: np.ndarray, ranking: np.ndarray, literal: tuple[str, ...]) -> np.ndarray:
    """The fused ranking with the candidates that hold every literal name the question uses (qa.names: "--archive",
    "send_file_max_age") before the others, which would be shown 0.3 times as probable anyway (MISSING_NAME_FACTOR):
    for "What does the --archive option do?" the 10 shortlisted passages were the Debian FAQ's on archives (BM25 reads
    "archive"), rsync's "--archive, -a" 24th of the 92 fused candidates."""
    held = np.array([not missing(literal, p.indexed()) for p in index.passages([int(r) for r in rows])])
    # the fused ranking lies in 0..1 (fuse_normalised): 2 more puts every holder first, in its own order
    return np.where(held, ranking + 2.0, ranking) if held.any() else ranking


def content_words(query: str) -> str:
    """The query without its question words: what coverage is measured on."""
    return QUESTION_WORDS.sub(" ", query)


def describe(index: Store, query_vector: np.ndarray, query: str, question: str, rows: np.ndarray,
             gathered: np.ndarray, fused: np.ndarray, choice_vector: np.ndarray | None = None,
             passages: list[Passage] | None = None) -> Described:
    """Feature rows for the sentences and passages of `rows` (positions in `gathered`'s rows are implied: row i of
    `gathered` and `fused` belongs to rows[i]). `query` is what was searched, `question` the user's last turn;
    `query_vector` gives the sentence cosines. `choice_vector` (AnswerModels.sentence_vector: MiniLM's adapted
    question vector), when given, gives a second set of sentence rows, Described.choice_features, whose cosines are
    its own: the quoted sentence is chosen by them, while the passage model reads the rows it was fitted on.
    `passages`: those of `rows`, when the caller has them already."""
    passages = index.passages([int(r) for r in rows]) if passages is None else passages
    sequence = analyze(content_words(query))
    terms = list(dict.fromkeys(sequence))
    weights = index.idf(terms) if terms else np.zeros(0)
    rarest = terms[int(np.argmax(weights))] if terms else ""
    weights = weights / weights.sum() if len(terms) else weights
    asked, pairs = set(terms), set(zip(sequence, sequence[1:], strict=False))
    expected = expected_type(question)
    spans: list[tuple[int, int]] = []
    owner: list[int] = []
    blocks: list[np.ndarray] = []
    choices: list[np.ndarray] = []
    preferred: list[np.ndarray] = []
    passage_types = []
    for position, (row, passage) in enumerate(zip(rows, passages, strict=True)):
        own = index.sentence_spans(int(row)) or [(0, len(passage.text))]
        similarity = index.sentence_similarity(query_vector, int(row))
        if len(similarity) != len(own):  # an index without sentence vectors for it: the passage's own cosine
            similarity = np.full(len(own), gathered[position, 0], dtype=np.float32)
        texts = [passage.text[s:e] for s, e in own]
        analysed = [analyze(t) for t in texts]
        present = [set(a) for a in analysed]
        coverage = np.array([sum(w for t, w in zip(terms, weights, strict=True) if t in a) for a in present])
        novelty = np.array([len(a - asked) / len(a) if a else 0.0 for a in present])
        bigrams = np.array([len(pairs & set(zip(a, a[1:], strict=False))) / len(pairs) if pairs else 0.0
                            for a in analysed])
        before = np.r_[0.0, coverage[:-1]]
        after = np.r_[coverage[1:], 0.0]
        refers = np.array([bool(REFERS_BACK.match(t)) for t in texts], dtype=np.float64) * before
        types = np.array([type_match(question, t, expected) for t in texts], dtype=np.float64)
        count = len(own)
        neighbour_similarity = neighbour_cosines(similarity)
        passage_types.append(float(type_match(question, passage.text, expected)))
        blocks.append(np.column_stack([
            similarity, similarity - similarity.max(), coverage, coverage - coverage.max(),
            np.maximum(before, after), novelty, types, refers, bigrams,
            np.array([rarest in a for a in present], dtype=np.float64),
            np.log1p([len(a) for a in analysed]),
            np.arange(count) / max(count - 1, 1),
            neighbour_similarity,
        ]))
        if choice_vector is not None:
            choices.append(with_cosines(blocks[-1], index.sentence_similarity(choice_vector, int(row))))
        spans += own
        owner += [position] * len(own)
        preferred.append(quotable(passage, own, question))
    sentences = np.vstack(blocks) if blocks else np.zeros((0, len(SENTENCE_FEATURES)))
    choice = None if choice_vector is None else (np.vstack(choices) if choices else sentences)
    structured = np.array([1.0 if p.section else 0.0 for p in passages])
    base = np.column_stack([fused, gathered[:, 0], gathered[:, 1], gathered[:, 2], gathered[:, 3],
                            np.array(passage_types), structured]) if len(rows) else np.zeros((0, 7))
    return Described(np.asarray(rows), passages, spans, np.array(owner, dtype=np.int64), sentences, base,
                     gathered[:, :2].max(axis=1, initial=-1.0), gathered[:, 2].copy(), choice,
                     np.concatenate(preferred) if preferred else np.zeros(0, dtype=bool))


def with_cosines(block: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """A passage's sentence rows with other question-sentence cosines (its similarity columns recomputed)."""
    if len(similarity) != len(block):  # no sentence vectors for it: keep the rows as they are
        return block
    changed = block.copy()
    changed[:, SENTENCE_FEATURES.index("similarity")] = similarity
    changed[:, SENTENCE_FEATURES.index("similarity_gap")] = similarity - similarity.max()
    changed[:, SENTENCE_FEATURES.index("neighbour_similarity")] = neighbour_cosines(similarity)
    return changed


def neighbour_cosines(similarity: np.ndarray) -> np.ndarray:
    """Each sentence's higher cosine of the sentences just before and after; a lone sentence's own cosine, so that
    the feature says nothing."""
    similarity = similarity.astype(np.float64)
    if len(similarity) == 1:
        return similarity
    return np.maximum(np.r_[-1.0, similarity[:-1]], np.r_[similarity[1:], -1.0])


def passage_matrix(described: Described, sentence_logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The passage model's rows (PASSAGE_FEATURES), and each passage's best sentence (an index into its spans)."""
    n = len(described.rows)
    best = np.full(n, -np.inf)
    chosen = np.zeros(n, dtype=np.int64)
    for i, (position, logit) in enumerate(zip(described.owner, sentence_logits, strict=True)):
        if logit > best[position]:
            best[position], chosen[position] = logit, i
    lead = best - best.max(initial=-np.inf) if n else best
    picked = described.sentence_features[chosen] if n else np.zeros((0, len(SENTENCE_FEATURES)))
    base = described.passage_features
    return np.column_stack([best, lead, base[:, :6], picked[:, 2], picked[:, 0], base[:, 6:]]), chosen


def margin(values: np.ndarray) -> np.ndarray:
    """Each value minus the highest of the others (0 where there are no others)."""
    if len(values) < 2:
        return np.zeros_like(values)
    first, second = np.sort(values)[::-1][:2]
    return values - np.where(values >= first, second, first)


def score(described: Described, models: AnswerModels = DEFAULT, crosslingual: bool = False, typed: bool = True
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(probability that each passage answers, pooled: the ranking; the same by the passage model alone: whether
    the documents answer; each passage's best sentence's index in described.spans; every sentence's probability of
    holding the answer). `crosslingual` (a question in another language than the passages, with models that have a
    cross-lingual model): both probabilities are that model's, from meaning alone. `typed=False` (a question in
    another language than English asked of documents in its own language): no factor for a missing answer type, whose
    expressions (months, number words) qa.answer_type knows in English only."""
    logits = models.sentence.logit(described.sentence_features)
    matrix = passage_matrix(described, logits)[0]  # the rows the passage model was fitted on
    if described.choice_features is not None:  # the quote: chosen with the adapted question's cosines
        logits = models.sentence.logit(described.choice_features)
    chosen = passage_matrix(described, passed_over(described, logits))[1]  # the quoted sentence
    wrong_type = np.where(typed & (matrix[:, PASSAGE_FEATURES.index("type_match")] < 0), WRONG_TYPE_FACTOR, 1.0)
    if crosslingual and models.crosslingual is not None:
        meaning = models.crosslingual(crosslingual_matrix(matrix)) * wrong_type
        return meaning, meaning, chosen, 1.0 / (1.0 + np.exp(-logits))
    answers = models.passage(matrix) * wrong_type
    pooled = answers
    if models.dense is not None and models.dense_share > 0:
        dense = models.dense(dense_matrix(matrix)) * wrong_type
        pooled = (1 - models.dense_share) * answers + models.dense_share * dense
    if models.calibration is not None:  # monotone: the order stays, the number becomes the observed share
        pooled = models.calibration(pooled)
    return pooled, answers, chosen, 1.0 / (1.0 + np.exp(-logits))


# Taken from the logit of a sentence the quote should pass over (Described.quotable): below every other of its passage.
PASSED_OVER = 100.0


def quote_logits(described: Described, models: AnswerModels, passing_over: bool = True) -> np.ndarray:
    """The sentence model's logit of every sentence, as the quote is chosen: with the adapted question's cosines when
    there are any, and (`passing_over`) PASSED_OVER less for a sentence the quote should pass over (a heading line;
    one without a symbol the question names that another sentence of its passage holds: qa/quotable.py)."""
    rows = described.choice_features if described.choice_features is not None else described.sentence_features
    logits = models.sentence.logit(rows)
    return passed_over(described, logits) if passing_over else logits


def passed_over(described: Described, logits: np.ndarray) -> np.ndarray:
    """`logits` with PASSED_OVER taken from the sentences the quote should pass over (Described.quotable)."""
    if described.quotable is None or len(described.quotable) != len(logits):
        return logits
    return np.where(described.quotable, logits, logits - PASSED_OVER)


def best_of(logits: np.ndarray, sentences: np.ndarray) -> int:
    """The sentence of `sentences` (indices) with the highest logit; -1 for none."""
    return int(sentences[np.argmax(logits[sentences])]) if len(sentences) else -1


def read_again(described: Described, relevance: np.ndarray, logits: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """What the cross-encoder reads: the RERANKED most probable passages (positions in `described`) and each
    retriever's favourite (`favourites`), each with the indices of its RERANK_SENTENCES best sentences by `logits`
    (quote_logits)."""
    read = []
    likeliest = [int(p) for p in np.argsort(-relevance, kind="stable")[:RERANKED]]
    for favourite in favourites(described):
        if favourite not in likeliest:
            likeliest.append(favourite)
    for p in likeliest:
        own = np.flatnonzero(described.owner == p)
        read.append((int(p), own[np.argsort(-logits[own], kind="stable")[:RERANK_SENTENCES]]))
    return read


def favourites(described: Described) -> tuple[int, ...]:
    """The shortlist's passage of the highest BM25 score and the one of the highest cosine: the cross-encoder reads
    them whatever the answer models think ("Which neighbouring country is described as peering over Lukashenko's
    shoulder?": its passage, the only one with "peering", was 7th). At most two more passages, and only when they
    are not among the likeliest: the seed's hit@3 0.875 -> 0.896, bench/pydocs' hit@1 0.565 -> 0.576 and hit@3
    0.804 -> 0.815, the SQuAD train sample's top-3 0.962 -> 0.964 (top-1 0.901 and its median 55 ms unchanged);
    the dev set and bench/docsfit unchanged. (All 10 read: twice the time.)"""
    if not len(described.rows):
        return ()
    return tuple(dict.fromkeys((int(np.argmax(described.lexical)), int(np.argmax(described.dense)))))


def continuations(described: Described, own: np.ndarray, quoted: int = -1) -> np.ndarray:
    """The sentences just after those of `own` that continue them (paired) and are not in `own` already, and
    `quoted` (the passage's best sentence to quote, -1 for none) if it is not in `own`."""
    extra = [i + 1 for i in own if i + 1 not in own and paired(described, i, i + 1)]
    return np.array(sorted(set(extra + ([quoted] if quoted >= 0 and quoted not in own else []))), dtype=own.dtype)


def rerank(described: Described, relevance: np.ndarray, chosen: np.ndarray, query: str,
           models: AnswerModels, priority: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The RERANKED most probable passages and the retrievers' favourites read again by the cross-encoder
    (qa/reranker.py; read_again), on their RERANK_SENTENCES best sentences by the sentence model: each one's
    probability becomes models.reranked's (its pooled probability's logit and its best cross-encoder logit), and its
    quoted sentence the one of those with the highest sentence-model
    logit plus models.reranker_weight times the cross-encoder's. The quote may also be a sentence just after one of
    those that points back to it (continuations: read too, for the quote only), and it is quoted together with the
    read sentence it continues or that continues it (paired; `search` joins any other quote that points back with
    the sentence before it, sentences_before): "This had previously cost nearly $10,000 per transfer." says nothing
    alone, and a subject's sentence leaves out the answer that follows it. On the SQuAD train sample (600
    questions) the answer inside [1]'s quote went 0.807 -> 0.818 (7 gained, none lost), its quotes 177 -> 209
    characters on average; SQuAD dev 0.794 -> 0.828 (182 -> 212 characters); bench/RESULTS.md has each step.
    `priority` (default: `relevance`) chooses the passages read. Returns (relevance, chosen, partner: the sentence
    quoted with the chosen one, -1 for none), changed copies."""
    partner = np.full(len(chosen), -1, dtype=np.int64)
    if models.reranker is None or models.reranked is None or len(relevance) == 0:
        return relevance, chosen, partner
    plain = quote_logits(described, models, passing_over=False)
    logits = passed_over(described, plain)
    # what is read to rank, by the logits without the passing over (the ranking stays as it was fitted), and for the
    # quote only, the passage's best sentence to quote when that is not among them (its heading was)
    reading = [(p, own, continuations(described, own, best_of(logits, np.flatnonzero(described.owner == p))))
               for p, own in read_again(described, relevance if priority is None else priority, plain)]
    named = (*names(query), *symbols(query))
    texts = [entry_named(described.passages[p], described.spans[i], named)
             for p, own, extra in reading for i in np.r_[own, extra]]
    cross = models.reranker(query, texts)
    relevance, chosen = relevance.copy(), chosen.copy()
    start = 0
    for p, own, extra in reading:
        read = cross[start:start + len(own)]
        more = cross[start + len(own):start + len(own) + len(extra)]
        start += len(own) + len(extra)
        if not len(own):
            continue
        pooled = float(np.clip(relevance[p], 1e-4, 1 - 1e-4))
        relevance[p] = float(models.reranked(np.array([[np.log(pooled / (1 - pooled)), float(read.max())]]))[0])
        every = np.r_[own, extra]
        combined = logits[every] + models.reranker_weight * np.r_[read, more]
        best = int(np.argmax(combined))
        chosen[p] = every[best]
        mates = [j for j in range(len(every)) if j != best and paired(described, int(every[best]), int(every[j]))]
        if mates:
            partner[p] = every[max(mates, key=lambda j: combined[j])]
    return relevance, chosen, partner


def entry_named(passage: Passage, span: tuple[int, int], named: tuple[str, ...]) -> str:
    """The sentence at `span`; after its entry's name ("--archive, -a: This is equivalent to -rlptgoD.") when its
    section's last heading holds a name the question uses literally and the sentence does not: an option's entry
    answers what the option does without naming it. bench/newdocs' "What does the --disable-setuid configure option
    of man-db do?" then finds its entry ("--disable-setuid: ... Use this option to install man as a non-setuid
    program instead.") 3rd, not among the first 3 before; no other bench set's figures change."""
    sentence = passage.text[slice(*span)]
    if not named:
        return sentence
    heading = last_heading(passage, span[0])
    if any(holds(heading, n) or not missing((n,), heading) for n in named) and not any(
            holds(sentence, n) or not missing((n,), sentence) for n in named):
        return f"{heading}: {sentence}"
    return sentence


def pointers(described: Described, chosen: np.ndarray) -> np.ndarray:
    """Whether each passage's chosen sentence (an index into described.spans) only points elsewhere
    (qa.quotable.points_elsewhere)."""
    return np.array([points_elsewhere(described.passages[int(described.owner[c])].text[slice(*described.spans[c])])
                     for c in chosen], dtype=bool)


def sentences_before(described: Described, chosen: np.ndarray) -> np.ndarray:
    """For each passage's chosen sentence that points back, the sentence before it (paired); -1 for the others."""
    return np.array([c - 1 if paired(described, int(c) - 1, int(c)) else -1 for c in chosen], dtype=np.int64)


def paired(described: Described, first: int, second: int) -> bool:
    """Whether two sentences (indices into described.spans) are neighbours in one passage and the later one opens by
    pointing back to the earlier (CONTINUES): "Tesla was born in Smiljan. He ...", "... However, this ..."."""
    low, high = sorted((first, second))
    if low < 0 or high >= len(described.spans) or high - low != 1 or described.owner[low] != described.owner[high]:
        return False
    text = described.passages[int(described.owner[high])].text
    start, end = described.spans[high]
    # a table row ("Compatibility: | certid available in 2.4.42 and later.") is not what a sentence after it points
    # back to: Apache's "This directive ..." after the directive's table was quoted with the row before it
    return bool(CONTINUES.match(text[start:end])) and " | " not in text[slice(*described.spans[low])]


def dense_matrix(matrix: np.ndarray) -> np.ndarray:
    """The dense model's rows (qa.relevance.DENSE_FEATURES) from the passage model's."""
    sentence = matrix[:, PASSAGE_FEATURES.index("sentence_similarity")]
    return np.column_stack([matrix[:, PASSAGE_FEATURES.index("passage_similarity")], sentence,
                            sentence - sentence.max(initial=-np.inf)])


def crosslingual_matrix(matrix: np.ndarray) -> np.ndarray:
    """The cross-lingual model's rows (qa.relevance.CROSSLINGUAL_FEATURES) from the passage model's, whose rows come
    in the shortlist's order: the medians are of its first SHORTLIST, as fitted, however many are shown."""
    passage = matrix[:, PASSAGE_FEATURES.index("passage_similarity")]
    sentence = matrix[:, PASSAGE_FEATURES.index("sentence_similarity")]
    if not len(matrix):
        return np.zeros((0, 4))
    return np.column_stack([passage, sentence, passage - np.median(passage[:SHORTLIST]),
                            sentence - np.median(sentence[:SHORTLIST])])


def search(index: Store, query_vector: np.ndarray, query: str, top_k: int, candidates: int = 50,
           dense_weight: float = FUSED_DENSE_WEIGHT, fusion: str = "answer", dense_mode: str = "max",
           models: AnswerModels = DEFAULT, question: str | None = None,
           within: np.ndarray | None = None) -> list[Hit]:
    """The `top_k` passages that best answer the query, best first, each with its answering sentence; `within`
    (passage rows) restricts them to those rows (the documents a user chose to ask).

    fusion "answer" (the product, Settings.fusion): the fused shortlist ranked by the probability that a passage
    answers (see the module's docstring); every Hit.score is that probability. "normalised" (dense_weight dense +
    the rest BM25, min-max normalised), "rrf", "dense" and "bm25" rank by their own score, kept for comparison
    (bench/squad.py); their hits still carry the models' relevance and sentence. dense_mode picks the dense score:
    "passage", "sentence" or "max". `question` (the user's last turn; default: `query`) sets the answer type.
    """
    if len(index) == 0 or (within is not None and len(within) == 0):
        return []
    question = query if question is None else question
    rows, features = gather(index, query_vector, query, candidates, within)
    dense = {"passage": features[:, 0], "sentence": features[:, 1]}.get(dense_mode, features[:, :2].max(axis=1))
    lexical = features[:, 2]
    product = fuse_normalised(features[:, :2].max(axis=1), lexical, FUSED_DENSE_WEIGHT)
    if fusion == "answer":
        ranking = product
    elif fusion == "normalised":
        ranking = fuse_normalised(dense, lexical, dense_weight)
    elif fusion == "rrf":
        ranking = fuse_rrf(dense, lexical)
    elif fusion == "dense":
        ranking = dense
    elif fusion == "bm25":
        ranking = lexical + 1e-6 * dense  # ties (no term matched) broken by meaning
    else:
        raise ValueError(f"unknown fusion {fusion!r}: use one of {', '.join(FUSIONS)}")
    count = max(top_k, SHORTLIST) if fusion == "answer" else top_k
    if fusion == "answer" and (literal := names(question)):
        ranking = named_first(index, rows, ranking, literal)
    keep = top_rows(ranking, COPIES_READ * count if fusion == "answer" else count)
    shortlisted = None
    if fusion == "answer" and len(keep) > count:  # copies of one text take one place (qa.distinct)
        found = index.passages([int(rows[i]) for i in keep])
        taken = distinct_passages([(p.text, p.doc_id) for p in found], count)
        keep, shortlisted = keep[taken], [found[i] for i in taken]
    choice = models.sentence_vector(query_vector) if models.adapter is not None else None
    described = describe(index, query_vector, query, question, rows[keep], features[keep], product[keep], choice,
                         shortlisted)
    crosslingual = models.crosslingual is not None and foreign(question, [p.text for p in described.passages])
    in_english = english(question)
    relevance, answers, chosen, sentence_probability = score(described, models, crosslingual,
                                                             typed=in_english or crosslingual)
    indexed = [p.indexed() for p in described.passages]
    asked = (*names(question), *numbered(labelled(question), indexed))
    lacking = [missing(asked, text) for text in indexed]
    factor = np.where([bool(lacks) for lacks in lacking], MISSING_NAME_FACTOR, 1.0)
    if models.reranker is not None and fusion == "answer" and in_english and not crosslingual:  # it reads English
        # what it reads is chosen as the passages will be ranked: with the literal names' factor (a passage lacking
        # one is no answer whatever it reads, and took a place a passage holding it could have had)
        relevance, chosen, partner = rerank(described, relevance, chosen, query, models, relevance * factor)
    else:
        partner = np.full(len(chosen), -1, dtype=np.int64)
    pointing = pointers(described, chosen)
    if pointing.any():  # "See the description of shopt ..." names where the answer is, it is none
        relevance = np.where(pointing, relevance * POINTER_FACTOR, relevance)
    partner = np.where(partner >= 0, partner, sentences_before(described, chosen))  # unread or unpaired: the one before
    if described.quotable is not None and len(described.quotable):  # never quoted along: a heading line
        partner = np.where((partner >= 0) & described.quotable[np.maximum(partner, 0)], partner, -1)
    if asked:  # a passage lacking a name the question uses literally does not document it (qa/names.py)
        relevance, answers = relevance * factor, answers * factor
    spans = [quoted_span(described, int(sentence), int(mate)) for sentence, mate in zip(chosen, partner, strict=True)]
    if fusion == "answer":  # one result for one answer: a quote alike one ranked above it is left out
        order = distinct(np.argsort(-relevance, kind="stable").tolist(),
                         [quoted(p.text, span, p.section_at(span[0]), p.doc_id) for p, span in
                          zip(described.passages, spans, strict=True)], top_k)
    else:
        order = list(range(min(top_k, len(keep))))
    shown = relevance if fusion == "answer" else ranking[keep]
    return [Hit(int(described.rows[i]), float(shown[i]), float(relevance[i]), float(answers[i]), float(dense[keep[i]]),
                float(lexical[keep[i]]), spans[i], float(sentence_probability[chosen[i]]), lacking[i])
            for i in order]


def quoted_span(described: Described, sentence: int, partner: int = -1) -> tuple[int, int]:
    """The span quoted for a chosen sentence (an index into described.spans) and its `partner` (rerank,
    sentences_before: a neighbour it continues or that continues it, -1 for none): the sentence (from its partner's
    start or to its partner's end), and the one after it in its passage when it introduces it (INTRODUCES). "A good
    way to make an archival copy of a database is this:" says nothing without "$ sqlite3 ex1 .dump | gzip -c
    >ex1.dump.gz"; in the documentation sets 7 of 263 first quotes ended with a colon (bench/docsfit, bench/docs),
    each followed by the command, code or list it introduced. Debian's reference says "by the following." instead
    (189 sentences of bench/docsfit, 5 of bench/docs end "the following." or "as follows."), and a sentence may
    break off before its command (BROKEN_OFF: "... to hold using" / "apt-mark hold package_name"). The reverse: an item
    of a list is quoted from the line that introduces the list (introduced_from)."""
    if partner >= 0:
        start = described.spans[min(sentence, partner)][0]
        sentence = max(sentence, partner)
        end = described.spans[sentence][1]
    else:
        start, end = described.spans[sentence]
    after = sentence + 1
    text = described.passages[int(described.owner[sentence])].text
    quoted = text[start:end].rstrip()
    if ((INTRODUCES.search(quoted) or broken_off(quoted)) and after < len(described.spans)
            and described.owner[after] == described.owner[sentence]):
        end = described.spans[after][1]
    elif partner < 0:
        start = introduced_from(text, start, end, heading_lines(described.passages[int(described.owner[sentence])]))
    return start, end


def introduced_from(text: str, start: int, end: int, headings: set[str] | frozenset[str] = frozenset()) -> int:
    """Where to start the quote of text[start:end]: at the line that introduces it ("Purge (...):") when it is an
    item of a list, a run of at most LIST_ITEMS short lines without a full stop, each a block of its own, just
    after that line; else at `start`. Never over a line of `headings` (an option's name, a heading)."""
    if not _is_item(text, start, end):
        return start
    position = start
    for _ in range(LIST_ITEMS):
        if not text.startswith("\n\n", position - 2):
            return start
        line_start = text.rfind("\n\n", 0, position - 2)
        line_start = 0 if line_start < 0 else line_start + 2
        line = text[line_start:position - 2]
        if "\n" in line or len(line) > LIST_LINE or line.strip() in headings:
            return start
        if line.rstrip().endswith(":"):
            return line_start
        if not _is_item(text, line_start, position - 2):
            return start
        position = line_start
    return start


def _is_item(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a block of its own: one short line that does not end a sentence."""
    line = text[start:end]
    whole = (start == 0 or text.startswith("\n\n", start - 2)) and (end == len(text) or text.startswith("\n\n", end))
    return whole and "\n" not in line and len(line) <= LIST_LINE and not line.rstrip().endswith((".", "!", "?", ":"))


# A list item is quoted from the line that introduces its list when that line is at most this many items back
# (Debian's reference lists 4-6 steps under "Purge (...):"), each item at most LIST_LINE characters: "Remove installed
# files including configuration files" alone does not say it is what purging does. On bench/docsfit 2 quotes of 477
# changed (that one, and "const path = require('node:path');" now quoted with "It can be accessed using:"); no figure.
LIST_ITEMS = 6
LIST_LINE = 120
