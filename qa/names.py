"""Names a question can only mean literally (snake_case, camelCase, --long-options): a passage lacking one is no answer.

"What does PRAGMA optimize_all do?" shares "optimize" and "all" with the page on PRAGMA optimize, and the answer
models (fitted on words and meaning) read that page as an answer (0.53). A setting, function or option name is
exact: a passage that does not hold it as a whole word (in lower case, section path included, any dash read as
"-") does not document it. Not names here: words under 5 characters ("kPa", "mmHg", "iOS"), words with no lower
case letter after a capital ("cpDNA", "wHAT" typed with caps lock), PascalCase and names that open with "_".
A question about the user's own code ("Why does my_list.append(x) return None?") is declined too, saying which name
no passage holds.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

NAMES = re.compile(r"(?<![\w-])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z][a-z0-9]*[A-Z][a-z][A-Za-z0-9]*|"
                   r"--[A-Za-z][\w-]*)")
SHORTEST = 5
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
# A passage lacking a name the question uses: its probability of answering is multiplied by this, as one lacking the
# answer type asked for is (qa.relevance.WRONG_TYPE_FACTOR; not fitted: on bench/docsfit 10 questions name such
# words, SQuAD dev's 10,570 questions none).
MISSING_NAME_FACTOR = 0.3


def names(question: str) -> tuple[str, ...]:
    """The literal names a question uses, each once, in order."""
    return tuple(dict.fromkeys(n for n in NAMES.findall(question.translate(DASHES)) if len(n) >= SHORTEST))


def missing(asked: Sequence[str], text: str) -> tuple[str, ...]:
    """The names of `asked` that `text` does not hold as a whole word (in lower case, dashes read as "-")."""
    if not asked:
        return ()
    held = text.translate(DASHES).lower()
    return tuple(name for name in asked if not re.search(_whole(name), held))


def _whole(name: str) -> str:
    """The expression of `name` as a whole word in lower case; an option's "--" may be printed as one dash ("–soft")."""
    if name.startswith("--"):
        return rf"(?<![\w-])--?{re.escape(name[2:].lower())}(?![\w-]*\w)"
    return rf"(?<![\w-]){re.escape(name.lower())}(?![\w-]*\w)"
