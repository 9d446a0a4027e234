"""The index on disk: documents, passages, vectors and BM25 terms, written atomically as one generation."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.documents import Document
from qa.lexical import LexicalIndex
from qa.passages import Passage, blocks_json, blocks_of, parts_json, parts_of
from qa.store_api import Components, DocumentInfo, top_rows
from qa.vectors import VectorIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 7  # 4: passages carry their section path; 5: and the paths of the sections they join (parts);
                    # 6: and where each of their blocks starts, with its paragraph and page (blocks);
                    # 7: documents their pages' printed numbers (page_labels)
CURRENT = "CURRENT"
GENERATION = re.compile(r"gen-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")


class DamagedIndex(ValueError):
    """A generation whose files disagree with each other or can't be read: it is rebuilt, never served."""


# BM25 scores of the last queries kept: a search asks for one query's scores twice (candidates, then components),
# and a follow-up asks again; each is one float32 a passage (1.7 MB at 430k passages).
BM25_CACHED = 4


class Index:
    """One loaded generation: passage rows line up with vector rows and BM25 rows. The embedded qa.store_api.Store."""

    def __init__(self, folder: Path, meta: dict, vectors: VectorIndex, sentences: VectorIndex,
                 sentence_offsets: np.ndarray, lexical: LexicalIndex) -> None:
        self.folder = folder
        self.meta = meta
        self.vectors = vectors              # one vector a passage
        self.sentences = sentences          # one vector a sentence; passage i owns rows offsets[i]:offsets[i+1]
        self.sentence_offsets = sentence_offsets
        self.lexical = lexical
        self._db = sqlite3.connect(f"file:{folder / 'store.sqlite'}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._bm25: OrderedDict[str, np.ndarray] = OrderedDict()
        self._bm25_lock = threading.Lock()

    @classmethod
    def load(cls, folder: Path) -> Index:
        """Load a generation and check that its parts agree; raises DamagedIndex if they don't."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            index = cls(folder, meta, VectorIndex.load(folder / "vectors.faiss"),
                        VectorIndex.load(folder / "sentences.faiss"),
                        np.load(folder / "sentence_offsets.npy", allow_pickle=False),
                        LexicalIndex.load(folder / "bm25"))
        except DamagedIndex:
            raise
        except Exception as exc:  # faiss, numpy, bm25s and json each raise their own kind on a damaged file
            raise DamagedIndex(f"{folder.name} can't be read: {exc}") from exc
        try:
            index.check()
        except Exception:
            index.close()
            raise
        return index

    def check(self) -> None:
        """Raise DamagedIndex unless the vectors, sentence offsets, BM25 rows and the store agree with meta.json."""
        try:
            passages, sentences = int(self.meta["passages"]), int(self.meta["sentences"])
            documents = int(self.meta["documents"])
            counts = self._query("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM passages), "
                                 "(SELECT COUNT(*) FROM sentences)")[0]
        except (KeyError, TypeError, ValueError, sqlite3.Error) as exc:
            raise DamagedIndex(f"{self.folder.name}: the store can't be read ({exc})") from exc
        offsets = self.sentence_offsets
        problems = [
            f"{what} has {got} rows, meta.json says {want}" for what, got, want in (
                ("store.sqlite documents", counts[0], documents), ("store.sqlite passages", counts[1], passages),
                ("store.sqlite sentences", counts[2], sentences), ("vectors.faiss", len(self.vectors), passages),
                ("sentences.faiss", len(self.sentences), sentences),
                ("sentence_offsets.npy", len(offsets) - 1, passages),
                ("bm25", int(self.lexical.retriever.scores["num_docs"]), max(passages, 1))) if got != want]
        if not problems and (offsets.ndim != 1 or offsets[0] != 0 or offsets[-1] != sentences
                             or np.any(np.diff(offsets) < 0)):
            problems.append("sentence_offsets.npy does not run from 0 to the sentence count")
        if problems:
            raise DamagedIndex(f"{self.folder.name}: " + "; ".join(problems))

    def __len__(self) -> int:
        return len(self.vectors)

    def bm25(self, query: str) -> np.ndarray:
        """The BM25 score of every passage row for the query (the last BM25_CACHED queries' kept)."""
        with self._bm25_lock:
            found = self._bm25.get(query)
            if found is not None:
                self._bm25.move_to_end(query)
                return found
        found = self.lexical.scores(query)
        with self._bm25_lock:
            self._bm25[query] = found
            while len(self._bm25) > BM25_CACHED:
                self._bm25.popitem(last=False)
        return found

    def dense_search(self, query_vector: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        if within is None:
            return self.vectors.search(query_vector, n)[1]
        return within[top_rows(self.vectors.similarity(query_vector, within), n)]

    def sentence_search(self, query_vector: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        offsets = self.sentence_offsets
        if within is None:
            sentence_rows = self.sentences.search(query_vector, n)[1]
        else:  # exactly, over the chosen passages' sentences only
            starts, counts = offsets[within], np.diff(offsets)[within]
            sentences = (np.repeat(starts - np.cumsum(counts) + counts, counts)
                         + np.arange(counts.sum())).astype(np.int64)
            sentence_rows = sentences[top_rows(self.sentences.similarity(query_vector, sentences), n)]
        return np.searchsorted(offsets, sentence_rows, side="right") - 1

    def keyword_search(self, query: str, n: int, within: np.ndarray | None = None) -> np.ndarray:
        bm25 = self.bm25(query)
        rows = top_rows(bm25, n) if within is None else within[top_rows(bm25[within], n)]
        return rows[bm25[rows] > 0]

    def components(self, query_vector: np.ndarray, query: str, coverage_query: str, ids: np.ndarray) -> Components:
        bm25 = self.bm25(query)
        passage = self.vectors.similarity(query_vector, ids)
        owned = [self.sentence_rows(int(r)) for r in ids]
        sims = self.sentences.similarity(query_vector, np.fromiter((s for o in owned for s in o), dtype=np.int64))
        bounds = np.cumsum([0] + [len(o) for o in owned])
        sentence = np.array([sims[a:b].max() for a, b in zip(bounds[:-1], bounds[1:], strict=True)], dtype=np.float32)
        best = float(bm25.max()) if len(bm25) else 0.0
        lexical = bm25[ids] / best if best > 0 else np.zeros(len(ids), dtype=np.float32)
        return Components(passage, sentence, lexical, self.lexical.coverage_all(coverage_query)[ids])

    def sentence_similarity(self, query_vector: np.ndarray, row: int) -> np.ndarray:
        rows = self.sentence_rows(row)
        return self.sentences.similarity(query_vector, np.arange(rows.start, rows.stop))

    def idf(self, terms: list[str]) -> np.ndarray:
        return self.lexical.idf(terms)

    def correct(self, query: str, dictionary: frozenset[str] = frozenset()) -> str:
        return self.lexical.correct(query, dictionary)

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def passages(self, rows: list[int]) -> list[Passage]:
        """The passages at the given rows, in that order."""
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        found = {
            r[0]: Passage(r[1], r[2], r[3], r[4], r[5], r[6], r[7], parts_of(r[8]), blocks_of(r[9]))
            for r in self._query(f"SELECT row, doc_id, paragraph, start, end, text, page, section, parts, blocks FROM "
                                 f"passages WHERE row IN ({marks})", tuple(int(r) for r in rows))
        }
        return [found[int(r)] for r in rows]

    def sentence_rows(self, row: int) -> range:
        """The rows of passage `row`'s sentences in the sentence vectors."""
        return range(int(self.sentence_offsets[row]), int(self.sentence_offsets[row + 1]))

    def sentence_spans(self, row: int) -> list[tuple[int, int]]:
        """The sentences of passage `row`, as offsets into its text."""
        rows = self.sentence_rows(row)
        return [(s, e) for s, e in self._query(
            "SELECT start, end FROM sentences WHERE row >= ? AND row < ? ORDER BY row", (rows.start, rows.stop))]

    def documents(self) -> list[DocumentInfo]:
        return [DocumentInfo(*r) for r in self._query(
            "SELECT d.id, d.title, d.path, d.sha256, COUNT(p.row) FROM documents d "
            "LEFT JOIN passages p ON p.doc_id = d.id GROUP BY d.id ORDER BY d.path")]

    def titles(self, doc_ids: set[str]) -> dict[str, str]:
        """{id: title} of the given documents (cheap: no passage counts)."""
        marks = ",".join("?" * len(doc_ids))
        return dict(self._query(f"SELECT id, title FROM documents WHERE id IN ({marks})", tuple(doc_ids)))

    def page_labels(self, doc_ids: set[str]) -> dict[str, tuple[str, ...]]:
        """{id: each page's printed number} of those of the given documents that label their pages."""
        marks = ",".join("?" * len(doc_ids))
        return {doc_id: tuple(json.loads(labels)) for doc_id, labels in self._query(
            f"SELECT id, page_labels FROM documents WHERE id IN ({marks}) AND page_labels != '[]'", tuple(doc_ids))}

    def document(self, doc_id: str) -> DocumentInfo | None:
        rows = self._query("SELECT d.id, d.title, d.path, d.sha256, COUNT(p.row) FROM documents d LEFT JOIN "
                           "passages p ON p.doc_id = d.id WHERE d.id = ? GROUP BY d.id", (doc_id,))
        return DocumentInfo(*rows[0]) if rows else None

    def rows_of(self, doc_ids: Sequence[str]) -> np.ndarray:
        """The passage rows of the given documents."""
        marks = ",".join("?" * len(doc_ids))
        found = self._query(f"SELECT row FROM passages WHERE doc_id IN ({marks})", tuple(doc_ids))
        return np.array([r[0] for r in found], dtype=np.int64)

    def document_text(self, doc_id: str) -> str | None:
        rows = self._query("SELECT text FROM documents WHERE id = ?", (doc_id,))
        return rows[0][0] if rows else None

    def close(self) -> None:
        self._db.close()


def current_generation(root: Path) -> Path | None:
    """The folder CURRENT names, if there is one."""
    pointer = root / CURRENT
    if not pointer.is_file():
        return None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        log.error("%s can't be read (%s): the index will be rebuilt", pointer, exc)
        return None
    if not GENERATION.fullmatch(name):
        log.error("%s names %r, not a generation: the index will be rebuilt", pointer, name[:80])
        return None
    folder = root / name
    return folder if folder.is_dir() else None


def write_generation(root: Path, meta: dict, documents: list[Document], passages: list[Passage],
                     vectors: np.ndarray, sentences: list[list[tuple[int, int]]], sentence_vectors: np.ndarray,
                     approximate_above: int | None = None) -> Path:
    """Write a complete new generation beside the old one, then switch CURRENT to it in one rename.

    Each vector index is exact up to `approximate_above` vectors and HNSW beyond (qa.vectors).
    """
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    counts = {d.id: 0 for d in documents}
    for p in passages:
        counts[p.doc_id] += 1
    with sqlite3.connect(tmp / "store.sqlite") as db:
        db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, path TEXT, sha256 TEXT, text TEXT, "
                   "page_labels TEXT)")
        db.execute("CREATE TABLE passages (row INTEGER PRIMARY KEY, doc_id TEXT, paragraph INTEGER, "
                   "start INTEGER, end INTEGER, text TEXT, page INTEGER, section TEXT, parts TEXT, blocks TEXT)")
        db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                       [(d.id, d.title, d.path, d.sha256, d.text, json.dumps(list(d.page_labels)))
                        for d in documents])
        db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i, p.doc_id, p.paragraph, p.start, p.end, p.text, p.page, p.section, parts_json(p),
                         blocks_json(p))
                        for i, p in enumerate(passages)])
        db.execute("CREATE INDEX passages_doc ON passages (doc_id)")
        db.execute("CREATE TABLE sentences (row INTEGER PRIMARY KEY, passage INTEGER, start INTEGER, end INTEGER)")
        db.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?)",
                       [(i, p, s, e) for i, (p, s, e) in enumerate((p, s, e) for p, spans in enumerate(sentences)
                                                                     for s, e in spans)])
    db.close()
    kinds, previous = {}, current_generation(root)
    for name, rows in (("vectors", vectors), ("sentences", sentence_vectors)):
        try:
            built = VectorIndex.build(rows, approximate_above,
                                      previous=previous / f"{name}.faiss" if previous is not None else None)
        except Exception as exc:  # the previous graph is damaged: build this one from scratch
            log.warning("could not reuse the previous %s.faiss (%s): building it anew", name, exc)
            built = VectorIndex.build(rows, approximate_above)
        built.save(tmp / f"{name}.faiss")
        kinds[name] = built.kind
    np.save(tmp / "sentence_offsets.npy", np.cumsum([0] + [len(s) for s in sentences]).astype(np.int64))
    (tmp / "bm25").mkdir()
    LexicalIndex.build([p.indexed() for p in passages]).save(tmp / "bm25")  # the section path is searched too
    meta = {**meta, "format": FORMAT_VERSION, "documents": len(documents), "passages": len(passages),
            "sentences": len(sentence_vectors), "search": kinds,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    _fsync_tree(tmp)

    final = root / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    os.replace(tmp, final)
    pointer_tmp = root / f".{CURRENT}.{uuid.uuid4().hex}"
    with open(pointer_tmp, "w", encoding="utf-8") as f:
        f.write(final.name)
        f.flush()
        os.fsync(f.fileno())
    os.replace(pointer_tmp, root / CURRENT)
    _fsync_dir(root)
    _remove_stale(root, keep=final)
    return final


def remove_leftovers(root: Path) -> None:
    """Remove what a writer killed mid-write left half-made: `.tmp-*` generations and `.CURRENT.*` pointers.

    Call it holding the index lock (qa.lock), so that no live writer's work is taken for a leftover."""
    for entry in root.iterdir():
        if entry.name.startswith(".tmp-") or entry.name.startswith(f".{CURRENT}."):
            log.info("removing %s, left half-written by an interrupted write", entry.name)
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _remove_stale(root: Path, keep: Path) -> None:
    for entry in root.iterdir():
        if entry.is_dir() and entry != keep and (entry.name.startswith("gen-") or entry.name.startswith(".tmp-")):
            shutil.rmtree(entry, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class EmbeddingCache:
    """Vectors of passages already embedded, by model and content hash, so unchanged text is never re-embedded."""

    def __init__(self, path: Path, model: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.model = path, model
        try:
            self.db = self._open(path)
        except sqlite3.DatabaseError as exc:
            self.db = self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> sqlite3.Connection:
        """The cache is damaged; it is only a cache: move it aside, log why, and start an empty one."""
        aside = self.path.with_name(f"{self.path.name}.damaged-{uuid.uuid4().hex[:8]}")
        log.error("the embedding cache %s is damaged (%s): moved to %s, texts will be embedded again",
                  self.path, exc, aside.name)
        if getattr(self, "db", None) is not None:
            self.db.close()
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self._open(self.path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vector BLOB, "
                       "PRIMARY KEY (model, hash))")
            db.execute("SELECT hash, vector FROM vectors LIMIT 1").fetchall()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        try:
            return self._get(keys)
        except sqlite3.DatabaseError as exc:
            self.db = self._set_aside(exc)
            return {}

    def _get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for k, blob in self.db.execute(
                    f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})", (self.model, *chunk)):
                if isinstance(blob, bytes) and blob and len(blob) % 4 == 0:  # else: damaged, embedded again
                    found[k] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        try:
            self._put(items)
        except sqlite3.DatabaseError as exc:
            self.db = self._set_aside(exc)
            self._put(items)

    def _put(self, items: dict[str, np.ndarray]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                                [(self.model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])

    def close(self) -> None:
        self.db.close()
