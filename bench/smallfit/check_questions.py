"""Check bench/smallfit/questions.jsonl against its corpus: every evidence phrase is in its own document.

    python bench/smallfit/build_corpus.py            # once: the corpus from Debian packages
    python bench/smallfit/check_questions.py [--corpus DIR] [--questions FILE]

Each question's "corpus" must name a sub-folder of the corpus. An answerable question has 1-4 evidence phrases
(3-12 words), each found, matched as qa.evaluate matches (case, quotes, hyphens and white space normalised), in
the text of that sub-folder's document, read simply: HTML by BeautifulSoup's get_text, both with and without a
space between elements (so that no phrase straddles two elements), a PDF page by page with pypdf (so that none
straddles two pages), anything else as it is. An unanswerable question has no evidence. Prints every problem and
exits with status 1 if there is any.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from qa.evaluate import normalise  # noqa: E402

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
DEFAULT_CORPUS = Path.home() / ".cache" / "qa-bench" / "smallfit" / "corpus"
KINDS = ("lookup", "howto", "paraphrase", "followup", "short", "unanswerable")


def texts(path: Path) -> list[str]:
    """The readings of one file an evidence phrase must be found in (each normalised); for a PDF, one per page."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return [normalise(page.extract_text() or "") for page in PdfReader(path).pages]
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(raw, "html.parser")
        return [normalise(soup.get_text()) + "\0" + normalise(soup.get_text(" "))]
    return [normalise(raw)]


def found(phrase: str, readings: list[str]) -> bool:
    """In one reading (an HTML file's two readings, joined by NUL, must both have it)."""
    wanted = normalise(phrase)
    return any(all(wanted in part for part in reading.split("\0")) for reading in readings)


def problems(questions: Path, corpus: Path) -> list[str]:
    out: list[str] = []
    documents: dict[str, list[str]] = {}
    seen: set[str] = set()
    for number, line in enumerate(questions.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{questions.name}:{number} {row.get('id')}"
        if row.get("id") in seen:
            out.append(f"{where}: duplicate id")
        seen.add(row.get("id"))
        folder = corpus / str(row.get("corpus", ""))
        if not row.get("corpus") or not folder.is_dir():
            out.append(f"{where}: corpus {row.get('corpus')!r} is not a sub-folder of {corpus}")
            continue
        if row.get("kind") not in KINDS or not row.get("turns"):
            out.append(f"{where}: kind {row.get('kind')!r} or turns missing")
        evidence = row.get("evidence", [])
        if row.get("kind") == "unanswerable":
            if evidence:
                out.append(f"{where}: an unanswerable question has evidence")
            continue
        if not 1 <= len(evidence) <= 4:
            out.append(f"{where}: {len(evidence)} evidence phrases (1-4 wanted)")
        if row["corpus"] not in documents:
            documents[row["corpus"]] = [t for p in sorted(folder.iterdir()) if p.is_file() for t in texts(p)]
        for phrase in evidence:
            if not 3 <= len(phrase.split()) <= 12:
                out.append(f"{where}: {len(phrase.split())} words in {phrase!r} (3-12 wanted)")
            if not found(phrase, documents[row["corpus"]]):
                out.append(f"{where}: not in {row['corpus']}/: {phrase!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the folder build_corpus.py made")
    args = parser.parse_args(argv)
    found_problems = problems(args.questions, args.corpus.expanduser())
    print("\n".join(found_problems) if found_problems else f"ok: {args.questions}")
    return 1 if found_problems else 0


if __name__ == "__main__":
    sys.exit(main())
