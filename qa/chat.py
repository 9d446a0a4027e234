"""The web chat (Gradio): ask, follow up, and check every cited passage with its answering sentence marked.

Each reply carries its own sources: the answer quoted with [n] markers, then every cited passage with its
document, paragraph and answering sentence (<mark>), and the paragraphs around it on demand. Under "Your
documents" a user adds files (.txt, .md, .html, .pdf) and removes documents; each file gets its own status line.
The page loads nothing from outside the server (system fonts, no analytics), so it works offline.
"""
from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import gradio as gr
from pydantic import ValidationError

from qa.collection import TooLarge
from qa.conversation import Turn
from qa.engine import Engine
from qa.lock import LockBusy
from qa.readers import SUPPORTED_SUFFIXES, ReadError
from qa.schema import MAX_QUESTION_CHARS, MAX_TOP_K, AskRequest, AskResponse, PassageOut, to_response
from qa.store import DocumentInfo
from qa.writes import Busy

log = logging.getLogger(__name__)

EXAMPLES = [
    "What did Belarus supply Russia?",
    "Who is Sviatlana Tsikhanouskaya?",
    "How many Apache helicopters is Poland buying?",
    "What did Lukashenko say about drones in August?",
]

# The system's own fonts: nothing to download, and it reads like the rest of the device.
THEME = gr.themes.Default(
    font=["system-ui", "-apple-system", "'Segoe UI'", "Roboto", "'Helvetica Neue'", "'Noto Sans'",
          "'Liberation Sans'", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "'SF Mono'", "Menlo", "Consolas", "'DejaVu Sans Mono'", "monospace"],
)

CSS = """
.gradio-container {max-width: 860px !important; margin: auto !important;}
.gradio-container .main {padding-left: min(32px, 3vw) !important; padding-right: min(32px, 3vw) !important;}
#intro h1 {margin: 0 0 2px; font-size: 1.6em; font-weight: 600;}
#intro p {margin: 0; opacity: .8;}
#documents details {font-size: .92em; opacity: .85;}
#documents summary {cursor: pointer;}
#documents ul {margin: 4px 0 0 1.2em; padding: 0;}
#chat .placeholder-content {padding: 12px 16px; opacity: .7;}
#chat .answer {margin: 0 0 6px; font-size: 1.05em; line-height: 1.5;}
#chat .searched {margin: 0 0 6px; font-size: .85em; opacity: .7;}
#chat .not-found {margin: 0 0 6px; font-weight: 600;}
#chat .source {border-left: 3px solid #f59e0b; padding: 2px 0 2px 10px; margin: 10px 0 0;}
#chat .source.weak {border-left-color: #9ca3af; opacity: .7;}
#chat .source-head {font-size: .85em; opacity: .85; margin-bottom: 2px;}
#chat .source-head b {font-weight: 700;}
#chat .source-head .score {white-space: nowrap;}
#chat .source p {margin: 2px 0; line-height: 1.5; font-size: .95em;}
#chat mark {background: #fde68a; color: #111; padding: 0 2px; border-radius: 2px;}
#chat details summary {cursor: pointer; font-size: .85em; opacity: .8;}
#chat .context {opacity: .65;}
#chat details.nearest {margin-top: 6px; opacity: .8;}
#controls {align-items: end; gap: 8px;}
#clear {flex-grow: 0 !important; min-width: 120px !important;}
#your-documents .column {gap: 10px;}
#documents-status .html-container {padding: 0 !important;}
#documents-status .hint {margin: 0; font-size: .85em; opacity: .75;}
#documents-status .status {list-style: none; margin: 4px 0 0; padding: 0;}
#documents-status .status:empty {display: none;}
#documents-status .status li {margin: 2px 0; line-height: 1.4; font-size: .95em;}
#documents-status .status .error {color: #b91c1c;}
#documents-status .status .pending {opacity: .75;}
#remove-row {align-items: end; gap: 8px;}
#remove {flex-grow: 0 !important; min-width: 100px !important;}
#chat .message-row.panel {padding-top: 10px !important; padding-bottom: 10px !important;}
@media (max-width: 500px) {
  #chat .message-row.panel {padding-left: 8px !important; padding-right: 8px !important;}
  #chat .message {padding-left: 2px !important; padding-right: 2px !important;}
  #intro h1 {font-size: 1.3em;}
}
"""

# After a reply, show the question just asked at the top of the chat, rather than the end of its sources.
SHOW_LAST_QUESTION = """() => setTimeout(() => {
  const log = document.querySelector('#chat [role=log]'), asked = document.querySelectorAll('#chat .user-row');
  const last = asked[asked.length - 1];
  if (log && last) log.scrollTop += last.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
  document.querySelector('#chat').scrollIntoView({block: 'nearest'});
}, 50)"""
SOURCES = "<div class='sources'>"  # where the cited passages start in an assistant message
CONTEXT_CHARS = 600  # at most this much of each neighbouring paragraph in "Show in context"


def text_of(content: object) -> str:
    """The text of a chat message, whichever shape Gradio gives it in."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", content.get("value", "")))
    if isinstance(content, list):
        return " ".join(text_of(part) for part in content)
    return ""


def plain(message: str) -> str:
    """An assistant message as plain text: the answer alone, without its sources or markup."""
    return html.unescape(re.sub(r"<[^>]+>", " ", message.split(SOURCES)[0])).strip()


def history_turns(history: list[dict] | None) -> list[Turn]:
    """Gradio's chat history as conversation turns, oldest first."""
    return [Turn(m["role"], plain(text_of(m.get("content")))) for m in history or []
            if m.get("role") in ("user", "assistant")]


def marked(text: str, start: int, end: int) -> str:
    """The passage as HTML with its answering sentence in <mark>."""
    return f"{html.escape(text[:start])}<mark>{html.escape(text[start:end])}</mark>{html.escape(text[end:])}"


def neighbours(document: str, start: int, end: int) -> tuple[str, str]:
    """The text just before and after a passage in its document, up to a paragraph each way."""
    before = document[:start].rstrip().rsplit("\n\n", 1)[-1] if start else ""
    after = document[end:].lstrip().split("\n\n", 1)[0]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return before, after


def source_html(p: PassageOut, document: str, weak: bool) -> str:
    """One cited passage: where it is, its text with the answering sentence marked, and its context on demand."""
    passage = marked(p.text, p.highlight.start, p.highlight.end)
    before, after = neighbours(document, p.start, p.end)
    context = "".join(f"<p class='context'>{html.escape(t)}</p>" if t != p.text else f"<p>{passage}</p>"
                      for t in (before, p.text, after) if t)
    return (f"<div class='source{' weak' if weak else ''}'>"
            f"<div class='source-head' title='characters {p.start}–{p.end} of the document'>"
            f"<b>[{p.rank}]</b> {html.escape(p.document.title)} · {'' if p.page is None else f'page {p.page}, '}"
            f"paragraph {p.paragraph} · "
            f"<span class='score'>relevance {p.score:.2f}</span></div>"
            f"<p>{passage}</p>"
            f"<details><summary>Show in context</summary>{context}</details></div>")


def quoted(response: AskResponse, p: PassageOut, threshold: float) -> bool:
    """Whether a passage answers: the answer quotes it, or it is relevant enough by itself."""
    return response.found and (f"[{p.rank}]" in response.answer or p.score >= threshold)


def reply_html(response: AskResponse, question: str, threshold: float,
               document_text: Callable[[str], str]) -> str:
    """The assistant's message: the quoted answer and its sources, or a plain 'no' with the nearest passages."""
    sources = "".join(source_html(p, document_text(p.document.id), weak=not quoted(response, p, threshold))
                      for p in response.passages)
    searched = ("" if response.query.strip() == question.strip()
                else f"<p class='searched'>Searched for: {html.escape(response.query)}</p>")
    if response.found:
        return f"<p class='answer'>{html.escape(response.answer)}</p>{searched}{SOURCES}{sources}</div>"
    nearest = (f"<details class='nearest'><summary>The nearest passages (none of them answers it)</summary>"
               f"{sources}</details>" if sources else "")
    return f"<p class='not-found'>{html.escape(response.answer)}</p>{searched}{SOURCES}{nearest}</div>"


def counted(n: int, noun: str) -> str:
    """'1 passage', '3 passages'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def documents_html(engine: Engine) -> str:
    """The documents being searched, with how many passages each has."""
    docs = engine.index.documents()
    if not docs:
        return "<p>No documents to search yet: add some under “Your documents” below.</p>"
    total = sum(d.passages for d in docs)
    rows = "".join(f"<li>{html.escape(d.title)} ({counted(d.passages, 'passage')})</li>" for d in docs)
    summary = "Searching 1 document" if len(docs) == 1 else f"Searching {len(docs)} documents, {total} passages"
    return f"<details{' open' if len(docs) <= 5 else ''}><summary>{summary}</summary><ul>{rows}</ul></details>"


# "Your documents": adding files and removing documents, one status line for each.
Status = tuple[Literal["ok", "error", "pending"], str]  # (kind, message)
STATUS_MARKS = {"ok": "✓ ", "error": "✗ ", "pending": ""}


def document_choices(docs: Sequence[DocumentInfo]) -> list[tuple[str, str]]:
    """(label, id) for the remove dropdown: the title, with the file name when two documents share a title."""
    titles = [d.title for d in docs]
    return [(d.title if titles.count(d.title) == 1 else f"{d.title} ({Path(d.path).name})", d.id) for d in docs]


def added(doc: DocumentInfo, created: bool) -> Status:
    """The status line for what `Engine.add` returned."""
    if created:
        return "ok", f"Added “{doc.title}” ({counted(doc.passages, 'passage')}): ask about it now."
    return "ok", f"“{doc.title}” is already there ({counted(doc.passages, 'passage')}): nothing was added."


def add_file(engine: Engine, path: str | Path) -> Status:
    """Add one uploaded file to the documents; what happened, in words (never a traceback)."""
    file = Path(path)
    try:
        return added(*engine.collection.add_path(file))
    except (ReadError, TooLarge, Busy, LockBusy) as exc:
        return "error", f"{file.name} was not added: {str(exc).rstrip('.')}."
    except Exception:
        log.exception("adding %s failed", file.name)
        return "error", f"{file.name} was not added: something went wrong on the server (its log says what)."


def remove_document(engine: Engine, doc_id: str | None) -> Status:
    """Remove one document by id; what happened, in words."""
    if not doc_id:
        return "error", "Choose a document to remove first."
    doc = engine.index.document(doc_id)
    if doc is None or not engine.collection.remove(doc_id):
        return "error", "That document is no longer there: it was removed meanwhile."
    return "ok", f"Removed “{doc.title}”: it will not be cited again."


def upload_hint(limit_mb: float) -> str:
    """What can be added, shown above the status lines."""
    return (f"{', '.join(SUPPORTED_SUFFIXES)} files of up to {limit_mb:g} MB each, several at once; "
            "they can be asked about as soon as they are added.")


def status_html(statuses: Sequence[Status], hint: str = "") -> str:
    """The hint, then one status line per file or removal (announced to screen readers as they change)."""
    rows = "".join(f"<li class='{kind}'>{STATUS_MARKS[kind]}{html.escape(message)}</li>"
                   for kind, message in statuses)
    shown_hint = f"<p class='hint'>{html.escape(hint)}</p>" if hint else ""
    return f"{shown_hint}<ul class='status' role='status'>{rows}</ul>"


def forget_upload(path: str | Path) -> None:
    """Delete Gradio's temporary copy of an upload: the index keeps its own, and a removed document is gone."""
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete the uploaded copy %s", path)


def build(engine: Engine) -> gr.Blocks:
    """The chat page, with `ask` also served as Gradio's client API endpoint `/ask`."""
    def answer(question: str, history: list[dict] | None, top_k: int | None) -> AskResponse:
        try:
            request = AskRequest(question=question, top_k=top_k)
        except ValidationError as exc:
            raise gr.Error(exc.errors()[0]["msg"], title="Cannot ask that") from None
        return to_response(engine.ask(request.question, history_turns(history), request.top_k))

    def respond(question: str, history: list[dict], top_k: float) -> tuple[list[dict], str]:
        question = (question or "").strip()
        if not question:
            return history, ""
        if len(question) > MAX_QUESTION_CHARS:
            gr.Warning(f"The question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}.")
            return history, question
        response = answer(question, history, int(top_k))
        document_text = cache(lambda doc_id: engine.index.document_text(doc_id) or "")  # once per reply
        reply = reply_html(response, question, engine.settings.min_relevance, document_text)
        return [*(history or []), {"role": "user", "content": question},
                {"role": "assistant", "content": reply}], ""

    def ask(question: str, top_k: int = engine.settings.top_k) -> dict:
        """Ask the documents a question in plain words.

        Returns the answer quoted from the documents with [n] markers, whether the documents answer it at all
        (found), what was searched (query), and the cited passages with their document, paragraph, text and
        the answering sentence's character span (highlight).

        Args:
            question: the question, e.g. "What did Belarus supply Russia?"
            top_k: how many passages to return, 1 to 20
        """
        return answer(question, None, top_k).model_dump()

    def listed() -> tuple[str, gr.Dropdown]:
        """The documents list and the remove dropdown, as they are now."""
        choices = document_choices(engine.index.documents())
        return documents_html(engine), gr.Dropdown(choices=choices, value=None)

    hint = upload_hint(engine.settings.max_upload_mb)

    def adding(paths: list[str] | None) -> str:
        return status_html([("pending", f"Adding {Path(p).name}…") for p in paths or []], hint)

    def add_files(paths: list[str] | None) -> tuple[str, str, gr.Dropdown]:
        statuses = []
        for path in paths or []:
            statuses.append(add_file(engine, path))
            forget_upload(path)
        return status_html(statuses, hint), *listed()

    def remove_chosen(doc_id: str | None) -> tuple[str, str, gr.Dropdown]:
        return status_html([remove_document(engine, doc_id)], hint), *listed()

    with gr.Blocks(title="Ask the documents", analytics_enabled=False) as blocks:
        gr.Markdown("# Ask the documents\nAnswers are quoted from the documents, each with the passage it "
                    "comes from.", elem_id="intro")
        documents = gr.HTML(documents_html(engine), elem_id="documents", padding=False)
        chatbot = gr.Chatbot(show_label=False, elem_id="chat", layout="panel", height=None, min_height=160,
                             max_height="65vh", autoscroll=False, feedback_options=None, buttons=[],
                             latex_delimiters=[], placeholder="Ask a question below, or try one of the examples.")
        question = gr.Textbox(show_label=False, placeholder="Ask a question", lines=1,
                              max_lines=4, elem_id="question", submit_btn="Ask", autofocus=True)
        with gr.Row(elem_id="controls"):
            top_k = gr.Slider(1, MAX_TOP_K, value=engine.settings.top_k, step=1, label="Passages to show",
                              elem_id="top-k", scale=3)
            clear = gr.Button("Clear", variant="secondary", size="md", elem_id="clear", scale=0)
        examples = gr.Examples(EXAMPLES, inputs=question, label="Examples", examples_per_page=len(EXAMPLES))
        with gr.Accordion("Your documents", open=False, elem_id="your-documents"):
            upload = gr.UploadButton("Add files", file_count="multiple", size="md", elem_id="add-documents")
            status = gr.HTML(status_html([], hint), elem_id="documents-status", padding=False)
            with gr.Row(elem_id="remove-row"):
                chosen = gr.Dropdown(document_choices(engine.index.documents()), value=None,
                                     label="Remove a document", elem_id="remove-choice", scale=3, min_width=180)
                remove = gr.Button("Remove", variant="stop", size="md", elem_id="remove", scale=0)
        for asked in (question.submit, examples.load_input_event.then):
            asked(respond, [question, chatbot, top_k], [chatbot, question], api_visibility="private").then(
                None, js=SHOW_LAST_QUESTION, api_visibility="private", queue=False)
        clear.click(lambda: ([], ""), None, [chatbot, question], api_visibility="private", queue=False)
        upload.upload(adding, upload, status, api_visibility="private", queue=False, show_progress="hidden").then(
            add_files, upload, [status, documents, chosen], api_visibility="private", show_progress="hidden")
        remove.click(remove_chosen, chosen, [status, documents, chosen], api_visibility="private",
                     show_progress_on=status)
        blocks.load(listed, None, [documents, chosen], api_visibility="private", queue=False, show_progress="hidden")
        gr.api(ask, api_name="ask")
    # Gradio accepts only files uploaded through the page as event inputs once the app is "launched", but
    # mount_gradio_app never marks it so: without this, a crafted request could make "Add files" read any
    # file on the server (Gradio 6.x, processing_utils._check_allowed).
    blocks.has_launched = True
    return blocks
