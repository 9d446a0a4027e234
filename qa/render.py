"""The web chat's HTML, pure functions of what they show: a reply from an AskResponse, a question, a document page.

A reply is the answer, its `[n]` markers linked to the cited passages below it, then one card per passage. Its
colours read one way: an orange bar and a yellow mark only on passages the answer quotes; relevant passages it
does not quote get a grey bar and their best sentence underlined; passages below the relevance threshold are
greyed, unmarked. Each card says where the passage is (document, page, paragraph, character span), its
calibrated relevance, the paragraphs around it on demand, and links to the whole document with it marked.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Literal
from urllib.parse import quote, urlencode

from qa.answer import MAYBE, page_words, unwrapped
from qa.schema import AskResponse, PassageOut

SOURCES = "<div class='sources'>"  # where the cited passages start in an assistant message
CONTEXT_CHARS = 600  # at most this much of each neighbouring paragraph in "Show in context"
Kind = Literal["quoted", "relevant", "possible", "weak"]


def question_html(question: str) -> str:
    """A question as the user typed it, shown as text: any HTML or Markdown in it is not rendered."""
    return f"<p class='question'>{lines(html.escape(question))}</p>"  # an HTML block: no Markdown


def lines(escaped: str) -> str:
    """Escaped text for a chat message, its line breaks as <br>: the chat reads a message as Markdown, and a blank
    line ends the HTML block it is in, so that a passage's "\n\n# Keep 7 daily archives" (a comment in a script)
    was shown as a heading, and what followed it as Markdown."""
    return escaped.replace("\r", "").replace("\n", "<br>")


def marked(text: str, start: int, end: int, tag: str = "mark") -> str:
    """Text as HTML with [start, end) wrapped in `tag` (<mark> for a quoted sentence)."""
    return f"{html.escape(text[:start])}<{tag}>{html.escape(text[start:end])}</{tag}>{html.escape(text[end:])}"


def neighbours(document: str, start: int, end: int) -> tuple[str, str]:
    """The text just before and after a passage in its document, up to a paragraph each way."""
    before = document[:start].rstrip().rsplit("\n\n", 1)[-1] if start else ""
    after = document[end:].lstrip().split("\n\n", 1)[0]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return before, after


def view_url(doc_id: str, start: int, end: int) -> str:
    """The document view (qa/api.py `/view/{id}`) with a passage marked and scrolled to."""
    return f"/view/{quote(doc_id, safe='')}?{urlencode({'start': start, 'end': end})}#cited"


def original_url(doc_id: str, page: int | None = None) -> str:
    """A document's original file (qa/api.py `/api/documents/{id}/file`), a PDF opened at a page of the file (#page
    counts the file's pages, not their printed numbers)."""
    return f"/api/documents/{quote(doc_id, safe='')}/file" + ("" if page is None else f"#page={page}")


def unsure(response: AskResponse) -> bool:
    """Whether a declined reply says the documents may answer after all (qa.answer.MAYBE): its passages are shown."""
    return not response.found and response.answer.startswith(MAYBE.split(":")[0])


def kind_of(response: AskResponse, p: PassageOut, threshold: float) -> Kind:
    """How a passage stands: quoted in the answer, relevant but not quoted, the closest of a reply unsure whether
    the documents answer, or below the relevance threshold."""
    if response.found and f"[{p.rank}]" in response.answer:
        return "quoted"
    if unsure(response) and p.rank == 1:
        return "possible"
    return "relevant" if response.found and p.score >= threshold else "weak"


SCORE_HELP = "the calibrated chance that this passage answers the question"
KIND_LABELS = {"quoted": "quoted in the answer", "relevant": "relevant, not quoted", "possible": "may answer",
               "weak": "unlikely to answer"}


def within(section: str, title: str) -> str:
    """A section path as a card shows it after the document's title: without the title it opens with, its parts
    joined by " › " ("Ferry guide > Tickets > Prices" in "Ferry guide": "Tickets › Prices")."""
    parts = section.split(" > ") if section else []
    if parts and parts[0] == title:
        parts = parts[1:]
    return " › ".join(parts)


def source_html(p: PassageOut, document: str, kind: Kind, anchor: str) -> str:
    """One cited passage: where it is, its text, the paragraphs around it on demand, and a link to the document."""
    span = (p.highlight.start, p.highlight.end)
    passage = lines(marked(p.text, *span) if kind == "quoted" else marked(p.text, *span, tag="u")
                    if kind in ("relevant", "possible") else html.escape(p.text))
    before, after = neighbours(document, p.start, p.end)
    on_page = page_words(p.page, p.page_label)  # "" without a page
    where = html.escape(", ".join(filter(None, (on_page, f"paragraph {p.paragraph}"))))
    original = "" if p.page is None else original_url(p.document.id, p.page)
    section = within(p.section, p.document.title)
    return (f"<div class='source {kind}' id='{anchor}' data-source='{anchor}'>"
            f"<div class='source-head'><b>[{p.rank}]</b> {html.escape(p.document.title)} · "
            + (f"<span class='section'>{html.escape(section)}</span> · " if section else "")
            + f"{where} · "
            f"<span class='span'>characters {p.start}–{p.end}</span></div>"
            f"<div class='source-score'><span class='score' title='{SCORE_HELP}'>{p.score:.0%} likely to answer"
            f"</span> · <span class='kind'>{KIND_LABELS[kind]}</span></div>"
            + (f"<p class='context before'>{lines(html.escape(before))}</p>" if before else "")
            + f"<p class='passage'>{passage}</p>"
            + (f"<p class='context after'>{lines(html.escape(after))}</p>" if after else "")
            + "<div class='source-links'>"
            + ("<details class='in-context'><summary><span class='closed'>Show in context</span>"
               "<span class='open'>Hide the context</span></summary></details>" if before or after else "")
            + f"<a class='open-document' href='{html.escape(view_url(p.document.id, p.start, p.end))}' "
              f"target='_blank'>Open the document here</a>"
            + ("" if p.page is None else f"<a class='open-original' href='{html.escape(original)}' "
               f"target='_blank'>Open the PDF at {html.escape(on_page)}</a>")
            + "</div></div>")


def linked_answer(answer: str, reply: str, quotes: Sequence[tuple[int, str]] = ()) -> str:
    """The answer as HTML, each [n] marker a link to source n of this reply; `quotes` are the passages' (rank,
    quoted sentence): a quote is found in the answer with its own marker after it, and the "[n]" inside it (a
    document's footnote mark: "... in 1856.[3]") stay text, not links."""
    inside: list[tuple[int, int]] = []
    cursor = 0
    for rank, text in quotes:  # the quotes come in the answer in the passages' order, each followed by its marker
        at = answer.find(f"{text} [{rank}]", cursor) if text else -1
        if at >= 0:
            inside.append((at, at + len(text)))
            cursor = at + len(text)
    pieces, last = [], 0
    for m in re.finditer(r"\[(\d+)\]", answer):
        if any(start <= m.start() < end for start, end in inside):
            continue
        pieces += [html.escape(answer[last:m.start()]),
                   f"<a class='cite' href='#{reply}-s{m[1]}' data-source='{reply}-s{m[1]}'>[{m[1]}]</a>"]
        last = m.end()
    return lines("".join(pieces) + html.escape(answer[last:]))


def reply_html(response: AskResponse, question: str, threshold: float,
               document_text: Callable[[str], str], reply: str = "r1", only: Sequence[str] = ()) -> str:
    """The assistant's message: the quoted answer and its sources, or a plain 'no' with the nearest passages.

    `reply` names this reply, so its [n] markers link to its own sources and no other reply's; `only` are the
    titles of the documents asked, when the question was asked of some documents only.
    """
    sources = "".join(source_html(p, document_text(p.document.id), kind_of(response, p, threshold),
                                  f"{reply}-s{p.rank}") for p in response.passages)
    searched = ("" if response.query.strip() == question.strip()
                else f"<p class='searched'>Searched for: {lines(html.escape(response.query))}</p>")
    if only:
        searched += f"<p class='searched'>Asked only: {html.escape(', '.join(f'“{t}”' for t in only))}</p>"
    quotes = [(p.rank, unwrapped(p.text[p.highlight.start:p.highlight.end])) for p in response.passages]
    if response.found:
        return (f"<p class='answer'>{linked_answer(response.answer, reply, quotes)}</p>"
                f"<p class='answer-tools'><button class='copy-answer' type='button'>Copy answer</button></p>"
                f"{searched}{SOURCES}{sources}</div>")
    if unsure(response):  # the closest passages open, [1] linked
        return f"<p class='not-found'>{linked_answer(response.answer, reply)}</p>{searched}{SOURCES}{sources}</div>"
    nearest = (f"<details class='nearest'><summary>The nearest passages (judged not to answer it)</summary>"
               f"{sources}</details>" if sources else "")
    return f"<p class='not-found'>{lines(html.escape(response.answer))}</p>{searched}{SOURCES}{nearest}</div>"


def plain(message: str) -> str:
    """A chat message as plain text: the answer alone, without its sources, tools or markup."""
    answer = re.sub(r"<p class='answer-tools'>.*?</p>", "", message.split(SOURCES)[0])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", answer)).split())


def counted(n: int, noun: str) -> str:
    """'1 passage', '3 passages'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def missing_page(doc_id: str) -> str:
    """The page a citation's link opens when its document is gone: a removed document's id names nothing again
    (qa.ids), so the citations of it in a conversation no longer open."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Document not found</title>
<style>
:root {{color-scheme: light dark;}}
body {{font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif; max-width: 46em;
      margin: 0 auto; padding: 16px; line-height: 1.6;}}
</style></head>
<body><h1>Document not found</h1><p>No document has the id “{html.escape(doc_id[:200])}”: it was removed, or never
added. A removed document's citations no longer open, and an id is never given to another document; if the same
file was added again, it has an id of its own.</p><p><a href="/">Back to the chat</a>, where a new question cites the
documents there are now.</p></body></html>
"""


def document_page(title: str, text: str, start: int | None, end: int | None, problem: str = "",
                  original: str = "") -> str:
    """A whole document as a page of its own, the cited span [start, end) marked and scrolled to (#cited); `problem`
    says why a span asked for is not marked; `original` links the file it was read from."""
    cited = start is not None and end is not None
    body = marked(text, start, end).replace("<mark>", "<mark id='cited'>", 1) if cited else html.escape(text)  # type: ignore[arg-type]
    note = (f"<p class='note'>The cited passage, characters {start}–{end}, is <mark>marked</mark>.</p>"
            if cited else f"<p class='note'>{html.escape(problem)}</p>" if problem else "")
    if original:
        note += f"<p class='note'><a href='{html.escape(original)}'>Open the original file</a></p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
:root {{color-scheme: light dark;}}
body {{font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif; max-width: 46em;
      margin: 0 auto; padding: 16px; line-height: 1.6;}}
h1 {{font-size: 1.4em; margin: 0 0 4px;}}
.note {{margin: 0 0 16px; opacity: .8; font-size: .9em;}}
.text {{white-space: pre-wrap; overflow-wrap: anywhere;}}
mark {{background: #fde68a; color: #111; padding: 0 2px; border-radius: 2px;}}
#cited {{scroll-margin-top: 30vh; outline: 2px solid #f59e0b;}}
</style></head>
<body><h1>{html.escape(title)}</h1>{note}<div class="text">{body}</div></body></html>
"""
