"""Names a question can only mean literally (snake_case, camelCase, --long-options, versions such as 3.45, labelled
numbers such as "warehouse 60"): a passage lacking one is no answer.

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

So is a number that names one of several things of a kind ("warehouse 60", "Apollo 13", "PostgreSQL 16"), where the
documents number things of that kind (see LABELLED).
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


# A number naming one of several things of a kind: "warehouse 60", "Apollo 13", "PostgreSQL 16", "room no. 12". A
# passage about warehouse 16 that never says 60 was quoted at 0.99 for "How many crates are in warehouse 60?". Such a
# number is exact only where the documents number things of that kind (a shortlisted passage says "warehouse" with
# another number, `numbered`): then a passage that does not hold the number does not document it. Of SQuAD train's
# 87,599 questions, 1,045 use a labelled number; the article's paragraphs would decline 6 of them this way, mostly
# typos ("Billboard 800", "Convention 183 (C182)"). Dates ("March 3"), ages and years are not labels.
LABELLED = re.compile(r"\b([A-Za-z][A-Za-z-]{2,})\s+(?:(?:number|no\.?|#)\s*)?(\d{1,4})\b(?![.,]\d)", re.IGNORECASE)
NOT_LABELS = frozenset(
    "the and for from with than that this these those were was are is be about over under after before since until "
    "into between more less only all every each some most least first last top in of at by on to around nearly "
    "almost approximately roughly per just his her their its our your my year years age aged early late mid circa "
    "january february march april may june july august september october november december jan feb mar apr jun jul "
    "aug sep sept oct nov dec like as say such "
    # other languages' months (bench/multilingual.jsonl: "im Februar 2022")
    "januar februar märz juni juli oktober dezember janvier février mars avril mai juin juillet août septembre "
    "octobre novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre".split())


def labelled(question: str) -> tuple[tuple[str, str], ...]:
    """The (label, number) pairs of a question, as it spells them: "When did Apollo 13 land?" -> (("Apollo", "13"),)."""
    found = [(m.group(1), m.group(2)) for m in LABELLED.finditer(question.translate(DASHES))]
    return tuple(dict.fromkeys(pair for pair in found if pair[0].lower() not in NOT_LABELS))


def numbered(pairs: Sequence[tuple[str, str]], texts: Sequence[str]) -> tuple[str, ...]:
    """The labelled numbers ("warehouse 60") some text numbers otherwise ("warehouse 16", "warehouses 12 and") and
    none holds: names a passage must hold (`missing`)."""
    found = []
    for label, number in pairs:
        held = re.compile(rf"(?<![\w.,]){number}(?!\w|[.,]\d)")
        other = re.compile(rf"\b{re.escape(label)}s?\s+(?:(?:number|no\.?|#)\s*)?(\d+)\b", re.IGNORECASE)
        plain = [t.translate(DASHES) for t in texts]
        if (any(m.group(1) != number for t in plain for m in other.finditer(t))
                and not any(held.search(t) for t in plain)):
            found.append(f"{label} {number}")
    return tuple(found)


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
    if " " in name:  # a labelled number ("warehouse 60"): its number, whole
        return rf"(?<![\w.,]){re.escape(name.rsplit(' ', 1)[1])}(?!\w|[.,]\d)"
    if name[0].isdigit():  # a version: whole, or the start of a longer one ("3.45" in "3.45.0")
        return rf"(?:(?<![\w.,])|(?<=(?<![\w.,])v)){re.escape(name)}(?!\w|,\d|\.[^\W\d])"
    if name.startswith("--"):
        return rf"(?<![\w-])--?{re.escape(name[2:].lower())}(?![\w-]*\w)"
    return rf"(?<![\w-]){re.escape(name.lower())}(?![\w-]*\w)"
