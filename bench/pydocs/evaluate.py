"""Score the product (and the plain recipe) on the Python documentation set, bench/pydocs/questions.jsonl, by
bench/docs/evaluate.py.

    python bench/pydocs/build_corpus.py             # once: the corpus from Debian doc packages
    OMP_NUM_THREADS=1 python bench/pydocs/evaluate.py [--no-recipe] [--fresh] [--show] [--url http://127.0.0.1:7860]

A second held-out set beside bench/docs: the Python 3.11 manual (345 Sphinx pages) and the ReportLab user guide,
documents no relevance model was fitted on (bench/docsfit is the fit set). The arguments are
bench/docs/evaluate.py's; only the defaults (questions, corpus, cache) point at this set. After the table,
answer-hit (an evidence phrase in the quoted sentence of passage [1] of a found reply) is printed for each system
from the results file.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_docs_evaluate", Path(__file__).resolve().parents[1] / "docs" / "evaluate.py")
assert _spec is not None and _spec.loader is not None
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs
_spec.loader.exec_module(docs)

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "pydocs"
QUESTIONS = HERE / "questions.jsonl"


def arguments(argv: list[str]) -> list[str]:
    """bench/docs/evaluate.py's arguments with this set's defaults first (argparse keeps the last value given, so
    the caller's own --questions/--corpus/--cache win)."""
    return ["--questions", str(QUESTIONS), "--corpus", str(DEFAULT_CACHE / "corpus"),
            "--cache", str(DEFAULT_CACHE), *argv]


def cache_of(argv: list[str]) -> Path:
    """The --cache folder the run used (the last one given)."""
    given = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--cache"]
    given += [a.split("=", 1)[1] for a in argv if a.startswith("--cache=")]
    return Path(given[-1]).expanduser() if given else DEFAULT_CACHE


def answer_hits(cache: Path) -> list[str]:
    """One line per system of the newest results file in `cache`: its answer-hit."""
    results = sorted(cache.glob("results-*.json"))
    return [f"answer-hit {row['metrics']['answer_hit']:.2f}: {row['system']}"
            for row in (json.loads(results[-1].read_text(encoding="utf-8")) if results else [])]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    status = int(docs.main(arguments(argv)))
    if status == 0:
        print("\n".join(answer_hits(cache_of(argv))))
    return status


if __name__ == "__main__":
    sys.exit(main())
