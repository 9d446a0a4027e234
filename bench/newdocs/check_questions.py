"""Check bench/newdocs/questions.jsonl against the product's own reading of its corpus: every record well formed,
every evidence phrase inside one block of text that qa.readers makes of some corpus file, every unanswerable
question's "absent" phrases in no file.

    python bench/newdocs/build_corpus.py                # once: the corpus from Debian packages
    PYTHONPATH=. python bench/newdocs/check_questions.py [--corpus DIR] [--questions FILE]
    PYTHONPATH=. python bench/newdocs/check_questions.py --grep "phrase" ...   # where phrases occur
    PYTHONPATH=. python bench/newdocs/check_questions.py --dump DIR             # each file's blocks, one a line

Each file is read as the product reads an upload, qa.readers.read_bytes(name, bytes), and a phrase is matched as
qa.evaluate matches evidence (case, quotes, hyphens and whitespace normalised) inside ONE block's text, so that it
can be in one passage whatever the chunking. An answerable record has 1-4 evidence phrases of 2-8 words, a
follow-up two turns or more; an unanswerable one has no evidence and lists in "absent" the phrases whose absence
shows the corpus can't answer it (searched in the whole text of every file). For each unanswerable question the
files holding its rarest content word are printed, to inspect by hand. Exit status 1 if anything fails.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

import qa  # noqa: E402
from bench.docs.check_questions import KINDS, record_problems  # noqa: E402
from qa.evaluate import normalise  # noqa: E402
from qa.readers import read_bytes  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path.home() / ".cache" / "qa-bench" / "newdocs"
MIN_QUESTIONS, MIN_ANSWERABLE, MIN_UNANSWERABLE, MIN_FOLLOWUPS = 70, 52, 18, 6
MIN_WORDS, MAX_WORDS = 2, 8
STOPWORDS = frozenset("""a about after all also an and any are as at be by can could do does for from get has have
how i if in into is it its make me my of on or set should so than that the their them then there these this to
use used using was what when where which who why will with without would you your""".split())


def reader_code() -> bytes:
    """The qa package's source: a cached extraction is only reused by the same readers."""
    package = Path(qa.__file__).resolve().parent
    return b"".join(p.read_bytes() for p in sorted(package.rglob("*.py")))


def extract(corpus: Path, cache: Path) -> dict[str, list[str]]:
    """corpus file -> the normalised text of each block qa.readers.read_bytes makes of it; cached."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"no corpus in {corpus}: run the set's build_corpus.py with `--out {corpus}` first")
    digest = hashlib.sha256(reader_code())
    for path in files:
        digest.update(path.relative_to(corpus).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
    stored = cache / f"blocks-{digest.hexdigest()[:16]}.json"
    if stored.exists():
        return json.loads(stored.read_text(encoding="utf-8"))
    texts: dict[str, list[str]] = {}
    for path in files:
        parsed = read_bytes(path.name, path.read_bytes())
        texts[path.relative_to(corpus).as_posix()] = [normalise(b.text) for b in parsed.blocks if b.text.strip()]
    cache.mkdir(parents=True, exist_ok=True)
    temporary = stored.with_suffix(".tmp")
    temporary.write_text(json.dumps(texts), encoding="utf-8")
    temporary.replace(stored)
    return texts


def files_with(phrase: str, texts: dict[str, list[str]]) -> list[str]:
    """The files one of whose blocks holds the phrase."""
    wanted = normalise(phrase)
    return [name for name, blocks in texts.items() if any(wanted in block for block in blocks)]


def files_with_any(phrase: str, texts: dict[str, list[str]]) -> list[str]:
    """The files whose whole text holds the phrase, across block boundaries too."""
    wanted = normalise(phrase)
    return [name for name, blocks in texts.items() if wanted in " ".join(blocks)]


def content_words(question: str) -> list[str]:
    return [w for w in dict.fromkeys(re.findall(r"[\w][\w./+-]*[\w]|\w", normalise(question)))
            if w not in STOPWORDS and len(w) > 2]


def rarest_word(question: str, texts: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The question's content word in the fewest files (the longest among equals), and those files."""
    whole = {name: " ".join(blocks) for name, blocks in texts.items()}
    found = {w: [n for n, t in whole.items() if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", t)]
             for w in content_words(question)}
    if not found:
        return "", []
    word = min(found, key=lambda w: (len(found[w]), -len(w)))
    return word, found[word]


def check(rows: list[dict], texts: dict[str, list[str]],
          minimums: tuple[int, int, int, int] = (MIN_QUESTIONS, MIN_ANSWERABLE, MIN_UNANSWERABLE, MIN_FOLLOWUPS),
          kinds: tuple[str, ...] = KINDS) -> list[str]:
    """What is wrong with the records: their form, their evidence against `texts`, the set's size (`minimums`:
    questions, answerable, unanswerable, follow-ups) and its `kinds`."""
    problems: list[str] = []
    ids = Counter(str(row.get("id")) for row in rows)
    problems += [f"id {i} is used {n} times" for i, n in ids.items() if n > 1]
    for row in rows:
        rid, evidence = row.get("id"), row.get("evidence", [])
        problems += record_problems(row)
        for phrase in evidence:
            words = len(phrase.split())
            if not MIN_WORDS <= words <= MAX_WORDS:
                problems.append(f"{rid}: evidence {phrase!r} has {words} words (want {MIN_WORDS}-{MAX_WORDS})")
            if not files_with(phrase, texts):
                spanning = files_with_any(phrase, texts)
                problems.append(f"{rid}: evidence {phrase!r} is in no block of any file"
                                + (f" (it spans blocks of {', '.join(spanning[:3])})" if spanning else ""))
        if not evidence:
            if not row.get("absent"):
                problems.append(f"{rid}: an unanswerable question lists the phrases that must be absent in 'absent'")
            for phrase in row.get("absent", []):
                found = files_with_any(phrase, texts)
                if found:
                    problems.append(f"{rid}: absent phrase {phrase!r} occurs in {', '.join(found[:3])}")
    answerable = sum(1 for row in rows if row.get("evidence"))
    followups = sum(1 for row in rows if row.get("kind") == "followup")
    for count, least, what in zip((len(rows), answerable, len(rows) - answerable, followups), minimums,
                                  ("questions", "answerable", "unanswerable", "follow-ups"), strict=True):
        if count < least:
            problems.append(f"{count} {what}: want at least {least}")
    missing = set(kinds) - {row.get("kind") for row in rows}
    if missing:
        problems.append(f"no question of kind {', '.join(sorted(missing))}")
    return problems


def main(argv: list[str] | None = None, questions: Path = HERE / "questions.jsonl", cache: Path = DEFAULT_CACHE,
         minimums: tuple[int, int, int, int] = (MIN_QUESTIONS, MIN_ANSWERABLE, MIN_UNANSWERABLE, MIN_FOLLOWUPS),
         kinds: tuple[str, ...] = KINDS, report: Callable[[list[dict], dict[str, list[str]]], list[str]] | None = None,
         description: str | None = None) -> int:
    """The checks, with this set's defaults; another set passes its own (bench/bashdocs), and `report` lines to
    print before the summary."""
    parser = argparse.ArgumentParser(description=(description or __doc__ or "").split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=questions)
    parser.add_argument("--corpus", type=Path, default=cache / "corpus")
    parser.add_argument("--cache", type=Path, default=cache, help="where the extracted blocks are cached")
    parser.add_argument("--grep", nargs="+", help="print the files that contain each phrase, and stop")
    parser.add_argument("--dump", type=Path, help="write each file's normalised blocks, one a line, here, and stop")
    args = parser.parse_args(argv)
    texts = extract(args.corpus.expanduser(), args.cache.expanduser())
    if args.grep:
        for phrase in args.grep:
            print(f"{phrase!r}: in a block of {files_with(phrase, texts)}; "
                  f"across blocks {[f for f in files_with_any(phrase, texts) if f not in files_with(phrase, texts)]}")
        return 0
    if args.dump:
        for name, blocks in texts.items():
            target = args.dump / f"{name}.blocks"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(blocks) + "\n", encoding="utf-8")
        print(f"{len(texts)} files' blocks in {args.dump}")
        return 0
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = check(rows, texts, minimums, kinds)
    for row in rows:
        if not row.get("evidence"):
            word, where = rarest_word(row["turns"][-1], texts)
            print(f"unanswerable {row.get('id')}: rarest word {word!r} in {len(where)} files "
                  f"{where[:6]}{' ...' if len(where) > 6 else ''}")
    counted = Counter(row.get("kind") for row in rows)
    print(f"{len(rows)} questions ({', '.join(f'{k} {n}' for k, n in sorted(counted.items()))}), "
          f"{sum(len(r.get('evidence', [])) for r in rows)} evidence phrases, {len(texts)} files")
    for line in report(rows, texts) if report else []:
        print(line)
    for problem in problems:
        print("FAIL", problem)
    print("all checks passed" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
