"""Turn a follow-up question into the standalone query that is searched, using the conversation so far."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.lexical import analyze

# Words that point back at something said before ("What did he say?", "When did that happen?").
REFERRING = frozenset(
    "he she it they him her his hers its their theirs them this that these those there then such "
    "he's she's it's they're".split()
)
OPENERS = re.compile(r"^\s*(and|but|also|so|what about|how about|and what about)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


def is_follow_up(question: str) -> bool:
    """A question that leans on what came before: it refers back, opens with 'and ...', or names almost nothing."""
    words = re.findall(r"[\w']+", question.lower().replace("’", "'"))
    return bool(OPENERS.match(question)) or any(w in REFERRING for w in words) or len(analyze(question)) <= 1


def standalone_query(question: str, history: list[Turn]) -> str:
    """The question, preceded by what it follows up when it leans on the conversation.

    What it follows up is the last user question that stood on its own, plus the follow-up asked right
    after it, if any; so a chain of follow-ups keeps its subject without growing without end.
    """
    question = " ".join(question.split())
    if not is_follow_up(question):
        return question
    anchor, last_follow_up = "", ""
    for turn in history:
        text = " ".join(turn.content.split())
        if turn.role != "user" or not text:
            continue
        if is_follow_up(text) and anchor:
            last_follow_up = text
        else:
            anchor, last_follow_up = text, ""
    return " ".join(part for part in (anchor, last_follow_up, question) if part)
