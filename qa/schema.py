"""The HTTP API's JSON shapes (pydantic), shared by the server, `qa ask --json` and the evaluation."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import JsonDict

from qa.answer import Answer
from qa.conversation import Turn
from qa.documents import MAX_TITLE_CHARS

MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 20
MAX_TURNS = 100          # earlier turns a question may carry
MAX_TURN_CHARS = 20000   # characters of one turn
MAX_DOCUMENTS = 1000     # document ids one question may be restricted to
MAX_ID_CHARS = 4096      # a document id: its path's slug (new ones at most 200 characters, qa.documents; older
                         # ones as long as their path), with "-N" when taken
ID_PATTERN = r"^[a-z0-9-]+$"  # what qa.documents.document_id makes: one byte a character
# The largest /api/ask body within these limits, as raw UTF-8 (4 bytes a character at most; an id 1) with its JSON
# around it: what qa.api caps the body at, so that no body the schema allows is refused for its size when sent as
# UTF-8. JSON that escapes its non-ASCII characters (\uXXXX: 6 or 12 bytes each, as Python's json.dumps does by
# default) or is padded with white space can still pass the cap with fewer characters.
LARGEST_ASK_BODY = 4 * (MAX_QUESTION_CHARS + MAX_TURNS * MAX_TURN_CHARS) + MAX_DOCUMENTS * MAX_ID_CHARS \
    + 64 * (MAX_TURNS + MAX_DOCUMENTS) + 1024
# Characters that show nothing: white space, and the soft hyphen, zero-width and direction marks, fillers and variation
# selectors a paste can carry. Spelled out, not "\s": Python's includes \x1c-\x1f and \x85, JavaScript's does not.
INVISIBLE = (r"\t\n\v\f\r \x1c-\x1f\x85\xa0\xad\u034f\u061c\u115f\u1160\u1680\u180e\u2000-\u200f"
             r"\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0")
VISIBLE = re.compile(f"[^{INVISIBLE}]")
# at least one character that shows: said in the spec; checked by the validators (clearer messages), with the
# same expression, so that whatever the spec allows is accepted
NOT_BLANK: JsonDict = {"pattern": VISIBLE.pattern}


class Error(BaseModel):
    """Every 4xx: what is wrong and how to fix it."""
    detail: str


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"] = Field(description="who said it")
    content: str = Field(max_length=MAX_TURN_CHARS, description="what was said")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "What did Belarus supply Russia?", "history": [], "top_k": 3}]})
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra=NOT_BLANK,
                          description="the question, in plain words (not only spaces)")
    history: list[Message] = Field(default_factory=list, max_length=MAX_TURNS,
                                   description="earlier turns of the conversation, oldest first")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K,
                              description="how many passages to return (1-20), a whole number")
    documents: list[Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS, pattern=ID_PATTERN)]] | None = Field(
        default=None, min_length=1, max_length=MAX_DOCUMENTS,
        description="ask only these documents (ids from GET /api/documents: lower-case letters, digits and '-'); "
                    "leave it out to ask all of them")

    @field_validator("question")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not VISIBLE.search(value):
            raise ValueError("the question is blank: write a question with at least one word")
        return value

    @field_validator("top_k", mode="before")
    @classmethod
    def a_number(cls, value: object) -> object:
        """A JSON integer (3, or 3.0, which JSON Schema counts as one); never true or "3"."""
        if isinstance(value, bool | str):
            raise ValueError(f"must be a whole number from 1 to {MAX_TOP_K}")
        return value

    def turns(self) -> list[Turn]:
        return [Turn(m.role, m.content) for m in self.history]


class Span(BaseModel):
    start: int
    end: int


class DocumentRef(BaseModel):
    id: str
    title: str


class PassageOut(BaseModel):
    rank: int
    score: float = Field(description="relevance 0..1: how likely the passage answers the question")
    text: str = Field(description="the whole passage")
    highlight: Span = Field(description="the answering sentence, with what it introduces when it ends with a colon "
                                        "or breaks off before it (\"... to hold using\"), "
                                        "from the line introducing its list when it is a list item, "
                                        "and with the sentence before or after it when one points back to the other "
                                        "(\"He ...\", \"This ...\"); character offsets into `text`")
    document: DocumentRef
    section: str = Field(default="", description='the section path of the highlighted sentence, "Title > Heading > '
                                                 'Term"; "" in a document without headings')
    paragraph: int = Field(description="1-based number in the document of the paragraph the highlighted sentence "
                                       "starts in (the title is paragraph 1)")
    page: int | None = Field(default=None, description="1-based page the highlighted sentence starts on, for paged "
                                                       "documents (PDF): its place in the file")
    page_label: str | None = Field(default=None, description="that page's printed number (\"114\", \"xiv\"), when "
                                                             "the PDF labels its pages otherwise than 1, 2, 3...; "
                                                             "else null")
    start: int = Field(description="character offset of the passage in the document's text")
    end: int


class AskResponse(BaseModel):
    answer: str = Field(description="quoted sentences with [n] markers; when found is false, that the documents "
                                    "don't answer, or, when [1] is still 0.3 likely or more, that they may not and "
                                    "that [1] comes closest")
    found: bool = Field(description="false when no passage is relevant enough")
    query: str = Field(description="what was searched: the question, with the conversation it leans on")
    passages: list[PassageOut]


class TextDocument(BaseModel):
    """A document sent as JSON instead of a file."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"title": "Meeting notes", "text": "The budget was approved on Monday."}]})
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS, json_schema_extra=NOT_BLANK,
                       description="the document's title, one line (line breaks are read as spaces)")
    text: str = Field(min_length=1, json_schema_extra=NOT_BLANK,
                      description="the document's text; paragraphs separated by blank lines")

    @field_validator("title", "text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not VISIBLE.search(value):
            raise ValueError("is blank: send some text")
        return value


class DocumentOut(BaseModel):
    id: str
    title: str
    path: str
    passages: int


class DocumentText(DocumentOut):
    """A document with its text (GET /api/documents/{id}?text=true)."""
    text: str = Field(description="the document's text: the passages' `start`/`end` are offsets into it")


class Health(BaseModel):
    status: Literal["ok", "indexing", "failed"] = Field(description=(
        "ok: serving; indexing (with HTTP 503): the first index is still being built, nothing can be asked yet; "
        "failed (with HTTP 503): building it failed (progress says why), nothing can be asked until a restart"))
    documents: int
    passages: int
    progress: str | None = Field(default=None, description=(
        "while indexing: how far it has got, e.g. \"embedding 12,288 of 52,864 texts, 23%, about 5 minutes left\"; "
        "failed: the error"))


def to_response(answer: Answer) -> AskResponse:
    return AskResponse(
        answer=answer.answer,
        found=answer.found,
        query=answer.query,
        passages=[
            PassageOut(
                rank=c.rank,
                score=c.score,
                text=c.passage.text,
                highlight=Span(start=c.highlight[0], end=c.highlight[1]),
                document=DocumentRef(id=c.passage.doc_id, title=c.title),
                section=c.section,
                paragraph=c.paragraph,
                page=c.page,
                page_label=c.page_label,
                start=c.passage.start,
                end=c.passage.end,
            )
            for c in answer.passages
        ],
    )
