"""Check bench/bashdocs/questions.jsonl against the product's own reading of its corpus: every record well formed,
every evidence phrase inside one block of text that qa.readers makes of some corpus file, every unanswerable
question's "absent" phrases in no file.

    python bench/bashdocs/build_corpus.py                # once: the corpus from Debian's bash-doc
    PYTHONPATH=. python bench/bashdocs/check_questions.py [--corpus DIR] [--questions FILE]
    PYTHONPATH=. python bench/bashdocs/check_questions.py --grep "phrase" ...   # where phrases occur
    PYTHONPATH=. python bench/bashdocs/check_questions.py --dump DIR             # each file's blocks, one a line

Each file is read as the product reads an upload, qa.readers.read_bytes(name, bytes), and a phrase is matched as
qa.evaluate matches evidence (case, quotes, hyphens and whitespace normalised) inside ONE block's text, so that it
can be in one passage whatever the chunking. An answerable record has 1-4 evidence phrases of 2-8 words, a
follow-up two turns or more; an unanswerable one has no evidence and lists in "absent" the phrases whose absence
shows the corpus can't answer it (searched in the whole text of every file). For each unanswerable question the
files holding its rarest content word are printed, to inspect by hand. The checks are bench/newdocs'
(check_questions.main with this set's defaults). Every text of this corpus is there as HTML
and as PDF, so the kind "pdf" is not required, and the phrases found in one format only are counted (not failed:
a PDF's page break or hyphenation may split a phrase the HTML keeps whole). Exit status 1 if anything fails.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs.check_questions import KINDS  # noqa: E402
from bench.newdocs import check_questions as checks  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "bashdocs"
MINIMUMS = (40, 30, 10, 4)  # questions, answerable, unanswerable, follow-ups
REQUIRED_KINDS = tuple(kind for kind in KINDS if kind != "pdf")  # every text is in HTML too


def one_format(rows: list[dict], texts: dict[str, list[str]]) -> list[str]:
    """The evidence phrases found in a block of the HTML files only, or of the PDF files only, as lines to print."""
    lonely: list[str] = []
    for row in rows:
        for phrase in row.get("evidence", []):
            suffixes = {Path(name).suffix for name in checks.files_with(phrase, texts)}
            if len(suffixes) == 1:
                lonely.append(f"   {row.get('id')}: {phrase!r} only in {suffixes.pop()}")
    return [f"{len(lonely)} evidence phrases are in one format only (HTML or PDF):", *lonely]


def main(argv: list[str] | None = None) -> int:
    return checks.main(argv, HERE / "questions.jsonl", DEFAULT_CACHE, MINIMUMS, REQUIRED_KINDS, one_format, __doc__)


if __name__ == "__main__":
    sys.exit(main())
