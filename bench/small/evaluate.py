"""Score the product on small single documents (bench/small/questions.jsonl): each document indexed alone.

    python bench/small/build_corpus.py [--set smallfit]   # once: the corpus from Debian packages
    python bench/small/evaluate.py [--set small|smallfit] [--corpus DIR] [--cache DIR] [--fresh] [--only NAME]

--set smallfit scores the fit set instead (bench/smallfit: other documents, which the answer models may be fitted
on); --set small (the default) is held out.

A user who indexes ONE small document (a FAQ, a README, a manual) should have its plain questions answered and the
near-topic ones it does not answer declined. Each sub-folder of the corpus is one such document: the product
indexes it alone, as bench/docs/evaluate.py's `product_asker` does (`qa.engine.Engine(Settings(docs=<sub-folder>,
index=...))`, replies through `qa.schema.to_response(...).model_dump()`), and `qa.evaluate.evaluate` scores its
questions (top 3). The indexes live in <cache>/index-<hash of the qa package's source>/<document>, so the code of
another worktree (PYTHONPATH=/other/worktree) gets its own; --fresh deletes them first.

A markdown table is printed: per document and over all questions together (the per-document figures pooled,
weighted by the numbers of answerable and of unanswerable questions): answered (answerable questions the product
answers), answer-hit (it answers, quoting an evidence phrase first), hit@1, hit@3 and abstention (unanswerable
questions declined).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so PYTHONPATH=/other/worktree scores that worktree's `qa`

from qa.evaluate import AskFunction, Case, evaluate  # noqa: E402

log = logging.getLogger("bench.small.evaluate")

HERE = Path(__file__).resolve().parent
SETS = ("small", "smallfit")  # each: bench/<set>/questions.jsonl, its corpus and indexes in ~/.cache/qa-bench/<set>
TOP_K = 3
ANSWERABLE = ("answered", "answer_hit", "hit@1", f"hit@{TOP_K}")  # shares of the answerable questions


def source_hash() -> str:
    """Which product code is imported: a hash of the qa package's source files."""
    import qa

    digest = hashlib.sha256()
    for path in sorted(Path(qa.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def load(path: Path) -> dict[str, list[Case]]:
    """document (corpus sub-folder) -> its questions, in file order."""
    cases: dict[str, list[Case]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            case = Case(str(row.get("id", number)), list(row["turns"]), list(row.get("evidence", [])),
                        str(row.get("kind", "")))
            cases.setdefault(str(row["corpus"]), []).append(case)
    return cases


def product_asker(corpus: Path, index: Path, fresh: bool) -> AskFunction:
    """Index the one document in `corpus` with the product; return its ask function."""
    from qa.conversation import Turn
    from qa.engine import Engine
    from qa.schema import to_response
    from qa.settings import Settings

    if fresh and index.exists():
        shutil.rmtree(index)
    start = time.perf_counter()
    engine = Engine(Settings(docs=corpus, index=index))
    log.info("indexed %s into %s in %.1f s", corpus, index, time.perf_counter() - start)

    def ask(question: str, history: list[dict], top_k: int) -> dict:
        turns = [Turn(m["role"], m["content"]) for m in history]
        return to_response(engine.ask(question, turns, top_k)).model_dump()

    return ask


def pooled(results: dict[str, dict]) -> dict:
    """The metrics over all questions together: each document's weighted by its numbers of questions."""
    answerable = sum(m["answerable"] for m in results.values())
    unanswerable = sum(m["questions"] - m["answerable"] for m in results.values())
    total = {"questions": answerable + unanswerable, "answerable": answerable}
    for key in ANSWERABLE:
        total[key] = sum(m[key] * m["answerable"] for m in results.values()) / max(answerable, 1)
    total["abstention"] = (sum((m["abstention"] or 0) * (m["questions"] - m["answerable"]) for m in results.values())
                           / unanswerable) if unanswerable else None
    return total


def table(results: dict[str, dict]) -> str:
    lines = ["| document | questions | answerable | answered | answer-hit | hit@1 | hit@3 | abstention |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, m in [*results.items(), ("all", pooled(results))]:
        abstention = "-" if m["abstention"] is None else f"{m['abstention']:.2f}"
        lines.append(f"| {name} | {m['questions']} | {m['answerable']} | "
                     + " | ".join(f"{m[key]:.2f}" for key in ANSWERABLE) + f" | {abstention} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, default="small", help="which questions (and default folders)")
    parser.add_argument("--corpus", type=Path, help="the folder bench/<set>/build_corpus.py made: one sub-folder a "
                        "document (default ~/.cache/qa-bench/<set>/corpus)")
    parser.add_argument("--cache", type=Path, help="where the indexes live (default ~/.cache/qa-bench/<set>)")
    parser.add_argument("--questions", type=Path, help="default bench/<set>/questions.jsonl")
    parser.add_argument("--fresh", action="store_true", help="delete the product's indexes first")
    parser.add_argument("--only", metavar="NAME", help="score this document (sub-folder) only")
    args = parser.parse_args(argv)
    args.cache = args.cache or Path.home() / ".cache" / "qa-bench" / args.set
    args.corpus = args.corpus or args.cache / "corpus"
    args.questions = args.questions or HERE.parent / args.set / "questions.jsonl"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    corpus, cases = args.corpus.expanduser(), load(args.questions)
    names = [args.only] if args.only else sorted(cases)
    missing = [name for name in names if name not in cases or not (corpus / name).is_dir()]
    if missing:
        log.error("no questions or no sub-folder of %s for %s (build it: python bench/small/build_corpus.py --set %s)",
                  corpus, ", ".join(missing), args.set)
        return 2
    indexes = args.cache.expanduser() / f"index-{source_hash()}"
    results: dict[str, dict] = {}
    for name in names:
        ask = product_asker(corpus / name, indexes / name, args.fresh)
        results[name] = evaluate(cases[name], ask, TOP_K)
        log.info("%s: %s", name, json.dumps(results[name]))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
