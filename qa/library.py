"""The originals of added documents, kept beside the index under safe names, and the folder documents removed."""
from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
import uuid
from pathlib import Path

from qa.readers import suffix_of

log = logging.getLogger(__name__)

LIBRARY = "library"          # <index>/library/: originals of documents added by upload or `qa add`
REMOVED = "removed.json"     # <index>/removed.json: documents-folder files the user removed {path: sha256}


def safe_name(name: str) -> str:
    """A plain file name from whatever a client sent: no folders, no '..', no leading dot, only letters (of any
    script: "résumé.txt" keeps its title), digits, '.', '_' and '-'."""
    base = re.split(r"[\\/]", name.strip())[-1]
    suffix = suffix_of(base)
    stem = base[: len(base) - len(suffix)] if suffix else base
    stem = "".join(c if unicodedata.category(c)[0] in "LMN" or c in "._-" else " "
                   for c in unicodedata.normalize("NFC", stem))  # letters with their marks: "हिन्दी" stays whole
    stem = re.sub(r" +", "-", stem).strip(".-_")[:100]
    while len(stem.encode()) > 200:  # a file name may hold 255 bytes: letters of other scripts take 2-4 each
        stem = stem[:-1]
    return (stem or "document") + suffix


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_original(root: Path, name: str, data: bytes) -> Path:
    """Keep an added file in the library under a safe, unused name; returns where it went."""
    folder = root / LIBRARY
    target = folder / safe_name(name)
    number = 2
    while target.exists():
        target = folder / f"{Path(safe_name(name)).stem}-{number}{suffix_of(target.name)}"
        number += 1
    write_atomically(target, data)
    return target


def removed(root: Path) -> dict[str, str]:
    """Documents-folder files the user removed: {relative path: sha256 of the removed content}."""
    path = root / REMOVED
    if not path.exists():
        return {}
    try:
        return {str(k): str(v) for k, v in dict(json.loads(path.read_text(encoding="utf-8"))).items()}
    except (OSError, ValueError, TypeError) as exc:
        # the removals are also kept in ids.json (qa.ids), which the index consults as well
        log.error("%s is damaged (%s): the removals recorded in ids.json still apply", path, exc)
        return {}


def mark_removed(root: Path, path: str, sha256: str) -> None:
    """Remember that a documents-folder file was removed, so the next start does not index it again.

    If the file later changes, its new content is indexed again.
    """
    write_atomically(root / REMOVED, json.dumps({**removed(root), path: sha256}, indent=1).encode("utf-8"))
