"""Score the product (and the plain recipe) on bench/userdocs/questions.jsonl, by bench/docs/evaluate.py.

    python bench/userdocs/build_corpus.py            # once: the corpus from Debian packages
    OMP_NUM_THREADS=1 python bench/userdocs/evaluate.py [--no-recipe] [--fresh] [--show] [--url http://127.0.0.1:7860]

The corpus is a new user's mixed set (the Flask manual in HTML, the Debian FAQ in HTML and PDF, Debian's project
history in PDF, HTML and plain text, rsync's NEWS and man pages rendered as text, sudo's Markdown docs). It is NOT
held out: its questions were written by a tester from documents not used before, but readers and ranking were
fixed while looking at them (2026-11-30), so a figure here says how the product does on documents choices were
made on. The arguments are bench/docs/evaluate.py's; only the defaults (questions, corpus, cache) point at this
set. After the table, answer-hit (an evidence phrase in the quoted sentence of passage [1] of a found reply) is
printed for each system from the results file.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import evaluate as docs  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "userdocs"
QUESTIONS = HERE / "questions.jsonl"


def main(argv: list[str] | None = None) -> int:
    return docs.run_set(list(sys.argv[1:] if argv is None else argv), QUESTIONS, DEFAULT_CACHE)


if __name__ == "__main__":
    sys.exit(main())
