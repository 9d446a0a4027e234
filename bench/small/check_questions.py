"""Check bench/small/questions.jsonl against its corpus: every record well formed, every evidence phrase really in
its own document, inside one piece of text.

    python bench/small/build_corpus.py [--set smallfit]   # once: the corpus from Debian packages
    python bench/small/check_questions.py [--set small|smallfit] [--corpus DIR] [--questions FILE]

A record names its document (`corpus`: a sub-folder of the corpus); an answerable one has 1-4 evidence phrases of
3-12 words, a follow-up two turns or more, an unanswerable one no evidence. A phrase is matched as qa.evaluate
matches it (case, quotes, hyphens and whitespace normalised) inside ONE piece of its document's text, so that no
phrase spans a boundary a reader may keep: an HTML text node (BeautifulSoup), a Markdown file's text node once
rendered by markdown-it (as qa's reader renders it), a line of a PDF page (pypdf), a paragraph of a plain-text
file (blank lines apart). Prints each problem; exit status 1 if there is any.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs.check_questions import record_problems  # noqa: E402
from qa.evaluate import normalise  # noqa: E402

HERE = Path(__file__).resolve().parent
SETS = ("small", "smallfit")  # each: bench/<set>/questions.jsonl over ~/.cache/qa-bench/<set>/corpus
KINDS = ("lookup", "howto", "paraphrase", "followup", "short", "unanswerable")
MIN_WORDS, MAX_WORDS = 3, 12


def html_pieces(markup: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    return [str(s) for s in soup.find_all(string=True)]


def pieces(path: Path) -> list[str]:
    """The pieces of text of one file, normalised."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        found = [line for page in PdfReader(path).pages for line in (page.extract_text() or "").splitlines()]
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            found = html_pieces(text)
        elif path.suffix == ".md":
            from markdown_it import MarkdownIt

            found = html_pieces(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))
        else:
            found = re.split(r"\n\s*\n", text)
    return [normalise(p) for p in found if p.strip()]


def documents(corpus: Path) -> dict[str, list[str]]:
    """sub-folder name -> the pieces of text of all its files."""
    return {folder.name: [p for f in sorted(folder.iterdir()) if f.is_file() for p in pieces(f)]
            for folder in sorted(corpus.iterdir()) if folder.is_dir()}


def check(rows: list[dict], texts: dict[str, list[str]]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for row in rows:
        qid, evidence = row.get("id", "?"), row.get("evidence", [])
        if qid in seen:
            problems.append(f"{qid}: the id is used twice")
        seen.add(qid)
        if row.get("corpus") not in texts:
            problems.append(f"{qid}: corpus {row.get('corpus')!r} is no sub-folder of the corpus")
            continue
        problems += record_problems(row, KINDS)
        for phrase in evidence:
            words = len(phrase.split())
            if not MIN_WORDS <= words <= MAX_WORDS:
                problems.append(f"{qid}: evidence {phrase!r} has {words} words ({MIN_WORDS}-{MAX_WORDS})")
            wanted = normalise(phrase)
            if not any(wanted in piece for piece in texts[row["corpus"]]):
                where = "spans two pieces of" if wanted in " ".join(texts[row["corpus"]]) else "is not in"
                problems.append(f"{qid}: evidence {phrase!r} {where} {row['corpus']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, default="small")
    parser.add_argument("--corpus", type=Path, help="the folder build_corpus.py made (default: the set's)")
    parser.add_argument("--questions", type=Path, help="default bench/<set>/questions.jsonl")
    args = parser.parse_args(argv)
    corpus = (args.corpus or Path.home() / ".cache" / "qa-bench" / args.set / "corpus").expanduser()
    args.questions = args.questions or HERE.parent / args.set / "questions.jsonl"
    if not corpus.is_dir():
        print(f"error: no corpus in {corpus}: run "
              f"`python bench/small/build_corpus.py --set {args.set} --out {corpus}` first", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = check(rows, documents(corpus))
    print("\n".join(problems) if problems else f"{len(rows)} questions: no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
