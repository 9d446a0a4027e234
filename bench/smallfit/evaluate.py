"""Score the product on small single documents (bench/smallfit/questions.jsonl), each indexed alone.

    python bench/smallfit/build_corpus.py            # once: the corpus, one sub-folder per document
    python bench/smallfit/evaluate.py [--corpus DIR] [--cache DIR] [--fresh] [--only NAME]

Each sub-folder of the corpus is indexed on its own, as a user's one document, by the product's public entry point
`qa.engine.Engine(Settings(docs=<sub-folder>, index=...))` (as bench/docs/evaluate.py's product_asker does), and
its questions are asked through `Engine.ask` turned into the API's JSON by `qa.schema.to_response`, scored by
`qa.evaluate.evaluate` (top 3). The indexes live in <cache>/index-<hash of the qa package's source>/<name>, so
another worktree's code (PYTHONPATH=/other/worktree) gets its own; --fresh deletes them first.

A markdown table is printed: one row per document and an "all" row over every question (the documents' counts
added up): answered = answerable questions answered (found); answer_hit = answered with an evidence phrase in the
quoted sentence of passage [1]; hit@k = an evidence phrase in passage [1] / any of the top k; abstention =
unanswerable questions not answered.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so PYTHONPATH=/other/worktree scores that worktree's `qa`

from qa.evaluate import AskFunction, Case, evaluate  # noqa: E402

log = logging.getLogger("bench.smallfit.evaluate")

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "smallfit"
TOP_K = 3
RATES = ("answered", "answer_hit", "hit@1", f"hit@{TOP_K}")   # shares of the answerable questions


def source_hash() -> str:
    """Which product code is imported: a hash of the qa package's source files."""
    import qa

    digest = hashlib.sha256()
    for path in sorted(Path(qa.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def load(questions: Path) -> dict[str, list[Case]]:
    """The questions by document (sub-folder name), in file order."""
    cases: dict[str, list[Case]] = {}
    for line in questions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.setdefault(row["corpus"], []).append(
                Case(row["id"], list(row["turns"]), list(row.get("evidence", [])), row["kind"]))
    return cases


def product_asker(docs: Path, index: Path, fresh: bool) -> AskFunction:
    """Index one document's folder with the product; its ask function."""
    from qa.conversation import Turn
    from qa.engine import Engine
    from qa.schema import to_response
    from qa.settings import Settings

    if fresh and index.exists():
        shutil.rmtree(index)
    log.info("indexing %s into %s", docs, index)
    engine = Engine(Settings(docs=docs, index=index))

    def ask(question: str, history: list[dict], top_k: int) -> dict:
        turns = [Turn(m["role"], m["content"]) for m in history]
        return to_response(engine.ask(question, turns, top_k)).model_dump()

    return ask


def counts(metrics: dict) -> dict[str, int]:
    """evaluate()'s shares turned back into counts, so that documents add up."""
    answerable, unanswerable = metrics["answerable"], metrics["questions"] - metrics["answerable"]
    out = {"questions": metrics["questions"], "answerable": answerable, "unanswerable": unanswerable}
    out |= {rate: round(metrics[rate] * answerable) for rate in RATES}
    out["abstained"] = round((metrics["abstention"] or 0) * unanswerable)
    return out


def row(name: str, c: dict[str, int]) -> str:
    def share(n: int, of: int) -> str:
        return f"{n / of:.2f} ({n})" if of else "-"

    return (f"| {name} | {c['questions']} | {c['answerable']} | "
            + " | ".join(share(c[rate], c["answerable"]) for rate in RATES)
            + f" | {share(c['abstained'], c['unanswerable'])} |")


def table(results: dict[str, dict[str, int]]) -> str:
    lines = [f"| document | questions | answerable | answered | answer_hit | hit@1 | hit@{TOP_K} | abstention |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [row(name, c) for name, c in results.items()]
    total = {key: sum(c[key] for c in results.values()) for key in next(iter(results.values()))}
    return "\n".join([*lines, row("**all**", total)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE / "corpus",
                        help="the folder bench/smallfit/build_corpus.py made")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the indexes go")
    parser.add_argument("--fresh", action="store_true", help="delete the indexes first")
    parser.add_argument("--only", help="score this document (sub-folder) only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    corpus, by_document = args.corpus.expanduser(), load(QUESTIONS)
    names = [args.only] if args.only else sorted(by_document)
    missing = [name for name in names if name not in by_document or not (corpus / name).is_dir()]
    if missing:
        log.error("no questions or no sub-folder in %s for %s (run bench/smallfit/build_corpus.py --out %s)",
                  corpus, ", ".join(missing), corpus)
        return 2
    indexes = args.cache.expanduser() / f"index-{source_hash()}"
    results: dict[str, dict[str, int]] = {}
    for name in names:
        ask = product_asker(corpus / name, indexes / name, args.fresh)
        metrics = evaluate(by_document[name], ask, TOP_K)
        log.info("%s: %s", name, json.dumps(metrics))
        results[name] = counts(metrics)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
