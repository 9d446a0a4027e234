"""Documents already read and split, kept beside the index by content hash, so an unchanged file is never read twice.

One SQLite file (<index>/parsed.sqlite) of JSON values: a file's blocks (or why it could not be read), keyed by
its sha256, type, name and the readers' version; and its passages and their sentences, keyed also by the
tokenizer and window. It is only a cache: a damaged file is set aside and started afresh.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

PARSED = "parsed.sqlite"


class ParseCache:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / PARSED
        self.used: set[str] = set()
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            log.warning("the parse cache %s is damaged (%s): starting it afresh", self.path, exc)
            self.path.unlink(missing_ok=True)
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("SELECT COUNT(*) FROM entries").fetchone()
        return db

    def get(self, key: str) -> object | None:
        self.used.add(key)
        try:
            row = self.db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.DatabaseError, ValueError) as exc:
            log.warning("parse cache entry %s unreadable (%s): reading the file again", key[:40], exc)
            return None

    def put(self, key: str, value: object) -> None:
        self.used.add(key)
        try:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?)", (key, json.dumps(value)))
        except sqlite3.DatabaseError as exc:  # a cache that can't be written only costs time
            log.warning("could not write the parse cache (%s)", exc)

    def prune(self) -> None:
        """Forget the entries this run did not use (files since changed or removed)."""
        try:
            keys = [k for (k,) in self.db.execute("SELECT key FROM entries")]
            stale = [(k,) for k in keys if k not in self.used]
            if stale:
                with self.db:
                    self.db.executemany("DELETE FROM entries WHERE key = ?", stale)
        except sqlite3.DatabaseError as exc:
            log.warning("could not prune the parse cache (%s)", exc)

    def close(self) -> None:
        self.db.close()
