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
# number is exact only where the documents number things of that kind and none holds it (a shortlisted passage says
# "warehouse" with another number and none says 60, `numbered`): then every shortlisted passage lacks it and the
# question is declined, naming it. Held: "60" whole, "PEP8", "HTTP/2", "Python 3.11" for "Python 3", "step four",
# "Chapter VII". Of SQuAD train's 87,599 questions, 781 use a labelled number; with each article's paragraphs as the
# shortlist, 3 would be declined, typos among them ("Billboard 800", "Convention 183 (C182)"):
# `python -m bench.labelled_numbers`. Dates ("March 3"), ages, years and counts after a verb or a question word
# ("Which 2 countries", "has 11 players", "won 2 Oscars") are not labels.
LABELLED = re.compile(r"(?<![A-Za-z-])([A-Za-z][A-Za-z-]{2,})\s+(?:(?:number|no\.?|#)\s*)?(\d{1,4})\b(?![.,]\d)",
                      re.IGNORECASE)  # not after a letter or "-": "\b" tried every start of a long hyphen run
NOT_LABELS = frozenset(
    "the and for from with than that this these those were was are is be about over under after before since until "
    "into between more less only all every each some most least first last top in of at by on to around nearly "
    "almost approximately roughly per just his her their its our your my year years age aged early late mid circa "
    "january february march april may june july august september october november december jan feb mar apr jun jul "
    "aug sep sept oct nov dec like as say such "
    # words that ask, and verbs, before a count: "Which 2 countries...", "Which team has 11 players?", "Who won 2
    # Oscars?" are not about a team "has 11"
    "what which who whom whose when where why how whether did does do done has have had having get gets got take "
    "takes took taken give gives gave given make makes made name names list lists won win wins scored score scores "
    "lost lose loses cost costs paid pay pays times ranked rank ranks need needs needed use uses used can could will "
    "would should must might shall not another other next past previous then than there them they also "
    # other languages' months (bench/multilingual.jsonl: "im Februar 2022")
    "januar februar märz juni juli oktober dezember janvier février mars avril mai juin juillet août septembre "
    "octobre novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre".split())


# A labelled number may be spelled out or in roman numerals: "step four", "Chapter VII".
NUMBER_WORDS = {n: (word, roman) for n, (word, roman) in enumerate(zip(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split(),
    "- i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split(), strict=True))}


def labelled(question: str) -> tuple[tuple[str, str], ...]:
    """The (label, number) pairs of a question, as it spells them: "When did Apollo 13 land?" -> (("Apollo", "13"),)."""
    found = [(m.group(1), m.group(2)) for m in LABELLED.finditer(question.translate(DASHES))]
    return tuple(dict.fromkeys(pair for pair in found if pair[0].lower() not in NOT_LABELS))


def numbered(pairs: Sequence[tuple[str, str]], texts: Sequence[str]) -> tuple[str, ...]:
    """The labelled numbers ("warehouse 60") some text numbers otherwise ("warehouse 16", "warehouses 12 and") and
    none holds (`missing`): names a passage must hold."""
    found = []
    plain = [t.translate(DASHES).lower() for t in texts]
    for label, number in pairs:
        name = f"{label} {number}"
        held = re.compile(_whole(name))
        other = re.compile(rf"\b{re.escape(label.lower())}s?\s+(?:(?:number|no\.?|#)\s*)?(\d+)\b")
        if (any(m.group(1) != number for t in plain for m in other.finditer(t))
                and not any(held.search(t) for t in plain)):
            found.append(name)
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
    if " " in name:  # a labelled number: "60" whole, "PEP8", "HTTP/2", "Python 3" in "Python 3.11", "step four"
        label, number = name.lower().rsplit(" ", 1)
        words = "|".join(NUMBER_WORDS.get(int(number), ()))
        return (rf"(?:(?<![\w.,])|(?<={re.escape(label)})|(?<={re.escape(label)}[/-])){number}(?!\w|,\d)"
                + (rf"|\b{re.escape(label)}s?\s+(?:{words})\b" if words else ""))
    if name[0].isdigit():  # a version: whole, or the start of a longer one ("3.45" in "3.45.0")
        return rf"(?:(?<![\w.,])|(?<=(?<![\w.,])v)){re.escape(name)}(?!\w|,\d|\.[^\W\d])"
    if name.startswith("--"):
        return rf"(?<![\w-])--?{re.escape(name[2:].lower())}(?![\w-]*\w)"
    return rf"(?<![\w-]){re.escape(name.lower())}(?![\w-]*\w)"
