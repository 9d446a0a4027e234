"""The chat's "Your documents" panel, apart from its Gradio wiring: add files, remove and restore documents, and
say what happened in words, one status line each (never a traceback)."""
from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from qa.collection import TooLarge
from qa.engine import Engine
from qa.library import LIBRARY
from qa.lock import LockBusy
from qa.readers import SUPPORTED_SUFFIXES, ReadError
from qa.render import counted
from qa.store import DocumentInfo
from qa.writes import Busy

log = logging.getLogger(__name__)

Status = tuple[Literal["ok", "info", "error", "pending"], str]  # (kind, message)
STATUS_MARKS = {"ok": "✓ ", "info": "= ", "error": "✗ ", "pending": ""}


# What can keep a file out, said to the user in words: unreadable, too large, the write queue full, the index
# held by another writer.
REFUSED = (ReadError, TooLarge, Busy, LockBusy)


@dataclass(frozen=True)
class Removed:
    """What "Undo" needs to bring a removed document back: its file's name and bytes."""
    title: str
    name: str
    data: bytes


def added(doc: DocumentInfo, created: bool) -> Status:
    """The status line for what `Engine.add` returned: a duplicate is no success, so it gets no tick."""
    if created:
        return "ok", f"Added “{doc.title}” ({counted(doc.passages, 'passage')}): ask about it now."
    return "info", f"“{doc.title}” was already there ({counted(doc.passages, 'passage')}): nothing was added."


def add_file(engine: Engine, path: str | Path) -> Status:
    """Add one uploaded file to the documents; what happened, in words."""
    file = Path(path)
    try:
        return added(*engine.collection.add_path(file))  # the collection holds the one upload limit
    except FileNotFoundError:
        if file.exists():  # something else went missing while adding: the server's fault, logged below
            log.exception("adding %s failed", file.name)
            return "error", f"{file.name} was not added: something went wrong on the server (its log says what)."
        # Gradio keeps one copy of an upload per content: another window that uploaded the same file at the same
        # time added it and deleted that copy (forget_upload) before this one read it
        return "info", (f"{file.name} was not added from this window: the same file was being added from another "
                        "one (see the list; if it is not there, add it again).")
    except REFUSED as exc:
        return "error", f"{file.name} was not added: {str(exc).rstrip('.')}."
    except Exception:
        log.exception("adding %s failed", file.name)
        return "error", f"{file.name} was not added: something went wrong on the server (its log says what)."


def original(engine: Engine, doc: DocumentInfo) -> Path:
    """Where a document's file is: the library beside the index for added ones, else the documents folder."""
    root = engine.settings.index if doc.path.startswith(LIBRARY + "/") else engine.settings.docs
    return root / doc.path


def remove_document(engine: Engine, doc_id: str | None) -> tuple[Status, Removed | None]:
    """Remove one document by id; what happened, in words, and what Undo needs to bring it back."""
    doc = engine.index.document(doc_id) if doc_id else None
    if doc is None:
        return ("error", "That document is no longer there: it was removed meanwhile."), None
    try:
        kept: Removed | None = Removed(doc.title, Path(doc.path).name, original(engine, doc).read_bytes())
    except OSError:
        kept = None  # its file is gone already: nothing to restore from
    if not engine.collection.remove(doc.id):
        return ("error", "That document is no longer there: it was removed meanwhile."), None
    return ("ok", f"Removed “{doc.title}”: it will not be cited again."), kept


def restore(engine: Engine, removed: Removed) -> Status:
    """Undo a removal: add the document's file again (a bundled document comes back as an added copy)."""
    try:
        doc, _ = engine.collection.add(removed.name, removed.data)
    except REFUSED as exc:
        return "error", f"“{removed.title}” could not be restored: {exc}"
    return "ok", (f"Restored “{doc.title}” ({counted(doc.passages, 'passage')}) as a new document: its citations "
                  "above no longer open, a new question cites it again.")


def forget_upload(path: str | Path) -> None:
    """Delete Gradio's temporary copy of an upload: the index keeps its own, and a removed document is gone."""
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete the uploaded copy %s", path)


def upload_hint(limit_mb: float) -> str:
    """What can be added, shown above the status lines."""
    return (f"{', '.join(SUPPORTED_SUFFIXES)} files of up to {limit_mb:g} MB each, several at once; "
            "they can be asked about as soon as they are added.")


def upload_cap(limit_mb: float) -> int:
    """Bytes above which the page refuses a file before sending it (Gradio's max_file_size): twice the limit,
    so a file a little over the limit still reaches the server, which says by how much."""
    return int(2 * limit_mb * 1024 * 1024)


def status_html(statuses: Sequence[Status], hint: str = "", limit_mb: float | None = None) -> str:
    """The hint, then one status line per file or removal (announced to screen readers as they change).

    With `limit_mb`, the list carries the limit and the cap for chat.js, which speaks for files the page
    refuses to send."""
    rows = "".join(f"<li class='{kind}'>{STATUS_MARKS[kind]}{html.escape(message)}</li>"
                   for kind, message in statuses)
    shown_hint = f"<p class='hint'>{html.escape(hint)}</p>" if hint else ""
    limits = ("" if limit_mb is None else
              f" data-limit-mb='{limit_mb:g}' data-cap-bytes='{upload_cap(limit_mb)}'")
    return f"{shown_hint}<ul class='status' role='status'{limits}>{rows}</ul>"


def confirm_html(title: str) -> str:
    """The question asked before a document is removed."""
    return f"<p>Remove “{html.escape(title)}”? It will no longer be searched or cited.</p>"


def reading_order(doc: DocumentInfo) -> tuple[list[str | int], str]:
    """A document's place in the list: by title as a reader looks for it, its numbers as numbers ("5 Files" before
    "12 Expansion"), then by id."""
    parts = re.split(r"(\d+)", doc.title.casefold())
    return [int(part) if i % 2 else part for i, part in enumerate(parts)], doc.id


def label(doc: DocumentInfo, docs: Sequence[DocumentInfo]) -> str:
    """A document's line in the list: its title (with the file name when two share it) and passage count."""
    twin = sum(d.title == doc.title for d in docs) > 1
    return f"{doc.title}{f' ({Path(doc.path).name})' if twin else ''} · {counted(doc.passages, 'passage')}"


def summary(docs: Sequence[DocumentInfo], chosen: Sequence[str]) -> str:
    """The line above the chat: what a question searches."""
    if not docs:
        return "No documents yet: add some under “Your documents” below."
    asked = [d for d in docs if d.id in chosen]
    if asked:
        names = ", ".join(f"“{d.title}”" for d in asked[:3]) + (" …" if len(asked) > 3 else "")
        return f"Asking only {len(asked)} of {len(docs)} documents: {names}"
    total = sum(d.passages for d in docs)
    if len(docs) == 1:
        return f"Searching 1 document: “{docs[0].title}” ({counted(total, 'passage')})"
    return f"Searching all {len(docs)} documents ({counted(total, 'passage')})"
