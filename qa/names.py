"""Names a question can only mean literally (snake_case, camelCase, --long-options, versions such as 3.45): a passage
lacking one is no answer.

"What does PRAGMA optimize_all do?" shares "optimize" and "all" with the page on PRAGMA optimize, and the answer
models (fitted on words and meaning) read that page as an answer (0.53). A setting, function or option name is
exact: a passage that does not hold it as a whole word (in lower case, section path included, any dash read as
"-") does not document it. Not names here: words under 5 characters ("kPa", "mmHg", "iOS"), words with no lower
case letter after a capital ("cpDNA", "wHAT" typed with caps lock), PascalCase and names that open with "_".
A question about the user's own code ("Why does my_list.append(x) return None?") is declined too, saying which name
no passage holds.

A number with dots ("SQLite 3.45", "PostgreSQL 15.4", "2.5 centimetres") is exact too: "What changed in the JSONB
functions of SQLite 3.45?" was answered from the JSON page of another version. A passage holds it as a whole number
or as the start of a longer version ("3.45" in "3.45.0", not in "13.45" or "3.451"). Of SQuAD train's questions with
such a number, 0.973 find it in their own paragraph (144 of 148; "10.2%" and "50.3 years" among them).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

NAMES = re.compile(r"(?<![\w-])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z][a-z0-9]*[A-Z][a-z][A-Za-z0-9]*|"
                   r"--[A-Za-z][\w-]*)")
SHORTEST = 5
VERSIONS = re.compile(r"(?<![\w.,])\d++(?:\.\d++)++(?![\w.]*\w)")  # possessive: "1.1.1...x" in linear time
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
# A passage lacking a name the question uses: its probability of answering is multiplied by this, as one lacking the
# answer type asked for is (qa.relevance.WRONG_TYPE_FACTOR; not fitted: on bench/docsfit 10 questions name such
# words, SQuAD dev's 10,570 questions none).
MISSING_NAME_FACTOR = 0.3


def names(question: str) -> tuple[str, ...]:
    """The literal names a question uses, each once, in order."""
    question = question.translate(DASHES)
    found = [n for n in NAMES.findall(question) if len(n) >= SHORTEST] + VERSIONS.findall(question)
    return tuple(dict.fromkeys(found))


def missing(asked: Sequence[str], text: str) -> tuple[str, ...]:
    """The names of `asked` that `text` does not hold as a whole word (in lower case, dashes read as "-")."""
    if not asked:
        return ()
    held = text.translate(DASHES).lower()
    return tuple(name for name in asked if not re.search(_whole(name), held))


def _whole(name: str) -> str:
    """The expression of `name` as a whole word in lower case; an option's "--" may be printed as one dash ("–soft")."""
    if name[0].isdigit():  # a version: whole, or the start of a longer one ("3.45" in "3.45.0")
        return rf"(?:(?<![\w.,])|(?<=(?<![\w.,])v)){re.escape(name)}(?!\w|,\d|\.[^\W\d])"
    if name.startswith("--"):
        return rf"(?<![\w-])--?{re.escape(name[2:].lower())}(?![\w-]*\w)"
    return rf"(?<![\w-]){re.escape(name.lower())}(?![\w-]*\w)"
