"""Lexical search: BM25 (bm25s) over stemmed words, with query words the corpus lacks mapped to close spellings."""
from __future__ import annotations

import functools
import json
import re
import threading
import unicodedata
from collections.abc import Container, Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from rapidfuzz import fuzz, process

# PyStemmer's documentation: a Stemmer object must not be used by several threads at once; the server asks
# from many threads, so each thread gets its own (cheap: ~10 us to make).
_STEMMERS = threading.local()
_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN) | {"s"}
_WORD = re.compile(r"[^\W_]+")


def stemmer() -> Stemmer.Stemmer:
    """This thread's English stemmer."""
    found = getattr(_STEMMERS, "english", None)
    if found is None:
        found = _STEMMERS.english = Stemmer.Stemmer("english")
    return found


def words(text: str) -> list[str]:
    """Lower-cased words with accents folded ("Visegrád" -> "visegrad") and possessive 's dropped."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"['’]s\b", "", folded)
    return _WORD.findall(folded)


def analyze(text: str) -> list[str]:
    """The terms BM25 indexes: words minus stopwords, stemmed; a place and its people share a term
    ("Russia"/"Russian", "Belarus"/"Belarusian", "Ukraine"/"Ukrainian" -> russ, belarus, ukrain)."""
    return [_demonym(t) for t in stemmer().stemWords([w for w in words(text) if w not in _STOPWORDS])]


def _demonym(term: str) -> str:
    for ending in ("ian", "ia"):
        if term.endswith(ending) and len(term) - len(ending) >= 4:
            return term[: -len(ending)]
    return term


class LexicalIndex:
    """BM25 over a list of texts; row i of the scores is text i."""

    def __init__(self, retriever: bm25s.BM25, vocabulary: list[str]) -> None:
        self.retriever = retriever
        self.vocabulary = vocabulary  # surface words of the corpus, for spelling correction
        self._known = set(vocabulary)

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        retriever = bm25s.BM25()
        # an empty corpus gets one empty placeholder text (bm25s needs one); the index then has no rows to search
        retriever.index([analyze(t) or [""] for t in texts] or [[""]], show_progress=False)
        vocabulary = sorted(vocabulary_of(texts))
        return cls(retriever, vocabulary)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)
        (folder / "vocabulary.json").write_text(json.dumps(self.vocabulary), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        retriever = bm25s.BM25.load(str(folder), load_corpus=False)
        return cls(retriever, json.loads((folder / "vocabulary.json").read_text(encoding="utf-8")))

    def correct(self, query: str, dictionary: frozenset[str] = frozenset()) -> str:
        """The query with each word the corpus lacks replaced by the corpus's closest spelling (see correct)."""
        return correct(query, self.vocabulary, self._known, self.retriever.vocab_dict, dictionary)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for the query (zeros where no term matches)."""
        terms = [t for t in analyze(query) if t in self.retriever.vocab_dict]
        num_docs = int(self.retriever.scores["num_docs"])
        if not terms:
            return np.zeros(num_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(terms), dtype=np.float32)

    def idf(self, terms: list[str]) -> np.ndarray:
        """BM25's inverse document frequency of each term; a term the corpus lacks gets the highest value."""
        n = int(self.retriever.scores["num_docs"])
        indptr, vocab = self.retriever.scores["indptr"], self.retriever.vocab_dict
        df = np.array([indptr[vocab[t] + 1] - indptr[vocab[t]] if t in vocab else 0 for t in terms], dtype=np.float64)
        return np.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def coverage_all(self, query: str) -> np.ndarray:
        """`coverage` of every text at once, read from the index's postings."""
        terms = list(dict.fromkeys(analyze(query)))
        num_docs = int(self.retriever.scores["num_docs"])
        covered = np.zeros(num_docs, dtype=np.float32)
        if not terms:
            return covered
        weights = self.idf(terms)
        vocab = self.retriever.vocab_dict
        indptr, indices = self.retriever.scores["indptr"], self.retriever.scores["indices"]
        for term, weight in zip(terms, weights, strict=True):
            if term in vocab:
                covered[indices[indptr[vocab[term]]:indptr[vocab[term] + 1]]] += weight
        return covered / float(weights.sum())

    def coverage(self, query: str, texts: list[str]) -> np.ndarray:
        """For each text, the share of the query's terms, weighted by idf, that occur in it (0..1)."""
        terms = list(dict.fromkeys(analyze(query)))
        if not terms:
            return np.zeros(len(texts))
        weights = self.idf(terms)
        weights = weights / weights.sum()
        present = [set(analyze(text)) for text in texts]
        return np.array([sum(w for t, w in zip(terms, weights, strict=True) if t in words) for words in present])



def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """The surface words of texts that spelling correction may propose (three letters or more, not numbers)."""
    return {w for t in texts for w in words(t) if len(w) >= 3 and not w.isdigit()}


def correct(query: str, vocabulary: Sequence[str], known: Container[str], stems: Container[str],
            dictionary: frozenset[str] = frozenset()) -> str:
    """The query with each word the corpus lacks replaced by the corpus's closest spelling, if one is close.

    `vocabulary` and `known`: the corpus's surface words (a sequence to search, a set to look up); `stems`: its
    analysed terms. Words of `dictionary` (ordinary words such as "being" or "throwing") and their other forms are
    never changed, and a replacement keeps the first letter: typos and transliterations rarely change it.
    """
    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        key = (words(word) or [""])[0]
        stem = stemmer().stemWord(key)
        if len(key) < 5 or key in known or key in dictionary or key in _STOPWORDS or key.isdigit() \
                or stem in stems or stem in _stems_of(dictionary) or _identifier(query, match):
            return word
        candidates = [v for v in vocabulary if v[0] == key[0]]
        best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=_cutoff(key))
        if not best:
            return word
        possessive = re.search(r"['’]s$", word)
        fixed = best[0][0].upper() + best[0][1:] if word[0].isupper() else best[0]
        return fixed + (possessive.group(0) if possessive else "")

    return re.sub(r"[^\W_]+(?:['’][^\W_]+)?", fix, query)

@functools.lru_cache(maxsize=4)
def _stems_of(dictionary: frozenset[str]) -> frozenset[str]:
    """The stems of a dictionary's words: a word that shares one is another form of an ordinary word, not a typo
    ("saturating" beside "saturated": it had become the corpus's "stating")."""
    return frozenset(stemmer().stemWord(word) for word in dictionary)


def _identifier(query: str, match: re.Match[str]) -> bool:
    """A word written as code is exact, not a typo: camel or Pascal case ("DataFrame" became "Datagram"), a call
    ("ensuredir()" became "ensured()"), part of a dotted or snake_case name ("str.removeall", "strict_keys")."""
    word, before, after = match.group(0), query[max(match.start() - 1, 0):match.start()], query[match.end():][:2]
    return (bool(re.search(r"[a-z][A-Z]", word)) or after[:1] in ("(", "_") or before in (".", "_")
            or bool(re.match(r"\.\w", after)))


def _cutoff(word: str) -> float:
    """How alike (rapidfuzz ratio, 0-100) a spelling must be: stricter for short words."""
    return 80.0 if len(word) >= 8 else 85.0
