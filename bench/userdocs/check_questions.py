"""Check bench/userdocs/questions.jsonl against the product's own reading of its corpus: every record well formed,
every evidence phrase inside one block of text that qa.readers makes of some corpus file, every unanswerable
question's "absent" phrases in no file.

    python bench/userdocs/build_corpus.py                # once: the corpus from Debian packages
    PYTHONPATH=. python bench/userdocs/check_questions.py [--corpus DIR] [--questions FILE]
    PYTHONPATH=. python bench/userdocs/check_questions.py --grep "phrase" ...   # where phrases occur
    PYTHONPATH=. python bench/userdocs/check_questions.py --dump DIR             # each file's blocks, one a line

The checks are bench/newdocs' (check_questions.main with this set's defaults): each file is read as the product
reads an upload, qa.readers.read_bytes(name, bytes), and a phrase is matched as qa.evaluate matches evidence (case,
quotes, hyphens and whitespace normalised) inside ONE block's text. An answerable record has 1-4 evidence phrases
of 2-8 words, a follow-up two turns or more; an unanswerable one has no evidence and lists in "absent" the phrases
whose absence shows the corpus can't answer it (searched in the whole text of every file). For each unanswerable
question the files holding its rarest content word are printed, to inspect by hand, and so are the evidence
phrases found in more than a few blocks (a phrase that common makes a hit say little; not failed). Exit status 1
if anything fails.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs.check_questions import KINDS  # noqa: E402
from bench.newdocs import check_questions as checks  # noqa: E402
from qa.evaluate import normalise  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "userdocs"
MINIMUMS = (35, 30, 5, 2)  # questions, answerable, unanswerable, follow-ups
MOST_BLOCKS = 3  # an evidence phrase in more blocks than this is listed as common


def common(rows: list[dict], texts: dict[str, list[str]]) -> list[str]:
    """The evidence phrases found in more than MOST_BLOCKS blocks of the corpus, as lines to print."""
    lines: list[str] = []
    for row in rows:
        for phrase in row.get("evidence", []):
            wanted = normalise(phrase)
            blocks = sum(wanted in block for blocks in texts.values() for block in blocks)
            if blocks > MOST_BLOCKS:
                lines.append(f"   {row.get('id')}: {phrase!r} in {blocks} blocks of "
                             f"{len(checks.files_with(phrase, texts))} files")
    return [f"{len(lines)} evidence phrases are in more than {MOST_BLOCKS} blocks:", *lines]


def main(argv: list[str] | None = None) -> int:
    return checks.main(argv, HERE / "questions.jsonl", DEFAULT_CACHE, MINIMUMS, KINDS, common, __doc__)


if __name__ == "__main__":
    sys.exit(main())
