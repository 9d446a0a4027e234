"""Score the product and a plain recipe on real documentation (bench/docs/questions.jsonl), in one run.

    python bench/docs/build_corpus.py                      # once: the corpus from Debian doc packages
    python bench/docs/evaluate.py [--corpus DIR] [--cache DIR] [--fresh] [--threshold 0.5] [--no-recipe]
    python bench/docs/evaluate.py --url http://127.0.0.1:7860   # a running server over HTTP (its own corpus)
    python bench/docs/evaluate.py --no-recipe --show            # also print each miss: question, evidence, top 3

The product is used only through its public entry points: `qa.engine.Engine(Settings(docs=..., index=...))`
(which indexes the folder: timed) and `Engine.ask(question, history, top_k)` turned into the API's JSON by
`qa.schema.to_response`, scored by `qa.evaluate.evaluate` (hit@1, hit@3, MRR, abstention, latency), as
`python -m qa eval` does. Its index lives in <cache>/index-<hash of the qa package's source>, so the code of
another branch (PYTHONPATH=/path/to/worktree) gets its own index; --fresh deletes it first (from-scratch time).

The plain recipe, on the same corpus and questions in the same run: each HTML page's text by BeautifulSoup's
get_text, each PDF page's by pypdf; fixed chunks of 256 word pieces (the model's window, [CLS]/[SEP] included,
no overlap); all-MiniLM-L6-v2 through qa.embedder.Embedder; a FAISS flat inner-product index over the unit
vectors (= cosine); the top k by cosine for the last turn alone (no conversation); "found" when the best cosine
is >= --threshold (0.5, fixed before the questions were run: MiniLM's cosine between a question and a passage that
answers it is typically 0.5-0.8).

A markdown table is printed: hit@1, hit@3, MRR, abstention, mean characters of the returned passages, index time.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so PYTHONPATH=/other/worktree scores that worktree's `qa`

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from qa.evaluate import AskFunction, Case, evaluate, http_asker, load_cases, normalise  # noqa: E402

log = logging.getLogger("bench.docs.evaluate")

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "docs"
QUESTIONS = HERE / "questions.jsonl"
TOP_K = 3
CHUNK_TOKENS = 256       # the model's window, [CLS] and [SEP] included
THRESHOLD = 0.5          # the recipe's fixed cosine line between answering and not


@dataclass(frozen=True)
class Row:
    system: str
    metrics: dict
    mean_chars: float
    index_seconds: float | None
    note: str = ""


class Recording:
    """Wraps an AskFunction and keeps the length of every passage it returned, and every reply in order."""

    def __init__(self, ask: AskFunction) -> None:
        self.ask = ask
        self.lengths: list[int] = []
        self.replies: list[dict] = []

    def __call__(self, question: str, history: list[dict], top_k: int) -> dict:
        reply = self.ask(question, history, top_k)
        self.lengths += [len(p["text"]) for p in reply["passages"]]
        self.replies.append(reply)
        return reply

    @property
    def mean_chars(self) -> float:
        return statistics.fmean(self.lengths) if self.lengths else 0.0


def source_hash() -> str:
    """Which product code is imported: a hash of the qa package's source files."""
    import qa

    digest = hashlib.sha256()
    for path in sorted(Path(qa.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def product_asker(corpus: Path, index: Path, fresh: bool, embedder: str = "minilm"
                  ) -> tuple[AskFunction, float, str]:
    """Index `corpus` with the product (timed); return its ask function, the seconds, and how it was built."""
    import qa
    from qa.conversation import Turn
    from qa.engine import Engine
    from qa.schema import to_response
    from qa.settings import Settings

    if fresh and index.exists():
        shutil.rmtree(index)
    how = "from scratch" if not index.exists() else "existing index brought up to date"
    log.info("indexing %s into %s with qa from %s (%s)", corpus, index, Path(qa.__file__).parent, how)
    start = time.perf_counter()
    engine = Engine(Settings(docs=corpus, index=index, embedder=embedder))  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    log.info("product: indexed in %.1f s", seconds)

    def ask(question: str, history: list[dict], top_k: int) -> dict:
        turns = [Turn(m["role"], m["content"]) for m in history]
        return to_response(engine.ask(question, turns, top_k)).model_dump()

    return ask, seconds, how


@dataclass(frozen=True)
class Chunk:
    document: str
    text: str


def page_texts(path: Path) -> list[str]:
    """The plain recipe's reading: get_text for a whole HTML page, pypdf's extract_text for each PDF page, a
    Markdown file's own text."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return [page.extract_text() or "" for page in PdfReader(path).pages]
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8", errors="replace")]  # Markdown is read as the plain text it is
    from bs4 import BeautifulSoup

    return [BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser").get_text(" ")]


def fixed_chunks(text: str, tokenizer: object, size: int) -> list[str]:
    """Consecutive windows of at most `size` word pieces (special tokens counted), no overlap, cut between words
    (a word's pieces stay together, so a chunk read again has the same pieces)."""
    encoding = tokenizer.encode(text, add_special_tokens=False)  # type: ignore[attr-defined]
    offsets, words = encoding.offsets, encoding.word_ids
    step = size - 2
    chunks, start = [], 0
    while start < len(offsets):
        end = min(start + step, len(offsets))
        while start + 1 < end < len(offsets) and words[end] is not None and words[end] == words[end - 1]:
            end -= 1
        chunk = " ".join(text[offsets[start][0]:offsets[end - 1][1]].split())
        if chunk:
            chunks.append(chunk)
        start = end
    return chunks


def recipe_asker(corpus: Path, cache: Path, threshold: float, fresh: bool) -> tuple[AskFunction, float, str]:
    """Build the plain recipe over `corpus` (timed); its vectors are cached by chunk content in `cache`
    (`fresh`: embedded again all the same, so that its time compares with the product's from scratch)."""
    import faiss
    from tokenizers import Tokenizer

    from qa.embedder import Embedder, model_path

    start = time.perf_counter()
    embedder = Embedder()
    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".html", ".md", ".pdf") and not p.name.startswith("."))
    chunks = [Chunk(path.relative_to(corpus).as_posix(), text)
              for path in tqdm(files, desc="recipe: reading", unit="file")
              for page in page_texts(path) for text in fixed_chunks(page, tokenizer, CHUNK_TOKENS)]
    key = hashlib.sha256(embedder.name.encode() + b"\0".join(c.text.encode() for c in chunks)).hexdigest()[:16]
    stored = cache / f"recipe-vectors-{key}.npy"
    if stored.exists() and not fresh:
        vectors = np.load(stored)
        how = "vectors cached (time = reading and chunking only)"
    else:
        batches = [chunks[i:i + 64] for i in range(0, len(chunks), 64)]
        vectors = np.concatenate([embedder([c.text for c in batch])
                                  for batch in tqdm(batches, desc="recipe: embedding", unit="batch")])
        cache.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_suffix(".tmp.npy")
        np.save(temporary, vectors)
        temporary.replace(stored)
        how = "from scratch"
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    seconds = time.perf_counter() - start
    log.info("recipe: %d chunks from %d files, indexed in %.1f s (%s)", len(chunks), len(files), seconds, how)
    faiss.omp_set_num_threads(1)

    def ask(question: str, history: list[dict], top_k: int) -> dict:
        query = embedder([question])
        scores, rows = index.search(query, top_k)
        # the recipe's answer is its whole first chunk, so that is what it "quotes" (qa.evaluate's answer-hit)
        passages = [{"rank": rank, "score": float(score), "text": chunks[row].text,
                     "highlight": {"start": 0, "end": len(chunks[row].text)},
                     "document": {"id": chunks[row].document, "title": chunks[row].document}}
                    for rank, (score, row) in enumerate(zip(scores[0], rows[0], strict=True), 1) if row >= 0]
        found = bool(passages) and passages[0]["score"] >= threshold
        return {"answer": passages[0]["text"] if found else "", "found": found, "query": question,
                "passages": passages}

    return ask, seconds, f"{len(chunks)} chunks, {how}"


def score(system: str, ask: AskFunction, questions: Path, top_k: int, seconds: float | None, note: str,
          show: bool = False) -> Row:
    recording = Recording(ask)
    cases = load_cases(questions)
    metrics = evaluate(cases, recording, top_k)
    log.info("%s: %s", system, json.dumps(metrics))
    if show:
        print(misses(cases, recording.replies))
    return Row(system, metrics, recording.mean_chars, seconds, note)


def misses(cases: list[Case], replies: list[dict], width: int = 300) -> str:
    """Each miss (evidence not in passage [1]; an unanswerable question answered) with its question, evidence
    and the passages returned (document, section, score, the start of the text): to find the structural cause.
    `replies` are in the order evaluate() asked them: every turn of every case, earlier turns first."""
    out: list[str] = []
    position = 0
    for case in cases:
        position += len(case.turns)
        reply = replies[position - 1]
        evidence = [normalise(e) for e in case.evidence]
        ranks = [p["rank"] for p in reply["passages"] if any(e in normalise(p["text"]) for e in evidence)]
        if case.evidence and ranks[:1] == [1] or not case.evidence and not reply["found"]:
            continue
        status = f"rank {ranks[0]}" if ranks else ("answered" if not case.evidence else "not in top k")
        out.append(f"== {case.id} [{case.kind}] {status}, found={reply['found']}")
        out += [f"   Q: {turn}" for turn in case.turns]
        out += [f"   evidence: {e}" for e in case.evidence]
        for p in reply["passages"]:
            text = " ".join(p["text"].split())
            out.append(f"   [{p['rank']}] {p['score']:.2f} {p['document']['title']} | {p['section']}\n"
                       f"       {text[:width]}{'...' if len(text) > width else ''}")
    return "\n".join(out)


def table(rows: list[Row], top_k: int) -> str:
    lines = [f"| system | hit@1 | hit@{top_k} | MRR | abstention | answered (answerable) | mean chars "
             "of passages | index time | p50 / p95 ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        m = row.metrics
        index_time = f"{row.index_seconds:.0f} s" if row.index_seconds is not None else "-"
        lines.append(f"| {row.system} | {m['hit@1']:.2f} | {m[f'hit@{top_k}']:.2f} | {m['mrr']:.2f} | "
                     f"{m['abstention'] if m['abstention'] is not None else float('nan'):.2f} | "
                     f"{m['answered']:.2f} | {row.mean_chars:,.0f} | {index_time} | "
                     f"{m['latency_ms_p50']:.0f} / {m['latency_ms_p95']:.0f} |")
    notes = [f"- {row.system}: {row.note}" for row in rows if row.note]
    return "\n".join(lines + [""] + notes)


def kinds_table(rows: list[Row]) -> str:
    """Per kind: hit@1 for answerable kinds, abstention for the unanswerable ones."""
    kinds = sorted({k for row in rows for k in row.metrics["by_kind"]})
    lines = ["| kind | " + " | ".join(row.system for row in rows) + " |", "|---|" + "---:|" * len(rows)]
    for kind in kinds:
        lines.append(f"| {kind} | " + " | ".join(f"{row.metrics['by_kind'].get(kind, float('nan')):.2f}"
                                                  for row in rows) + " |")
    return "\n".join(lines)


def set_arguments(argv: list[str], questions: Path, cache: Path) -> list[str]:
    """This script's arguments for another question set (bench/docsfit, bench/pydocs): its defaults first
    (argparse keeps the last value given, so the caller's own --questions/--corpus/--cache win)."""
    return ["--questions", str(questions), "--corpus", str(cache / "corpus"), "--cache", str(cache), *argv]


def cache_of(argv: list[str], default: Path) -> Path:
    """The --cache folder a run used (the last one given), else `default`."""
    given = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--cache"]
    given += [a.split("=", 1)[1] for a in argv if a.startswith("--cache=")]
    return Path(given[-1]).expanduser() if given else default


def answer_hits(cache: Path) -> list[str]:
    """One line per system of the newest results file in `cache`: its answer-hit."""
    results = sorted(cache.glob("results-*.json"))
    return [f"answer-hit {row['metrics']['answer_hit']:.2f}: {row['system']}"
            for row in (json.loads(results[-1].read_text(encoding="utf-8")) if results else [])]


def run_set(argv: list[str], questions: Path, cache: Path) -> int:
    """Score another question set with these defaults, then print each system's answer-hit."""
    status = int(main(set_arguments(argv, questions, cache)))
    if status == 0:
        print("\n".join(answer_hits(cache_of(argv, cache))))
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE / "corpus",
                        help="the folder bench/docs/build_corpus.py made")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="indexes, cached vectors, results")
    parser.add_argument("--top-k", type=int, default=TOP_K)
    parser.add_argument("--fresh", action="store_true",
                        help="time both from scratch: delete the product's index, embed the recipe's chunks again")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="the recipe's cosine threshold")
    parser.add_argument("--no-recipe", action="store_true", help="score the product only")
    parser.add_argument("--url", help="score a running server over HTTP instead (POST URL/api/ask)")
    parser.add_argument("--show", action="store_true",
                        help="print each miss: the question, its evidence and the passages returned")
    parser.add_argument("--embedder", choices=("minilm", "e5"), default="minilm",
                        help="the product's embedding model (e5: multilingual-e5-small, its own index)")
    parser.add_argument("--label", help="the product's name in the table (default: 'product (qa <hash>)')")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    load_cases(args.questions)  # a malformed question file fails before any indexing

    rows: list[Row] = []
    if args.url:
        rows.append(score(args.label or f"server {args.url}", http_asker(args.url), args.questions, args.top_k,
                          None, "over HTTP; the server's own documents and index", args.show))
    else:
        corpus = args.corpus.expanduser()
        if not corpus.is_dir() or not any(corpus.rglob("*.html")):
            print(f"error: no corpus in {corpus}: run `python bench/docs/build_corpus.py --out {corpus}` first",
                  file=sys.stderr)
            return 2
        code = source_hash()
        suffix = "" if args.embedder == "minilm" else f"-{args.embedder}"
        ask, seconds, how = product_asker(corpus, args.cache / f"index-{code}{suffix}", args.fresh, args.embedder)
        rows.append(score(args.label or f"product (qa {code}{suffix})", ask, args.questions, args.top_k, seconds, how,
                          args.show))
        if not args.no_recipe:
            ask, seconds, how = recipe_asker(corpus, args.cache, args.threshold, args.fresh)
            rows.append(score(f"plain recipe (256-token chunks, cosine >= {args.threshold})", ask, args.questions,
                              args.top_k, seconds, how))
    results = args.cache / f"results-{time.strftime('%Y%m%dT%H%M%S')}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps([row.__dict__ for row in rows], indent=2), encoding="utf-8")
    print(table(rows, args.top_k))
    print()
    print(kinds_table(rows))
    print(f"\n{len(load_cases(args.questions))} questions from {args.questions}; details in {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
