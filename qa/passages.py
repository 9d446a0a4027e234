"""Split a document into passages (paragraphs that fit the model) and passages into sentences, keeping offsets."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from qa.documents import Document

# Words that end with a period without ending a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt col lt gen maj capt sgt cpl adm gov sen rep pres ret rev hon "
    "inc ltd co corp dept univ est approx vs etc al fig no nos vol pp jan feb mar apr jun jul aug "
    "sep sept oct nov dec u.s u.k e.g i.e a.m p.m".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Passage:
    doc_id: str
    paragraph: int  # 1-based number of the body paragraph it comes from
    start: int      # character offsets into the document's text: text == document.text[start:end]
    end: int
    text: str
    page: int | None = None  # 1-based page, for paged documents (PDF)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, ends at . ! ? that are not abbreviations or initials."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        word = re.search(r"([\w.]+)\.*$", text[start:match.start() + 1])
        token = word.group(1).lower().rstrip(".") if word else ""
        if text[match.start()] == "." and (token in ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def split_passages(doc: Document, count_tokens: Callable[[str], int], max_tokens: int) -> list[Passage]:
    """Each body paragraph is a passage; one longer than `max_tokens` is cut at sentence ends (at words if need be)."""
    passages = []
    for number, (p_start, p_end) in enumerate(doc.content_spans(), start=1):
        for start, end in _fit(doc.text, p_start, p_end, count_tokens, max_tokens):
            passages.append(Passage(doc.id, number, start, end, doc.text[start:end], doc.page_at(start)))
    return passages


def _fit(text: str, start: int, end: int, count: Callable[[str], int], limit: int) -> list[tuple[int, int]]:
    if count(text[start:end]) <= limit:
        return [(start, end)]
    pieces = [(start + s, start + e) for s, e in split_sentences(text[start:end])]
    if len(pieces) == 1:  # one very long sentence: cut between words
        pieces = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
    chunks: list[tuple[int, int]] = []
    chunk_start, chunk_end, used = pieces[0][0], pieces[0][0], 0
    for s, e in pieces:
        n = count(text[s:e])
        if used and used + n > limit:
            chunks.append((chunk_start, chunk_end))
            chunk_start, used = s, 0
        if n > limit:  # a sentence longer than the limit on its own
            chunks.extend(_fit(text, s, e, count, limit) if (s, e) != (start, end) else [(s, e)])
            chunk_start, chunk_end, used = e, e, 0
            continue
        chunk_end, used = e, used + n
    if used:
        chunks.append((chunk_start, chunk_end))
    return [(s, e) for s, e in chunks if e > s]
