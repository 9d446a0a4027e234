"""Document ids for life: a path gets its id once, kept in <index>/ids.json; a removed id is never given again.

The file is written atomically, twice (ids.json, then ids.json.bak), so one damaged copy loses nothing. Only a
writer holding the index lock (qa.lock) changes it.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from qa.library import write_atomically

log = logging.getLogger(__name__)

IDS = "ids.json"
BACKUP = IDS + ".bak"


class DamagedIds(RuntimeError):
    """Both copies of ids.json are unreadable: carrying on could give a removed id to another document."""


@dataclass
class Ids:
    """{path: id} of the documents now known, and the ids of removed documents with what they named."""
    assigned: dict[str, str] = field(default_factory=dict)
    retired: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {"path", "sha256"}
    changed: bool = False

    @classmethod
    def load(cls, root: Path, generation: Path | None = None) -> Ids:
        """The ids in `root`; the first time, the ids the current generation already uses (so none change)."""
        damaged = []
        for name in (IDS, BACKUP):
            path = root / name
            if not path.exists():
                continue
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                ids = cls({str(k): str(v) for k, v in raw["assigned"].items()},
                          {str(k): {"path": str(v["path"]), "sha256": str(v.get("sha256", ""))}
                           for k, v in raw["retired"].items()})
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                log.error("%s is damaged (%s)%s", path, exc, ": using its backup" if name == IDS else "")
                damaged.append(name)
                continue
            ids.changed = bool(damaged)  # rewrite the damaged copy from the good one
            return ids
        if damaged:
            raise DamagedIds(f"{root / IDS} and its backup are damaged: the ids of removed documents are lost. "
                             f"Restore one of them, or delete both to number the documents afresh.")
        return cls(assigned=_ids_in(generation), changed=True)

    def save(self, root: Path) -> None:
        if not self.changed:
            return
        data = json.dumps({"assigned": self.assigned, "retired": self.retired}, indent=1, sort_keys=True).encode()
        write_atomically(root / IDS, data)
        write_atomically(root / BACKUP, data)
        self.changed = False

    def assign(self, path: str, wanted: str) -> str:
        """The id of `path`: the one it has, else `wanted` ("report") or, if taken or ever used, "report-2", ..."""
        if path in self.assigned:
            return self.assigned[path]
        taken = set(self.assigned.values()) | self.retired.keys()
        candidate, number = wanted, 2
        while candidate in taken:
            candidate, number = f"{wanted}-{number}", number + 1
        self.assigned[path] = candidate
        self.changed = True
        return candidate

    def path_of(self, doc_id: str) -> str | None:
        """The path a live id names; None for unknown and removed ids."""
        return next((p for p, i in self.assigned.items() if i == doc_id), None)

    def removed_files(self) -> dict[str, str]:
        """{path: sha256} of removed documents-folder files (library originals are deleted instead)."""
        return {r["path"]: r["sha256"] for r in self.retired.values() if not r["path"].startswith("library/")}

    def retire(self, doc_id: str, sha256: str) -> str:
        """Remove a live id for good; returns the path it named."""
        path = self.path_of(doc_id)
        if path is None:
            raise KeyError(doc_id)
        del self.assigned[path]
        self.retired[doc_id] = {"path": path, "sha256": sha256}
        self.changed = True
        return path


def _ids_in(generation: Path | None) -> dict[str, str]:
    """{path: id} from a generation's store, to keep the ids an index made before ids.json existed."""
    if generation is None:
        return {}
    try:
        db = sqlite3.connect(f"file:{generation / 'store.sqlite'}?mode=ro", uri=True)
        try:
            return {str(path): str(doc_id) for doc_id, path in db.execute("SELECT id, path FROM documents")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        log.warning("could not read the ids of %s (%s): numbering the documents afresh", generation, exc)
        return {}
