"""Check bench/docs/questions.jsonl against the corpus text: every evidence phrase is really there, in a form any
reasonable reader keeps, and no unanswerable question's key fact is.

    python bench/docs/check_questions.py [--corpus DIR] [--questions FILE]
    python bench/docs/check_questions.py --grep "phrase"      # where a phrase occurs (for writing questions)

An evidence phrase (matched as qa.evaluate matches it: case, quotes and whitespace normalised) must occur in one
document in every extraction of it:
- HTML: BeautifulSoup get_text(" ") (inline elements spaced, as the plain recipe and today's reader read), get_text("")
  (inline elements joined, as a structure-aware reader reads), and a version with a mark at every block boundary
  (p, li, dt, dd, td, th, pre, headings, div, tr), so that no phrase spans two blocks;
- Markdown: rendered to HTML as qa.readers renders it, then read as HTML above;
- PDF, page by page: pypdf's extract_text and pdfminer.six's (ligatures and all), so a phrase never crosses a page,
  a hyphenated line end, or a ligature one extractor keeps and another spells out.
It must have 4-10 words. An unanswerable question (no evidence) lists in "absent" the phrases whose absence shows
the corpus can't answer it; none may occur in any extraction. Exit status 1 if anything fails.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import logging
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from qa.evaluate import HYPHENS, normalise  # noqa: E402

log = logging.getLogger("bench.docs.check_questions")

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "docs"
BLOCKS = ("p", "li", "dt", "dd", "td", "th", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "div", "tr", "table",
          "blockquote", "title")
MARK = " \ue000 "  # a block boundary (a private-use character, not whitespace): no phrase contains it
KINDS = ("lookup", "howto", "paraphrase", "followup", "code", "table", "pdf", "unanswerable")
MIN_QUESTIONS, MIN_UNANSWERABLE = 80, 20
MIN_WORDS, MAX_WORDS = 4, 10
EXTRACTION = b"3"  # bump when the extractions change: the cached text is keyed by it


def html_variants(markup: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    spaced, joined = soup.get_text(" "), soup.get_text("")
    for tag in soup.find_all(BLOCKS):
        tag.insert_before(MARK)
        tag.insert_after(MARK)
    return [normalise(spaced), normalise(joined), normalise(soup.get_text(" "))]


def markdown_variants(text: str) -> list[str]:
    """Markdown rendered to HTML as qa.readers renders it (CommonMark and tables, raw HTML kept as text)."""
    from markdown_it import MarkdownIt

    return html_variants(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


def pdf_variants(path: Path) -> list[list[str]]:
    """[pypdf pages, pdfminer pages]."""
    from pdfminer.high_level import extract_text
    from pypdf import PdfReader

    pypdf_pages = [normalise(page.extract_text() or "") for page in PdfReader(path).pages]
    pdfminer_pages = [normalise(page) for page in extract_text(str(path)).split("\f")]
    return [pypdf_pages, pdfminer_pages]


def extract(corpus: Path, cache: Path) -> dict[str, list[list[str]]]:
    """document -> extractions, each a list of texts (an HTML page is one text, a PDF one text a page); cached."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".html", ".md", ".pdf") and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"no corpus in {corpus}: run `python bench/docs/build_corpus.py --out {corpus}` first")
    digest = hashlib.sha256(EXTRACTION + inspect.getsource(normalise).encode() + HYPHENS.encode())  # stored normalised
    for path in files:
        digest.update(path.relative_to(corpus).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
    stored = cache / f"extracted-{digest.hexdigest()[:16]}.json"
    if stored.exists():
        return json.loads(stored.read_text(encoding="utf-8"))
    texts: dict[str, list[list[str]]] = {}
    for path in files:
        name = path.relative_to(corpus).as_posix()
        if path.suffix == ".pdf":
            texts[name] = pdf_variants(path)
        elif path.suffix == ".md":
            texts[name] = [[v] for v in markdown_variants(path.read_text(encoding="utf-8", errors="replace"))]
        else:
            texts[name] = [[v] for v in html_variants(path.read_text(encoding="utf-8", errors="replace"))]
    cache.mkdir(parents=True, exist_ok=True)
    temporary = stored.with_suffix(".tmp")
    temporary.write_text(json.dumps(texts), encoding="utf-8")
    temporary.replace(stored)
    return texts


def documents_with(phrase: str, texts: dict[str, list[list[str]]]) -> list[str]:
    """The documents in which every extraction has the phrase (in one of its pages)."""
    wanted = normalise(phrase)
    return [name for name, variants in texts.items()
            if all(any(wanted in page for page in variant) for variant in variants)]


def documents_with_any(phrase: str, texts: dict[str, list[list[str]]]) -> list[str]:
    """The documents in which some extraction has the phrase."""
    wanted = normalise(phrase)
    return [name for name, variants in texts.items() if any(wanted in page for v in variants for page in v)]


def record_problems(row: dict, kinds: tuple[str, ...] = KINDS, most_evidence: int = 4) -> list[str]:
    """What is wrong with one record's shape, whatever the corpus: a kind not in `kinds`, an empty turn, a follow-up
    without an earlier turn, evidence for an unanswerable question or none for another, more than `most_evidence`
    phrases. Every set's checker starts here (bench/newdocs', bench/small's)."""
    rid, evidence, kind = row.get("id"), row.get("evidence", []), row.get("kind")
    problems: list[str] = []
    if kind not in kinds:
        problems.append(f"{rid}: kind {kind!r} is not one of {', '.join(kinds)}")
    if not row.get("turns") or not all(isinstance(t, str) and t.strip() for t in row["turns"]):
        problems.append(f"{rid}: turns must be non-empty questions")
    if kind == "followup" and len(row.get("turns", [])) < 2:
        problems.append(f"{rid}: a follow-up needs an earlier turn")
    if (kind == "unanswerable") != (not evidence) or len(evidence) > most_evidence:
        problems.append(f"{rid}: {len(evidence)} evidence phrases for a {kind!r} question (unanswerable questions, "
                        f"and only they, have none; at most {most_evidence})")
    return problems


def check(rows: list[dict], texts: dict[str, list[list[str]]]) -> list[str]:
    problems: list[str] = []
    ids = Counter(str(row.get("id")) for row in rows)
    problems += [f"id {i} is used {n} times" for i, n in ids.items() if n > 1]
    for row in rows:
        rid, evidence = row.get("id"), row.get("evidence", [])
        problems += record_problems(row)
        for phrase in evidence:
            words = len(phrase.split())
            if not MIN_WORDS <= words <= MAX_WORDS:
                problems.append(f"{rid}: evidence {phrase!r} has {words} words (want {MIN_WORDS}-{MAX_WORDS})")
            if not documents_with(phrase, texts):
                partly = documents_with_any(phrase, texts)
                problems.append(f"{rid}: evidence {phrase!r} is in no document's every extraction"
                                + (f" (only in some extractions of {', '.join(partly[:3])})" if partly else ""))
        if not evidence:
            if not row.get("absent"):
                problems.append(f"{rid}: an unanswerable question lists the phrases that must be absent in 'absent'")
            for phrase in row.get("absent", []):
                found = documents_with_any(phrase, texts)
                if found:
                    problems.append(f"{rid}: absent phrase {phrase!r} occurs in {', '.join(found[:3])}")
    unanswerable = sum(1 for row in rows if not row.get("evidence"))
    if len(rows) < MIN_QUESTIONS:
        problems.append(f"{len(rows)} questions: want at least {MIN_QUESTIONS}")
    if unanswerable < MIN_UNANSWERABLE:
        problems.append(f"{unanswerable} unanswerable questions: want at least {MIN_UNANSWERABLE}")
    missing = set(KINDS) - {row.get("kind") for row in rows}
    if missing:
        problems.append(f"no question of kind {', '.join(sorted(missing))}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE / "corpus")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the extracted text is cached")
    parser.add_argument("--grep", nargs="+", help="print the documents that contain each phrase, and stop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    texts = extract(args.corpus.expanduser(), args.cache.expanduser())
    if args.grep:
        for phrase in args.grep:
            every, some = documents_with(phrase, texts), documents_with_any(phrase, texts)
            print(f"{phrase!r}: every extraction of {len(every)} {every[:8]}; "
                  f"some extraction of {len(some)} {[d for d in some if d not in every][:8]}")
        return 0
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = check(rows, texts)
    kinds = Counter(row["kind"] for row in rows)
    print(f"{len(rows)} questions ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), "
          f"{sum(len(r.get('evidence', [])) for r in rows)} evidence phrases, {len(texts)} documents")
    for problem in problems:
        print("FAIL", problem)
    print("all checks passed" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
