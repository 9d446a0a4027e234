"""The web chat's Gradio wiring: the page's components and what each event calls.

What a reply looks like is qa/render.py (pure HTML from an answer); what the documents panel does is
qa/documents_panel.py; the page's style and behaviour (scrolling to the newest answer, [n] markers that jump to
their source, the copy button) are qa/static/chat.css and chat.js. The page loads nothing from outside the
server (system fonts, no analytics), so it works offline.
"""
from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from qa.api import describe, out
from qa.conversation import Turn
from qa.documents_panel import (
    Removed,
    Status,
    add_file,
    confirm_html,
    forget_upload,
    label,
    reading_order,
    remove_document,
    restore,
    status_html,
    summary,
    upload_hint,
)
from qa.engine import Engine, UnknownDocuments
from qa.indexing import Progress
from qa.render import plain, question_html, reply_html
from qa.schema import MAX_QUESTION_CHARS, MAX_TOP_K, VISIBLE, AskRequest, AskResponse, to_response
from qa.store import DocumentInfo

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CSS = (STATIC / "chat.css").read_text(encoding="utf-8")
JS = (STATIC / "chat.js").read_text(encoding="utf-8")  # run once as the page loads (mount_gradio_app(js=...))

# Example questions, by the title of the document that answers them: they are offered while it is there.
EXAMPLES = {
    "How much time has he got left? Putin’s clock is ticking for Lukashenko in Belarus.": [
        "What did Belarus supply Russia?",
        "Who is Sviatlana Tsikhanouskaya?",
        "How many Apache helicopters is Poland buying?",
        "What did Lukashenko say about drones in August?",
    ],
}

# The system's own fonts: nothing to download, and it reads like the rest of the device.
THEME = gr.themes.Default(
    font=["system-ui", "-apple-system", "'Segoe UI'", "Roboto", "'Helvetica Neue'", "'Noto Sans'",
          "'Liberation Sans'", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "'SF Mono'", "Menlo", "Consolas", "'DejaVu Sans Mono'", "monospace"],
)

BUILDING_TICK = 2.0  # seconds between looks at how far the first index has got

SHOW_NEWEST = "() => window.qaShowNewest && window.qaShowNewest()"  # chat.js: the newest question and answer in view


def text_of(content: object) -> str:
    """The text of a chat message, whichever shape Gradio gives it in."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", content.get("value", "")))
    if isinstance(content, list):
        return " ".join(text_of(part) for part in content)
    return ""


def history_turns(history: list[dict] | None) -> list[Turn]:
    """Gradio's chat history as conversation turns, oldest first."""
    return [Turn(m["role"], plain(text_of(m.get("content")))) for m in history or []
            if m.get("role") in ("user", "assistant")]


def searched(docs: Sequence[DocumentInfo], chosen: Sequence[str], building: Progress | None = None) -> str:
    """The line above the chat, as HTML: what a question searches, or, while the first index is built, how far that
    has got (announced to screen readers as it changes)."""
    if building is not None and building.failed:
        return (f"<p class='indexing failed' role='status'>The documents could not be indexed: "
                f"{html.escape(str(building))}. The server's log says why: restart it once that is fixed.</p>")
    if building is not None:
        return (f"<p class='indexing' role='status'>Indexing the documents: {html.escape(str(building))}. "
                "Questions can be asked once it is done.</p>")
    return f"<p>{html.escape(summary(docs, chosen))}</p>"


def ticked(docs: Sequence[DocumentInfo], chosen: Sequence[str] | None) -> tuple[list[DocumentInfo], int]:
    """The ticked documents still there, and how many ticked ones are gone (removed from another window)."""
    ids = {d.id for d in docs}
    return [d for d in docs if d.id in (chosen or [])], len(set(chosen or []) - ids)


def gone_message(gone: int, others: bool = False) -> str:
    """What the chat says when ticked documents were removed meanwhile: with `others`, that it asked the rest."""
    which = "One document you ticked was" if gone == 1 else f"{gone} documents you ticked were"
    if others:
        return f"{which} removed meanwhile: only the other ticked documents were asked."
    return (f"{which} removed meanwhile, so nothing was asked: tick other documents, or none to ask every "
            "document, and ask again.")


def build(engine: Engine) -> gr.Blocks:
    """The chat page, with `ask` also served as Gradio's client API endpoint `/ask`."""
    hint = upload_hint(engine.settings.max_upload_mb)

    def shown(statuses: Sequence[Status]) -> str:
        return status_html(statuses, hint, engine.settings.max_upload_mb)

    def answer(question: str, history: list[dict] | None, top_k: int | None,
               documents: list[str] | None = None) -> AskResponse:
        try:
            request = AskRequest(question=question, top_k=top_k, documents=documents)  # [] is refused, as by HTTP
            return to_response(engine.ask(request.question, history_turns(history), request.top_k,
                                          request.documents))
        except ValidationError as exc:  # the caller's mistake: said to them, no traceback in the server's log
            raise gr.Error(describe(RequestValidationError(exc.errors())), title="Cannot ask that",
                           print_exception=False) from None
        except UnknownDocuments as exc:
            raise gr.Error(str(exc), title="Cannot ask those documents", print_exception=False) from None

    def respond(question: str, history: list[dict], top_k: float, chosen: list[str]) -> tuple[list[dict], str]:
        question = (question or "").strip()
        if not VISIBLE.search(question):  # nothing that shows (white space, zero-width marks): nothing to ask
            return history, ""
        if len(question) > MAX_QUESTION_CHARS:
            gr.Warning(f"The question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}.")
            return history, question
        asked, gone = ticked(engine.index.documents(), chosen)
        if gone and not asked:  # asking every document instead would cite ones the user did not choose
            note = f"<p class='gone'>{html.escape(gone_message(gone))}</p>"
            return [*(history or []), {"role": "user", "content": question_html(question)},
                    {"role": "assistant", "content": note}], question  # kept in the box, to ask again
        if gone:
            gr.Warning(gone_message(gone, others=True))
        response = answer(question, history, int(top_k), [d.id for d in asked] or None)  # none ticked: all
        document_text = cache(lambda doc_id: engine.index.document_text(doc_id) or "")  # once per reply
        replies = sum(m.get("role") == "assistant" for m in history or [])
        reply = reply_html(response, question, engine.settings.min_relevance, document_text, f"r{replies + 1}",
                           [d.title for d in asked])
        return [*(history or []), {"role": "user", "content": question_html(question)},
                {"role": "assistant", "content": reply}], ""

    def ask(question: str, top_k: int = engine.settings.top_k, documents: list[str] | None = None) -> dict:
        """Ask the documents a question in plain words.

        Returns the answer quoted from the documents with [n] markers, whether the documents answer it at all
        (found), what was searched (query), and the cited passages with their document, paragraph, text and
        the answering sentence's character span (highlight).

        Args:
            question: the question, e.g. "What did Belarus supply Russia?"
            top_k: how many passages to return, 1 to 20
            documents: ask only these documents (ids, as the documents tool or GET /api/documents lists them);
                none: all of them
        """
        return answer(question, None, top_k, documents).model_dump()

    def documents() -> list[dict]:
        """List the documents being searched: the ids `ask` takes in `documents`, with titles and passage counts.

        Returns one entry a document: its id, title, path (where it came from) and how many passages it has.
        """
        return [out(d).model_dump() for d in engine.index.documents()]  # as GET /api/documents lists them

    def listed(chosen: list[str] | None) -> tuple[Any, ...]:
        """The documents as they are now: the rows of the list, the ticked ones still there, the line above the
        chat, the examples whose document is there, and the panel's title."""
        # read before the index: a build done meanwhile serves its index before it clears `building`
        building = engine.collection.building
        docs = sorted(engine.index.documents(), key=reading_order)
        ids = {d.id for d in docs}
        kept = [c for c in chosen or [] if c in ids]
        rows = [{"id": d.id, "label": label(d, docs), "title": d.title} for d in docs]
        examples = [[q] for d in docs for q in EXAMPLES.get(d.title, [])]
        return (rows, kept, searched(docs, kept, building), gr.Dataset(samples=examples, visible=bool(examples)),
                gr.Accordion(label=f"Your documents ({len(docs)})"),
                gr.Timer(active=building is not None and not building.failed))

    def adding(paths: list[str] | None) -> tuple[str, Any]:
        lines: list[Status] = [("pending", f"Adding {Path(p).name}…") for p in paths or []]
        return shown(lines), gr.UploadButton(interactive=False)

    def add_files(paths: list[str] | None, chosen: list[str], progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        statuses: list[Status] = []
        files = paths or []
        for number, path in enumerate(files):
            size = Path(path).stat().st_size / (1024 * 1024) if Path(path).exists() else 0
            progress((number, len(files)), desc=f"Adding {Path(path).name} ({size:.1f} MB)", unit="files")
            statuses.append(add_file(engine, path))
            forget_upload(path)
        return shown(statuses), gr.UploadButton(interactive=True), *listed(chosen)

    def remove_confirmed(doc_id: str, chosen: list[str]) -> tuple[Any, ...]:
        status, kept = remove_document(engine, doc_id)
        return (shown([status]), kept, gr.Button(visible=kept is not None), "", *listed(chosen))

    def undo(removed: Removed | None, chosen: list[str]) -> tuple[Any, ...]:
        if removed is None:
            return (shown([("error", "There is nothing to undo.")]), None, gr.Button(visible=False),
                    "", *listed(chosen))
        return (shown([restore(engine, removed)]), None, gr.Button(visible=False), "",
                *listed(chosen))

    def toggle(doc_id: str, ticked: bool, chosen: list[str]) -> tuple[list[str], str]:
        now = [c for c in chosen or [] if c != doc_id] + ([doc_id] if ticked else [])
        return now, searched(engine.index.documents(), now, engine.collection.building)

    with gr.Blocks(title="Ask the documents", analytics_enabled=False) as blocks:
        chosen = gr.State([])          # ids of the documents to ask only ([]: all of them)
        # The list's rows, and the id of the document whose removal awaits confirmation: components, not
        # gr.State, since a State's change event does not fire in Gradio 6 (gradio-app/gradio#12224).
        rows = gr.JSON([], visible="hidden", elem_id="document-rows")
        confirming = gr.Textbox("", visible="hidden", elem_id="confirming")
        removed = gr.State(None)       # what Undo brings back
        gr.Markdown("# Ask the documents\nAnswers are quoted from the documents, each with the passage it "
                    "comes from.", elem_id="intro")
        searching = gr.HTML("", elem_id="documents", padding=False)
        chatbot = gr.Chatbot(show_label=False, elem_id="chat", layout="panel", height=None, min_height=160,
                             max_height="65vh", autoscroll=False, feedback_options=None, buttons=[],
                             latex_delimiters=[], placeholder="Ask a question of your documents below.")
        question = gr.Textbox(show_label=False, placeholder="Ask a question", lines=1,
                              max_lines=4, elem_id="question", submit_btn="Ask", autofocus=True)
        with gr.Row(elem_id="controls"):
            top_k = gr.Slider(1, MAX_TOP_K, value=engine.settings.top_k, step=1, label="Passages to show",
                              elem_id="top-k", scale=3)
            clear = gr.Button("New conversation", variant="secondary", size="md", elem_id="clear", scale=0)
        examples = gr.Dataset(components=[question], samples=[], label="Examples", elem_id="examples",
                              samples_per_page=20)
        with gr.Accordion("Your documents", open=False, elem_id="your-documents") as panel:
            gr.Markdown("Tick documents to ask only those; with none ticked, every document is asked.",
                        elem_id="documents-help")

            @gr.render(inputs=[rows, chosen, confirming], triggers=[rows.change, confirming.change])
            def document_rows(listing: list[dict] | None, ticked: list[str], pending: str | None) -> None:
                if not listing:
                    gr.HTML("<p class='empty'>No documents yet: add files below.</p>", elem_id="no-documents")
                for row in listing or []:
                    with gr.Row(elem_classes=["doc-row"], key=f"row-{row['id']}", equal_height=True):
                        box = gr.Checkbox(row["id"] in ticked, label=row["label"], container=False, scale=5,
                                          min_width=0, elem_classes=["doc-ask"], key=f"ask-{row['id']}")
                        box.input(lambda on, now, i=row["id"]: toggle(i, on, now), [box, chosen],
                                  [chosen, searching], api_visibility="private", queue=False,
                                  show_progress="hidden")
                        if pending != row["id"]:
                            gr.Button("Remove", size="sm", scale=0, min_width=90, elem_classes=["doc-remove"],
                                      key=f"remove-{row['id']}").click(
                                lambda i=row["id"]: i, None, confirming, api_visibility="private", queue=False)
                    if pending == row["id"]:
                        with gr.Row(elem_classes=["doc-confirm"], key=f"confirm-{row['id']}"):
                            gr.HTML(confirm_html(row["title"]),
                                    padding=False, elem_classes=["confirm-text"])
                            gr.Button("Yes, remove it", variant="stop", size="sm", scale=0, min_width=120,
                                      elem_classes=["confirm-remove"]).click(
                                lambda now, i=row["id"]: remove_confirmed(i, now), chosen,
                                [status, removed, undo_button, confirming, rows, chosen, searching, examples,
                                 panel], api_visibility="private", show_progress_on=status)
                            gr.Button("Keep it", size="sm", scale=0, min_width=90,
                                      elem_classes=["cancel-remove"]).click(
                                lambda: "", None, confirming, api_visibility="private", queue=False)

            upload = gr.UploadButton("Add files", file_count="multiple", size="md", elem_id="add-documents")
            with gr.Row(elem_id="status-row"):
                status = gr.HTML(shown([]), elem_id="documents-status", padding=False)
                undo_button = gr.Button("Undo", visible=False, size="sm", scale=0, min_width=80, elem_id="undo")
        # while the first index is built, the line above the chat tells how far it has got, and the list fills once
        # it is done (the timer runs only then: `listed` starts and stops it)
        indexing_timer = gr.Timer(BUILDING_TICK, active=False)
        listing = [rows, chosen, searching, examples, panel, indexing_timer]
        asking = ([question, chatbot, top_k, chosen], [chatbot, question])
        picked = examples.click(lambda sample: sample[0], examples, question, api_visibility="private", queue=False)
        for event in (question.submit(respond, *asking, api_visibility="private"),
                      picked.then(respond, *asking, api_visibility="private")):
            event.then(None, js=SHOW_NEWEST, api_visibility="private", queue=False)
        clear.click(lambda: ([], ""), None, [chatbot, question], api_visibility="private", queue=False)
        upload.upload(adding, upload, [status, upload], api_visibility="private", queue=False,
                      show_progress="hidden").then(
            add_files, [upload, chosen], [status, upload, *listing], api_visibility="private",
            show_progress_on=status)
        undo_button.click(undo, [removed, chosen], [status, removed, undo_button, confirming, *listing],
                          api_visibility="private", show_progress_on=status)
        blocks.load(listed, chosen, listing, api_visibility="private", queue=False, show_progress="hidden")
        indexing_timer.tick(listed, chosen, listing, api_visibility="private", queue=False, show_progress="hidden")
        gr.api(ask, api_name="ask")
        gr.api(documents, api_name="documents")  # an MCP client finds the ids to ask within (GET /api/documents)
    # Gradio accepts only files uploaded through the page as event inputs once the app is "launched", but
    # mount_gradio_app never marks it so: without this, a crafted request could make "Add files" read any
    # file on the server (Gradio 6.x, processing_utils._check_allowed).
    blocks.has_launched = True
    return blocks
