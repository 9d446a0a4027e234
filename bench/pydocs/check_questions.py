"""Check bench/pydocs/questions.jsonl against the Python documentation corpus, by bench/docs/check_questions.py's rules.

    python bench/pydocs/build_corpus.py            # once: the corpus from Debian doc packages
    python bench/pydocs/check_questions.py [--corpus DIR] [--questions FILE] [--grep "phrase" ...]

Every evidence phrase (4-10 words) must occur in one document in every extraction of it (HTML spaced, joined and
block-marked; PDF page by page with pypdf and pdfminer.six), and no unanswerable question's "absent" phrase may
occur anywhere. Exit status 1 if anything fails. So a Sphinx signature such as "maxsize=128" (its name, "=" and
value are separate elements: spaced in one extraction, joined in another) is never evidence; the prose is.
The arguments are bench/docs/check_questions.py's; only the defaults point at this set.
In questions.jsonl, "group" numbers the page a question was written from (questions on one page share it; an
unanswerable one takes the page it sits next to), so that a split by group never puts one page on both sides.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_docs_check_questions", Path(__file__).resolve().parents[1] / "docs" / "check_questions.py")
assert _spec is not None and _spec.loader is not None
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs
_spec.loader.exec_module(docs)

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "pydocs"
QUESTIONS = HERE / "questions.jsonl"


def main(argv: list[str] | None = None) -> int:
    # argparse keeps the last value given, so the caller's own --corpus/--questions/--cache win over these
    defaults = ["--questions", str(QUESTIONS), "--corpus", str(DEFAULT_CACHE / "corpus"), "--cache", str(DEFAULT_CACHE)]
    return int(docs.main(defaults + list(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())
