"""Names a question can only mean literally (snake_case, camelCase, --long-options): a passage lacking one is no answer.

"What does PRAGMA optimize_all do?" shares "optimize" and "all" with the page on PRAGMA optimize, and the answer
models (fitted on words and meaning) read that page as an answer (0.53). A setting, function or option name is
exact: a passage that does not hold it (compared in lower case, section path included) does not document it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

NAMES = re.compile(r"(?<![\w-])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*|"
                   r"--[A-Za-z0-9][\w-]*)")
# A passage lacking a name the question uses: its probability of answering is multiplied by this, as one lacking the
# answer type asked for is (qa.relevance.WRONG_TYPE_FACTOR; not fitted: on bench/docsfit 10 questions name such
# words, SQuAD dev 12 of 10,570).
MISSING_NAME_FACTOR = 0.3


def names(question: str) -> tuple[str, ...]:
    """The literal names a question uses, each once, in order."""
    return tuple(dict.fromkeys(NAMES.findall(question)))


def missing(asked: Sequence[str], text: str) -> tuple[str, ...]:
    """The names of `asked` that `text` does not hold (compared in lower case)."""
    held = text.lower()
    return tuple(name for name in asked if name.lower() not in held)
