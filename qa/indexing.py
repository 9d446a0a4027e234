"""Bring the index up to date with the documents folder and the library: only new or changed text is embedded."""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from qa.documents import Document, document_id, find_documents, parse_document
from qa.embedder import Embedder
from qa.ids import Ids
from qa.library import LIBRARY, removed
from qa.milvus_store import MilvusStore
from qa.parse_cache import ParseCache
from qa.passages import PASSAGES_VERSION, Passage, blocks_of, split_passages, split_sentences
from qa.readers import READER_VERSION, ReadError
from qa.store import FORMAT_VERSION, EmbeddingCache, Index, current_generation, write_generation
from qa.vectors import kind_for

log = logging.getLogger(__name__)

READERS = f"{READER_VERSION}.{PASSAGES_VERSION}"  # a change to how files are read or split rebuilds the index
# What the sentence vectors embed (Passage.sentence_indexed); 2: the section path before the sentence, 3: the path of
# the sentence's own part of a passage joining sections. Stored in the
# index's "readers" so that an index of other sentence texts is rebuilt (the cached splits stay valid).
SENTENCE_TEXTS = 3
INDEXED = f"{READERS}.{SENTENCE_TEXTS}"
# Texts are embedded this many at a time, each slice's vectors kept in the embedding cache at once: a build stopped
# part way (Ctrl-C, a crash) starts again where it stopped, and its progress is told slice by slice. The ONNX model
# reads one text at a time (qa.onnx_model.BATCH), so slicing costs it nothing.
EMBED_SLICE = 512


@dataclass(frozen=True)
class Progress:
    """How far a build has got: `done` of `total` files read, documents split or texts embedded; while embedding, the
    time left at the pace so far (None before a first slice is done); `error` when it failed."""
    # "starting", "reading" (files), "splitting" (documents), "embedding" (texts), "writing", "storing" (documents,
    # into a Milvus store) or "failed"
    stage: str
    done: int
    total: int
    seconds_left: float | None = None
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.stage == "failed"

    def __str__(self) -> str:
        if self.failed:
            return self.error
        if self.stage in ("starting", "writing"):
            return "starting" if self.stage == "starting" else "writing the index"
        unit = {"reading": "files", "splitting": "documents", "storing": "documents"}.get(self.stage, "texts")
        share = f", {100 * self.done // self.total}%" if self.stage == "embedding" and self.total else ""
        left = "" if self.seconds_left is None else f", {time_left(self.seconds_left)} left"
        return f"{self.stage} {self.done:,} of {self.total:,} {unit}{share}{left}"


def time_left(seconds: float) -> str:
    """'about 12 minutes', 'about 1 hour 5 minutes', 'less than a minute'."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{hours} hour{'s' * (hours > 1)}"] if hours else []) + (
        [f"{minutes} minute{'s' * (minutes > 1)}"] if minutes else [])
    return "about " + " ".join(parts)


Report = Callable[[Progress], None]  # told each step of a build (qa.collection shows it while the first one runs)


def read_sources(docs: Path, root: Path, cache: ParseCache | None = None, ids: Ids | None = None,
                 report: Report | None = None) -> list[Document]:
    """The documents folder, less the files the user removed, and the library of added documents.

    Each path keeps the id `ids` gave it (qa.ids); a file that can't be read is skipped with a warning. With a
    cache, a file read before (same content, name and readers' version) is taken from it instead of being read again.
    """
    ids = ids if ids is not None else Ids.load(root, current_generation(root))
    gone = {**removed(root), **ids.removed_files()}
    documents = []
    sources = [(docs, find_documents(docs))]
    if (root / LIBRARY).is_dir():
        sources.append((root, find_documents(root / LIBRARY)))  # paths read library/<name>
    files = [(folder, path) for folder, paths in sources for path in paths]
    fresh = 0
    for number, (folder, path) in enumerate(tqdm(files, desc="reading documents", unit="file",
                                                  disable=len(files) < 50, leave=False)):
        if report is not None:
            report(Progress("reading", number, len(files)))
        relative = path.relative_to(folder).as_posix()
        known = ids.assigned.get(relative)
        unreadable = f" (its id {known!r} can be removed)" if known else ""
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.warning("skipping %s: %s%s", path, exc, unreadable)
            continue
        sha = hashlib.sha256(data).hexdigest()
        if folder == docs and gone.get(relative) == sha:
            continue
        doc, was_read = _document(relative, data, sha, cache)
        fresh += was_read
        if isinstance(doc, str):
            log.warning("skipping %s: %s%s", path, doc, unreadable)
            continue
        doc = replace(doc, id=ids.assign(doc.path, document_id(path.name) if folder == root else doc.id))
        documents.append(doc)
    log.info("%d files: %d read, %d from the parse cache", len(files), fresh, len(files) - fresh)
    return documents


def _document(relative: str, data: bytes, sha: str, cache: ParseCache | None) -> tuple[Document | str, bool]:
    """The file's document, or why it can't be one; and whether the file had to be read (not cached)."""
    key = f"doc:{READER_VERSION}:{sha}:{relative}"
    cached = cache.get(key) if cache is not None else None
    if isinstance(cached, dict):
        return (Document.from_json(cached) if "blocks" in cached else str(cached.get("error"))), False
    try:
        doc: Document | str = parse_document(relative, data)
    except ReadError as exc:
        doc = str(exc)
    if cache is not None:
        cache.put(key, doc.to_json() if isinstance(doc, Document) else {"error": doc})
    return doc, True


def split_all(documents: list[Document], embedder: Embedder, max_tokens: int, cache: ParseCache | None,
              report: Report | None = None) -> tuple[list[Passage], list[list[tuple[int, int]]]]:
    """Every document's passages and each passage's sentence spans, from the cache where the document was split
    before with this tokenizer and window."""
    passages: list[Passage] = []
    sentences: list[list[tuple[int, int]]] = []
    for number, doc in enumerate(documents):
        if report is not None:
            report(Progress("splitting", number, len(documents)))
        key = f"split:{READERS}:{doc.sha256}:{doc.path}:{embedder.name}:{max_tokens}"
        cached = cache.get(key) if cache is not None else None
        if isinstance(cached, list):
            for paragraph, start, end, page, section, parts, blocks, spans in cached:
                passages.append(Passage(doc.id, paragraph, start, end, doc.text[start:end], page, section,
                                        tuple((offset, path) for offset, path in parts), blocks_of(blocks)))
                sentences.append([(s, e) for s, e in spans])
            continue
        split = split_passages(doc, embedder.count_tokens, max_tokens)
        spans = [split_sentences(p.text) or [(0, len(p.text))] for p in split]
        passages.extend(split)
        sentences.extend(spans)
        if cache is not None:
            cache.put(key, [[p.paragraph, p.start, p.end, p.page, p.section, [list(part) for part in p.parts],
                             [list(block) for block in p.blocks], s]
                            for p, s in zip(split, spans, strict=True)])
    return passages, sentences


def stale_reason(folder: Path | None, embedder: Embedder, max_tokens: int, documents: list[Document],
                 approximate_above: int | None = None) -> str | None:
    """Why the stored index can't serve these documents, or None if it can."""
    if folder is None:
        return "no index yet"
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"the stored index is unreadable ({exc})"
    if meta.get("format") != FORMAT_VERSION:
        return f"the stored index has format {meta.get('format')}, this version reads {FORMAT_VERSION}"
    if meta.get("readers") != INDEXED:
        return f"the stored index was read and split by readers version {meta.get('readers')}, this is {INDEXED}"
    if meta.get("model") != embedder.name or meta.get("max_tokens") != max_tokens:
        return f"the stored index was made with model {meta.get('model')} ({meta.get('max_tokens')} tokens)"
    stored = meta.get("files", {})
    current = {d.path: d.sha256 for d in documents}
    if stored != current or meta.get("ids", {}) != {d.path: d.id for d in documents}:
        added = len(current.keys() - stored.keys())
        removed = len(stored.keys() - current.keys())
        changed = sum(1 for p in current.keys() & stored.keys() if current[p] != stored[p])
        return f"documents changed: {added} new, {changed} changed, {removed} removed"
    wanted = {name: kind_for(meta.get(count, -1), approximate_above)
              for name, count in (("vectors", "passages"), ("sentences", "sentences"))}
    if meta.get("search") != wanted:
        return (f"the stored index searches {meta.get('search')}, "
                f"the size threshold ({approximate_above}) asks for {wanted}")
    return None


def embed(texts: list[str], embedder: Embedder, cache: EmbeddingCache, report: Report | None = None) -> np.ndarray:
    """Vectors for the texts: from the cache where the text was seen before, else from the model (EMBED_SLICE at a
    time, each slice kept in the cache as it is done)."""
    keys = [EmbeddingCache.key(t) for t in texts]
    known = cache.get(keys)
    by_key = dict(zip(keys, texts, strict=True))
    missing = [k for k in by_key if k not in known]
    if missing:
        log.info("embedding %d new texts (%d reused)", len(missing), len(by_key) - len(missing))
        began = time.perf_counter()
        with tqdm(total=len(missing), desc="embedding", unit="text", disable=len(missing) <= 64) as bar:
            for start in range(0, len(missing), EMBED_SLICE):
                if report is not None:  # the time left at the pace so far, once a slice is done
                    pace = (time.perf_counter() - began) / start if start else None
                    report(Progress("embedding", start, len(missing),
                                    None if pace is None else pace * (len(missing) - start)))
                part = missing[start:start + EMBED_SLICE]
                fresh = dict(zip(part, embedder([by_key[k] for k in part]), strict=True))
                cache.put(fresh)
                known.update(fresh)
                bar.update(len(part))
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def sync(docs: Path, root: Path, embedder: Embedder, max_tokens: int, approximate_above: int | None = None,
         report: Report | None = None) -> Index:
    """Load the index in `root` if it matches the documents in `docs`; otherwise rebuild it, reusing vectors,
    and the documents read and split before (qa.parse_cache); `report` is told how far it has got.

    Vector search stays exact up to `approximate_above` vectors and is HNSW beyond (qa.vectors).
    """
    cache = ParseCache(root)
    try:
        folder = current_generation(root)
        ids = Ids.load(root, folder)
        documents = read_sources(docs, root, cache, ids, report)
        ids.save(root)
        reason = stale_reason(folder, embedder, max_tokens, documents, approximate_above)
        if reason is None and folder is not None:
            try:
                return Index.load(folder)
            except Exception as exc:  # a damaged generation is rebuilt, never served
                reason = f"the stored index could not be loaded ({exc})"
        log.info("building the index in %s: %s", root, reason)
        passages, sentences = split_all(documents, embedder, max_tokens, cache, report)
        cache.prune()
    finally:
        cache.close()
    sentence_texts = [p.sentence_indexed(s, e) for p, spans in zip(passages, sentences, strict=True) for s, e in spans]
    vectors_cache = EmbeddingCache(root / "embeddings.sqlite", embedder.name)
    try:
        # one call: passages and sentences share the cache, and a one-sentence passage is embedded once
        vectors = embed([p.indexed() for p in passages] + sentence_texts, embedder, vectors_cache, report)
    finally:
        vectors_cache.close()
    meta = {"model": embedder.name, "dim": embedder.dim, "max_tokens": max_tokens, "readers": INDEXED,
            "files": {d.path: d.sha256 for d in documents}, "ids": {d.path: d.id for d in documents}}
    if report is not None:
        report(Progress("writing", 0, 1))
    folder = write_generation(root, meta, documents, passages, vectors[:len(passages)], sentences,
                              vectors[len(passages):], approximate_above)
    log.info("index ready: %d documents, %d passages", len(documents), len(passages))
    return Index.load(folder)


def milvus_wanted(embedder: Embedder, max_tokens: int) -> dict:
    """What a Milvus store records about what made it: one made otherwise is emptied and filled again."""
    return {"model": embedder.name, "dim": embedder.dim, "max_tokens": max_tokens, "readers": INDEXED}


def milvus_made_alike(store: MilvusStore, embedder: Embedder, max_tokens: int) -> bool:
    """Whether the Milvus store was made by this model, window and readers (milvus_wanted)."""
    wanted = milvus_wanted(embedder, max_tokens)
    return {k: store.meta.get(k) for k in wanted} == wanted


def milvus_stale_reason(store: MilvusStore, embedder: Embedder, max_tokens: int,
                        documents: list[Document]) -> str | None:
    """Why the Milvus store does not hold exactly these documents as they are, or None if it does."""
    if not milvus_made_alike(store, embedder, max_tokens):
        return (f"the Milvus store was made with {store.meta or 'nothing yet'}, "
                f"not {milvus_wanted(embedder, max_tokens)}")
    stored = {d.id: d.sha256 for d in store.documents()}
    current = {d.id: d.sha256 for d in documents}
    if stored == current:
        return None
    changed = sum(1 for i in stored.keys() & current.keys() if stored[i] != current[i])
    return (f"documents changed: {len(current.keys() - stored.keys())} new, {changed} changed, "
            f"{len(stored.keys() - current.keys())} removed")


def sync_milvus(docs: Path, root: Path, embedder: Embedder, max_tokens: int, store: MilvusStore,
                report: Report | None = None) -> MilvusStore:
    """Bring a Milvus store up to date with the documents: documents gone or changed are removed, then the new and
    changed ones' texts embedded (only theirs, all at once, slice by slice) and each document stored alone; the rest
    is not touched; `report` is told how far it has got.

    `root` keeps what the embedded store keeps beside its generations: ids, the library, the parse and
    embedding caches. A store made by another model, window or readers is emptied first.
    """
    wanted = milvus_wanted(embedder, max_tokens)
    if not milvus_made_alike(store, embedder, max_tokens):
        if store.meta:
            log.info("the Milvus store was made with %s, not %s: emptying it", store.meta, wanted)
        for old in store.documents():
            store.remove_document(old.id)
        store.set_meta(wanted)
    root.mkdir(parents=True, exist_ok=True)
    cache = ParseCache(root)
    vectors_cache = EmbeddingCache(root / "embeddings.sqlite", embedder.name)
    try:
        ids = Ids.load(root, None)
        documents = read_sources(docs, root, cache, ids, report)
        ids.save(root)
        stored = {d.id: d.sha256 for d in store.documents()}
        current = {d.id: d for d in documents}
        for doc_id, sha in stored.items():
            if doc_id not in current or current[doc_id].sha256 != sha:
                store.remove_document(doc_id)
                log.info("removed %s from the Milvus store", doc_id)
        adding = [doc for doc in documents if stored.get(doc.id) != doc.sha256]
        passages, sentences = split_all(adding, embedder, max_tokens, cache, report)
        texts = [p.sentence_indexed(s, e) for p, spans in zip(passages, sentences, strict=True) for s, e in spans]
        # all of it embedded first (slice by slice, each kept in the cache: an interrupted sync resumes), then stored
        # document by document
        vectors = embed([p.indexed() for p in passages] + texts, embedder, vectors_cache, report)
        passage_at, sentence_at = 0, len(passages)
        for number, doc in enumerate(adding):
            if report is not None:
                report(Progress("storing", number, len(adding)))
            count = 0
            while passage_at + count < len(passages) and passages[passage_at + count].doc_id == doc.id:
                count += 1
            own = passages[passage_at:passage_at + count]
            spans = sentences[passage_at:passage_at + count]
            sentence_count = sum(len(s) for s in spans)
            store.add_document(doc.id, doc.title, doc.path, doc.sha256, doc.text, own, spans,
                               vectors[passage_at:passage_at + count],
                               vectors[sentence_at:sentence_at + sentence_count], doc.page_labels)
            log.info("added %s to the Milvus store (%d passages)", doc.id, count)
            passage_at, sentence_at = passage_at + count, sentence_at + sentence_count
        assert passage_at == len(passages) and sentence_at == len(vectors), "passages not in document order"
    finally:
        cache.close()
        vectors_cache.close()
    return store
