"""The HTTP API's JSON shapes (pydantic), shared by the server, `qa ask --json` and the evaluation."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qa.answer import Answer
from qa.conversation import Turn

MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 20


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"] = Field(description="who said it")
    content: str = Field(max_length=20000, description="what was said")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "What did Belarus supply Russia?", "history": [], "top_k": 3}]})
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="the question, in plain words")
    history: list[Message] = Field(default_factory=list, max_length=100,
                                   description="earlier turns of the conversation, oldest first")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K, description="how many passages to return (1-20)")
    documents: list[str] | None = Field(default=None, min_length=1, max_length=1000,
                                        description="ask only these documents (ids from GET /api/documents); "
                                                    "leave it out to ask all of them")

    @field_validator("question")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is blank: write a question with at least one word")
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
    highlight: Span = Field(description="the answering sentence, character offsets into `text`")
    document: DocumentRef
    paragraph: int = Field(description="1-based paragraph number in the document")
    page: int | None = Field(default=None, description="1-based page, for paged documents (PDF)")
    start: int = Field(description="character offset of the passage in the document's text")
    end: int


class AskResponse(BaseModel):
    answer: str = Field(description="quoted sentences with [n] markers, or a plain statement that nothing answers")
    found: bool = Field(description="false when no passage is relevant enough")
    query: str = Field(description="what was searched: the question, with the conversation it leans on")
    passages: list[PassageOut]


class TextDocument(BaseModel):
    """A document sent as JSON instead of a file."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"title": "Meeting notes", "text": "The budget was approved on Monday."}]})
    title: str = Field(min_length=1, max_length=300, description="the document's title")
    text: str = Field(min_length=1, description="the document's text; paragraphs separated by blank lines")

    @field_validator("title", "text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
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
    status: Literal["ok"]
    documents: int
    passages: int


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
                paragraph=c.passage.paragraph,
                page=c.passage.page,
                start=c.passage.start,
                end=c.passage.end,
            )
            for c in answer.passages
        ],
    )
