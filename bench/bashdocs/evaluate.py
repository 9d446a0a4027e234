"""Score the product (and the plain recipe) on bench/bashdocs/questions.jsonl, by bench/docs/evaluate.py.

    python bench/bashdocs/build_corpus.py            # once: the corpus from Debian's bash-doc
    OMP_NUM_THREADS=1 python bench/bashdocs/evaluate.py [--no-recipe] [--fresh] [--show] [--url http://127.0.0.1:7860]

The corpus is GNU Bash's documentation as the bash-doc package ships it: the Bash Reference Manual and the bash(1)
manual page, and each text in two formats (HTML and PDF), so the same passage can be found in up to four files.
Its questions and evidence phrases were written from reading the manual, never from the system's answers; but three
changes were made looking at bashref.html and bashref.pdf themselves (a PDF's definition lists, HTML tables of
links, near-duplicate quotes listed once: bench/RESULTS.md), so for those it is not held out. The arguments are
bench/docs/evaluate.py's; only
the defaults (questions, corpus, cache) point at this set. After the table, answer-hit (an evidence phrase in the
quoted sentence of passage [1] of a found reply) is printed for each system from the results file.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_docs_evaluate", Path(__file__).resolve().parents[1] / "docs" / "evaluate.py")
assert _spec is not None and _spec.loader is not None
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs
_spec.loader.exec_module(docs)

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "bashdocs"
QUESTIONS = HERE / "questions.jsonl"


def main(argv: list[str] | None = None) -> int:
    return docs.run_set(list(sys.argv[1:] if argv is None else argv), QUESTIONS, DEFAULT_CACHE)


if __name__ == "__main__":
    sys.exit(main())
