"""The web chat (Gradio): ask, follow up, and read every cited passage with its answering sentence marked."""
from __future__ import annotations

import html
import logging

import gradio as gr

from qa.answer import Answer
from qa.conversation import Turn
from qa.engine import Engine
from qa.schema import MAX_QUESTION_CHARS, MAX_TOP_K, AskRequest, AskResponse, to_response

log = logging.getLogger(__name__)

EXAMPLES = [
    "What did Belarus supply Russia?",
    "Who is Sviatlana Tsikhanouskaya?",
    "How many Apache helicopters is Poland buying?",
    "What did Lukashenko say about drones in August?",
]

CSS = """
.gradio-container {max-width: 980px !important; margin: auto;}
.source {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin: 8px 0;}
.source-head {font-weight: 600; margin-bottom: 4px;}
.source-head .score {font-weight: 400; opacity: .7; font-size: .9em;}
.source p {margin: 4px 0; line-height: 1.5;}
.source mark {background: #fde68a; color: #111; padding: 0 2px; border-radius: 2px;}
.source details summary {cursor: pointer; opacity: .8; font-size: .9em;}
.source .context {opacity: .75; font-size: .92em;}
.not-found {padding: 8px 12px; border-left: 4px solid #9ca3af; margin: 8px 0;}
.weak {opacity: .6;}
"""


def text_of(content: object) -> str:
    """The text of a chat message, whichever shape Gradio gives it in."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", content.get("value", "")))
    if isinstance(content, list):
        return " ".join(text_of(part) for part in content)
    return ""


def history_turns(history: list[dict]) -> list[Turn]:
    """Gradio's chat history as conversation turns; the assistant's turns are kept without their source list."""
    turns = []
    for message in history or []:
        role = message.get("role")
        if role in ("user", "assistant"):
            turns.append(Turn(role, text_of(message.get("content")).split("\n\n**Sources**")[0]))
    return turns


def reply_markdown(response: AskResponse) -> str:
    """The chat bubble: the quoted answer, then one line per cited source."""
    if not response.found:
        return f"{response.answer}\n\n*Searched for:* {response.query}"
    lines = [response.answer, "", "**Sources**"]
    for p in response.passages:
        lines.append(f"- [{p.rank}] *{p.document.title}*, paragraph {p.paragraph}")
    return "\n".join(lines)


def sources_html(response: AskResponse, engine: Engine) -> str:
    """Every cited passage with the answering sentence marked, and the paragraphs around it on demand."""
    if not response.passages:
        return "<div class='not-found'>No passages.</div>"
    parts = []
    if not response.found:
        parts.append("<div class='not-found'>The documents don't answer this question. "
                     "The nearest passages are shown below, but none of them answers it.</div>")
    for p in response.passages:
        text = p.text
        a, b = p.highlight.start, p.highlight.end
        body = (f"{html.escape(text[:a])}<mark>{html.escape(text[a:b])}</mark>{html.escape(text[b:])}"
                if response.found else html.escape(text))
        context = engine.index.document_text(p.document.id) or ""
        before = context[max(0, p.start - 700):p.start].split("\n\n")[-1] if p.start else ""
        after = context[p.end:p.end + 700].lstrip("\n").split("\n\n")[0]
        parts.append(
            f"<div class='source{'' if response.found else ' weak'}' data-rank='{p.rank}'>"
            f"<div class='source-head'>[{p.rank}] {html.escape(p.document.title)} "
            f"<span class='score'>· paragraph {p.paragraph} · characters {p.start}–{p.end} · "
            f"relevance {p.score:.2f}</span></div>"
            f"<p>{body}</p>"
            f"<details><summary>Show in context</summary>"
            f"<p class='context'>{html.escape(before)}</p><p>{html.escape(text)}</p>"
            f"<p class='context'>{html.escape(after)}</p></details></div>"
        )
    return "\n".join(parts)


def documents_markdown(engine: Engine) -> str:
    docs = engine.index.documents()
    rows = [f"- **{d.title}** ({d.passages} passages)" for d in docs]
    return f"Searching {len(docs)} document{'s' if len(docs) != 1 else ''}:\n" + "\n".join(rows)


def build(engine: Engine) -> gr.Blocks:
    def answer(question: str, history: list[dict], top_k: int) -> tuple[Answer, AskResponse]:
        request = AskRequest(question=question, top_k=int(top_k))
        result = engine.ask(request.question, history_turns(history), request.top_k)
        return result, to_response(result)

    def respond(question: str, history: list[dict], top_k: int) -> tuple[list[dict], str, str]:
        question = (question or "").strip()
        if not question:
            return history, "", gr.skip()
        if len(question) > MAX_QUESTION_CHARS:
            gr.Warning(f"The question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}.")
            return history, question, gr.skip()
        _, response = answer(question, history, top_k)
        history = list(history or []) + [
            {"role": "user", "content": question},
            {"role": "assistant", "content": reply_markdown(response)},
        ]
        return history, "", sources_html(response, engine)

    def ask(question: str, top_k: int = 3) -> dict:
        """Ask the documents a question; returns the answer, whether it was found, and the cited passages."""
        _, response = answer(question, [], top_k)
        return response.model_dump()

    with gr.Blocks(title="Ask the documents") as blocks:
        gr.Markdown("## Ask the documents\nAnswers are quoted from your documents, each with its source.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(label="Conversation", height=420, elem_id="chat", buttons=["copy"],
                                     feedback_options=None)
                question = gr.Textbox(label="Question", placeholder="Ask a question about the documents",
                                      lines=1, max_lines=4, elem_id="question", submit_btn="Ask")
                with gr.Row():
                    top_k = gr.Slider(1, MAX_TOP_K, value=engine.settings.top_k, step=1,
                                      label="Passages to show", elem_id="top-k")
                    clear = gr.Button("Clear conversation", variant="secondary", elem_id="clear")
                gr.Examples(EXAMPLES, inputs=question, label="Try")
            with gr.Column(scale=2, min_width=260):
                sources = gr.HTML("<p>Cited passages appear here.</p>", label="Sources", elem_id="sources")
                documents = gr.Markdown(documents_markdown(engine), elem_id="documents")
        question.submit(respond, [question, chatbot, top_k], [chatbot, question, sources], api_visibility="private")
        clear.click(lambda: ([], "", "<p>Cited passages appear here.</p>"), None, [chatbot, question, sources],
                    api_visibility="private")
        blocks.load(lambda: documents_markdown(engine), None, documents, api_visibility="private")
        gr.api(ask, api_name="ask")
    return blocks
