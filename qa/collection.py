"""The documents being searched: the served index, and every change to it (add, remove, sync), one at a time.

Changes run on one writer thread (qa.writes) and, across processes, under the index lock (qa.lock); ids are
given for life (qa.ids); the upload size limit is checked here and nowhere else. Generations written by another
process (`python -m qa add` beside the server) are picked up by watching CURRENT.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from qa.documents import Document, parse_document
from qa.embedder import Embedder
from qa.ids import Ids
from qa.indexing import (
    INDEXED,
    Progress,
    Report,
    milvus_made_alike,
    milvus_stale_reason,
    read_sources,
    stale_reason,
    sync,
    sync_milvus,
)
from qa.library import LIBRARY, mark_removed, safe_name, save_original
from qa.lock import index_lock
from qa.milvus_store import MilvusStore
from qa.parse_cache import ParseCache
from qa.settings import Settings
from qa.store import (
    FORMAT_VERSION,
    DamagedIndex,
    DocumentInfo,
    Index,
    current_generation,
    remove_leftovers,
    write_generation,
)
from qa.store_api import Store
from qa.writes import Busy, WriteQueue

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0     # how often CURRENT is read for generations written by another process
RETIRE_SECONDS = 60     # a replaced index closes after this, once the questions it is answering are done


class TooLarge(ValueError):
    """A document over the upload limit (QA_MAX_UPLOAD_MB)."""


class Collection:
    """Holds the one served index; `index` may be read from any thread, changes go through the write queue."""

    def __init__(self, settings: Settings, embedder: Embedder, index: Index | None = None) -> None:
        self.settings, self.embedder, self.root = settings, embedder, settings.index
        self.max_upload_bytes = int(settings.max_upload_mb * 1024 * 1024)
        self.pending: str | None = None  # why the served index is behind the documents, while it catches up
        # While there was no index to serve and the first one is built behind an empty one: how far it has got
        # (the API's health and the chat show it; questions are told to wait). None once it is served; stage
        # "failed" if the build failed (served empty until a restart).
        self.building: Progress | None = None
        self._index: Store | None = index
        self._milvus: MilvusStore | None = None
        self._writes = WriteQueue(settings.max_queued_writes)
        self._stop = threading.Event()
        self._reload_queued = False

    @property
    def index(self) -> Store:
        if self._index is None:
            raise RuntimeError("the collection is not open yet")
        return self._index

    # -- opening -----------------------------------------------------------------------------------------------
    def open(self, serve_stale: bool = False) -> Collection:
        """Bring the index up to date with the documents and load it.

        With `serve_stale` (the server), a stored generation that cites nothing removed is served at once and
        brought up to date on the writer thread, so an interrupted add never delays start-up by its embedding; with
        none to serve (a first start, another model), an empty one is served while the index is built (`building`
        says how far it has got), so the page opens and tells how long the wait is instead of the port refusing
        connections for as long as the folder takes to embed. A Milvus store is served as it is, brought up to date
        in place on the writer thread; questions wait (`building`) while it holds none of the documents or a removed
        one.
        """
        if self._index is not None:
            return self
        if self.root.is_dir():
            with index_lock(self.root, self.settings.lock_wait):  # no writer is mid-write: what is half-made is left
                remove_leftovers(self.root)                       # over from one that was killed
        if serve_stale and self.settings.store == "milvus":
            self._index = self._milvus_stale()
            if self.pending:
                self._writes.submit(self._catch_up)
            return self
        if serve_stale:
            self._index = self._load_stale()
            if self._index is None:
                with index_lock(self.root, self.settings.lock_wait):
                    Ids.load(self.root, current_generation(self.root))  # damaged ids stop the start, as before
                    self._index = self._placeholder()
                self.pending, self.building = "no index to serve yet", Progress("starting", 0, 0)
            if self.pending:
                self._writes.submit(self._catch_up)
            return self
        with index_lock(self.root, self.settings.lock_wait):
            self._index = self._sync()
        return self

    def _load_stale(self) -> Index | None:
        """The stored generation, if it loads and every document it holds is still there under its id; `pending`
        says why it is behind the documents, if it is."""
        with index_lock(self.root, self.settings.lock_wait):
            folder = current_generation(self.root)
            if folder is None:
                return None
            documents = self._documents(Ids.load(self.root, folder))
            reason = stale_reason(folder, self.embedder, self.settings.max_passage_tokens, documents,
                                  self.settings.approximate_above)
            try:
                index = Index.load(folder)
            except DamagedIndex as exc:
                log.error("not serving the stored index: %s", exc)
                return None
            if reason is None:
                return index  # up to date
            live = {d.path: d.id for d in documents}
            made_alike = (index.meta.get("model"), index.meta.get("format"), index.meta.get("max_tokens")) == (
                self.embedder.name, FORMAT_VERSION, self.settings.max_passage_tokens)
            if not made_alike or any(live.get(d.path) != d.id for d in index.documents()):
                index.close()
                return None  # another model or format, or it holds a removed document: bring it up to date first
            log.info("serving the stored index while it is brought up to date (%s)", reason)
            self.pending = reason
            return index

    def _milvus_stale(self) -> MilvusStore:
        """The Milvus store, served as it is; `pending` says why it is behind the documents, if it is, and
        `building` is set unless it holds a usable part of them (made alike, every document it holds still there)."""
        store = self.milvus()
        held = store.documents() if milvus_made_alike(store, self.embedder, self.settings.max_passage_tokens) else []
        if not held:  # a first start or another model: the page opens at once and says how far the build has got
            self.pending, self.building = "no index to serve yet", Progress("starting", 0, 0)
            return store
        with index_lock(self.root, self.settings.lock_wait):
            documents = self._documents(Ids.load(self.root, None))
        self.pending = milvus_stale_reason(store, self.embedder, self.settings.max_passage_tokens, documents)
        live = {d.id for d in documents}
        if any(d.id not in live for d in held):  # it holds a removed document: never cited while it is removed
            self.building = Progress("starting", 0, 0)
        elif self.pending:
            log.info("serving the Milvus store while it is brought up to date (%s)", self.pending)
        return store

    def _documents(self, ids: Ids) -> list[Document]:
        """The documents folder and library as read now (from the parse cache where unchanged); the caller holds the
        index lock."""
        cache = ParseCache(self.root)
        try:
            return read_sources(self.settings.docs, self.root, cache, ids)
        finally:
            cache.close()

    def _placeholder(self) -> Index:
        """An empty index to serve until the first one is built; the caller holds the index lock. It is a whole index
        folder of its own (a generation and its CURRENT) inside a `.tmp-` folder of the index folder, which the first
        generation written removes (qa.store; what it serves was read into memory, and SQLite keeps its open file),
        as the next start would (remove_leftovers)."""
        self.root.mkdir(parents=True, exist_ok=True)
        empty = np.zeros((0, self.embedder.dim), dtype=np.float32)
        meta = {"model": self.embedder.name, "dim": self.embedder.dim, "max_tokens": self.settings.max_passage_tokens,
                "readers": INDEXED, "files": {}, "ids": {}}
        return Index.load(write_generation(self.root / f".tmp-empty-{uuid.uuid4().hex}", meta, [], [], empty, [],
                                           empty))

    def _told(self, progress: Progress) -> None:
        if self.building is not None:  # only while the first index is built: a catch-up behind a served one is quiet
            self.building = progress

    def _catch_up(self) -> None:
        try:
            with index_lock(self.root, self.settings.lock_wait):
                self._install(self._sync(self._told))
        except Exception as exc:  # nobody waits on this write: say what went wrong
            if self.building is None:  # a stored index is served: the next change tries again
                log.exception("could not bring the index up to date (%s); still serving the stored one",
                              self.pending)
            else:  # nothing but the empty one: say so wherever it shows, until a restart
                log.exception("could not build the index")
                self.pending, self.building = None, Progress("failed", 0, 0, error=f"{type(exc).__name__}: {exc}")
                return
        self.pending = self.building = None

    # -- changes -----------------------------------------------------------------------------------------------
    def check_size(self, size: int) -> None:
        """Raise TooLarge if a document of `size` bytes is over the limit (the one place it is checked)."""
        if size > self.max_upload_bytes:
            raise TooLarge(f"it is {size / 1048576:.1f} MB, larger than the limit of {self.settings.max_upload_mb:g} "
                           "MB. Split it into smaller files")

    def submit_add(self, name: str, data: bytes) -> Future[tuple[DocumentInfo, bool]]:
        """Queue adding a file's content; the Future gives (document, whether it is new).

        Raises TooLarge, qa.readers.ReadError (unsupported, empty, unreadable) or qa.writes.Busy at once,
        before anything is written.
        """
        self.check_size(len(data))
        self._not_building()
        parse_document(safe_name(name), data)  # raises ReadError for what can't become a document
        return self._writes.submit(lambda: self._add(name, data))

    def submit_remove(self, doc_id: str) -> Future[bool]:
        """Queue removing a document; the Future gives False if no live document has that id. Raises Busy while
        the first index is built."""
        self._not_building()
        return self._writes.submit(lambda: self._remove(doc_id))

    def _not_building(self) -> None:
        """Raise Busy while the first index is built (a change would wait behind all of it), or after it failed."""
        building = self.building
        if building is not None and building.failed:
            raise Busy(f"the documents could not be indexed ({building}); the server's log says why: restart it "
                       "once that is fixed", retry_after=60)
        if building is not None:
            raise Busy(f"the documents folder is still being indexed ({building}): try again once that is done",
                       retry_after=30)

    def add(self, name: str, data: bytes) -> tuple[DocumentInfo, bool]:
        """Add a file's content and wait for it: (document, whether it is new)."""
        return self.submit_add(name, data).result()

    def add_path(self, path: Path) -> tuple[DocumentInfo, bool]:
        """Add a file from disk (checked against the size limit before it is read)."""
        self.check_size(path.stat().st_size)
        return self.add(path.name, path.read_bytes())

    def remove(self, doc_id: str) -> bool:
        """Remove a document and wait for it; False if no live document has that id."""
        return self.submit_remove(doc_id).result()

    def waiting(self) -> int:
        """Changes queued behind the one running."""
        return self._writes.waiting()

    def original(self, doc_id: str) -> Path | None:
        """The file a live document was read from (an added one's copy in <index>/library/, or the documents
        folder's file), if it is still there; None for unknown ids and files gone or outside their folder."""
        found = self.index.document(doc_id)
        if found is None:
            return None
        in_library = found.path.startswith(LIBRARY + "/")  # as _remove reads a path
        root = self.root if in_library else self.settings.docs
        try:
            file = (root / found.path).resolve(strict=True)
        except (OSError, RuntimeError):  # gone, or a loop of links
            return None
        # a path the index holds names a file under its folder; a link out of it is not served
        folder = (root / LIBRARY if in_library else root).resolve()
        return file if file.is_file() and file.is_relative_to(folder) else None

    def _add(self, name: str, data: bytes) -> tuple[DocumentInfo, bool]:
        sha = hashlib.sha256(data).hexdigest()
        with index_lock(self.root, self.settings.lock_wait):
            existing = next((d for d in self.index.documents() if d.sha256 == sha), None)
            if existing is not None:
                return existing, False
            target = save_original(self.root, name, data)
            try:
                self._install(self._sync())
            except Exception:
                target.unlink(missing_ok=True)
                raise
        added = next(d for d in self.index.documents() if d.sha256 == sha)
        log.info("added %s as %s (%d passages)", name, added.id, added.passages)
        return added, True

    def _remove(self, doc_id: str) -> bool:
        with index_lock(self.root, self.settings.lock_wait):
            ids = Ids.load(self.root, current_generation(self.root))
            path = ids.path_of(doc_id)
            if path is None:
                return False
            in_library = path.startswith(LIBRARY + "/")
            file = (self.root if in_library else self.settings.docs) / path
            indexed = self.index.document(doc_id)
            if indexed is None and not file.exists():
                return False  # a folder file deleted from disk: nothing to remove
            try:
                sha = hashlib.sha256(file.read_bytes()).hexdigest()
            except OSError:  # unreadable: what the index holds, if anything
                sha = indexed.sha256 if indexed is not None else ""
            # the removal is recorded before anything is deleted, so an interruption can't bring it back
            ids.retire(doc_id, sha)
            ids.save(self.root)
            if in_library:
                file.unlink(missing_ok=True)
            else:
                mark_removed(self.root, path, sha)
            self._install(self._sync())
        log.info("removed %s (%s)", doc_id, path)
        return True

    # -- generations ---------------------------------------------------------------------------------------------
    def _sync(self, report: Report | None = None) -> Store:
        """Bring the index up to date, telling `report` how far it has got; the caller holds the index lock."""
        if self.settings.store == "milvus":
            return sync_milvus(self.settings.docs, self.root, self.embedder, self.settings.max_passage_tokens,
                               self.milvus(), report)
        return sync(self.settings.docs, self.root, self.embedder, self.settings.max_passage_tokens,
                    self.settings.approximate_above, report)

    def milvus(self) -> MilvusStore:
        """The Milvus store of settings.milvus_uri (default <index>/milvus.db, milvus-lite embedded), opened once."""
        if self._milvus is None:
            self.root.mkdir(parents=True, exist_ok=True)
            uri = self.settings.milvus_uri or str((self.root / "milvus.db").resolve())
            self._milvus = MilvusStore(uri, self.settings.milvus_token, self.settings.milvus_collection,
                                       self.embedder.dim)
        return self._milvus

    def _install(self, new: Store) -> None:
        """Serve `new`; the old index closes once the questions it is answering are done."""
        old = self._index
        if old is new:
            return  # the Milvus store: changed in place
        if isinstance(old, Index) and isinstance(new, Index) and old.folder == new.folder:
            new.close()  # the same generation, loaded again: keep serving the one already loaded
            return
        self._index = new
        if old is not None:
            closer = threading.Timer(RETIRE_SECONDS, old.close)
            closer.daemon = True  # never keeps the process alive
            closer.start()

    def watch(self) -> None:
        """Pick up generations other processes write (read CURRENT every WATCH_SECONDS) until close(); a Milvus
        store is read live, nothing to watch."""
        if self.settings.store == "milvus":
            return
        def loop() -> None:
            while not self._stop.wait(WATCH_SECONDS):
                folder = current_generation(self.root)
                if folder is not None and isinstance(self._index, Index) and folder != self._index.folder \
                        and not self._reload_queued:
                    self._reload_queued = True
                    try:
                        self._writes.submit(self._reload)
                    except Exception:  # the queue is full: a write is running and will load it anyway
                        self._reload_queued = False

        threading.Thread(target=loop, name="watch-current", daemon=True).start()

    def _reload(self) -> None:
        self._reload_queued = False
        folder = current_generation(self.root)
        if folder is None or not isinstance(self.index, Index) or folder == self.index.folder:
            return
        try:
            new = Index.load(folder)
        except DamagedIndex as exc:  # e.g. replaced again meanwhile; the next look sees the newer one
            log.warning("not serving %s: %s", folder.name, exc)
            return
        if new.meta.get("model") != self.embedder.name:
            new.close()
            log.warning("not serving %s: it was made with %s", folder.name, new.meta.get("model"))
            return
        log.info("serving %s, written by another process (%d documents)", folder.name, len(new.documents()))
        self._install(new)

    def close(self, wait: bool = True) -> None:
        """Stop watching; with `wait`, finish the queued changes first."""
        self._stop.set()
        if wait:
            self._writes.close()
