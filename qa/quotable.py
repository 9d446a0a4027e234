"""Which sentences of a passage the reply may quote: not its headings nor pointers, those with the question's symbols.

The quote is chosen by the sentence model and the cross-encoder (qa.search), which read words, not layout or case:
- a heading or a definition term opens most documentation passages as a line of its own, and shares the question's
  words by design ("9.8.10. Undeleting deleted but still open files" for "I deleted a file that a program still has
  open. Can I get it back?"): quoted, it says nothing the citation's section path does not;
- MiniLM's tokenizer is uncased and drops punctuation, so "-d" and "-D", "$!" and "$$" read alike: "What does the -d
  option of aptitude do?" quoted the row of -D, next to the row of -d in the same passage.
A sentence the reply should not quote is only passed over for another sentence of its passage; a passage whose
sentences are all passed over quotes as before.
"""
from __future__ import annotations

import re

import numpy as np

from qa.passages import Passage

# Symbols a question names that only their exact spelling identifies: options ("-d", "--skip", "-Wall") and shell
# variables ("$!", "$#", "$HOME"), not inside a word ("e-mail", "US$5").
SYMBOL = re.compile(r"(?<![\w$-])(--?[A-Za-z][\w-]*|\$[!#$?*@0-9-]|\$[A-Za-z_]\w*)(?![\w])")


def symbols(question: str) -> list[str]:
    """The symbols (SYMBOL) a question names, in order, each once."""
    return list(dict.fromkeys(match.group(1) for match in SYMBOL.finditer(question)))


def holds(sentence: str, symbol: str) -> bool:
    """Whether `sentence` holds `symbol` spelled exactly, as a whole token: "-d;" holds "-d", "-D;" and "-dx" not."""
    return re.search(r"(?<![\w$-])" + re.escape(symbol) + r"(?![\w])", sentence) is not None


# A sentence that only sends the reader elsewhere: "See the description of shopt in The Shopt Builtin, for a
# description of the nocaseglob, nullglob, ... options.", "For more information, see ...", "Refer to ...".
POINTS_ELSEWHERE = re.compile(r"^\W*(?:see\s|refer to\s|(?:for (?:more|further|full|additional|complete) "
                              r"(?:information|details?|descriptions?)|for (?:a|the) (?:description|discussion|list)"
                              r" of)\b[^.]*?\bsee\b)", re.IGNORECASE)
# Or one that ends by sending the reader on: "If you believe you have found a security vulnerability in Sudo, you can
# report it to us as described below." was quoted first for "How do I report a security hole I found in sudo?", the
# address under it second.
POINTS_ON = re.compile(r"\bas (?:described|explained|shown|detailed|outlined|listed) (?:below|above|later|earlier|"
                       r"in the (?:next|following|previous) (?:section|chapter))[.!?)\"'’”\s]*$", re.IGNORECASE)
# (not "Configure the proxy as shown below:", which introduces what follows)


def points_elsewhere(sentence: str) -> bool:
    """Whether the sentence only sends the reader elsewhere (POINTS_ELSEWHERE, POINTS_ON): it names where the answer
    is, it is none."""
    return POINTS_ELSEWHERE.match(sentence) is not None or POINTS_ON.search(sentence) is not None


def heading_lines(passage: Passage) -> set[str]:
    """The headings and terms of the passage's section paths (its own and those of the sections it joins,
    Passage.parts): the lines that, on their own, only name a section."""
    paths = [passage.section, *(path for _, path in passage.parts)]
    return {part.strip() for path in paths if path for part in path.split(" > ") if part.strip()}


def line_of(text: str, start: int, end: int) -> str:
    """The whole line(s) of `text` that text[start:end] lies in, stripped."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start:len(text) if line_end < 0 else line_end].strip()


def is_heading(text: str, start: int, end: int, headings: set[str]) -> bool:
    """Whether text[start:end] lies in a line that is one of `headings` ("9.8.10." and "Undeleting ..." of the line
    "9.8.10. Undeleting deleted but still open files": the sentence splitter cuts a numbered heading in two)."""
    return line_of(text, start, end) in headings


def is_term(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a line of one word and nothing else: a PDF's definition term ("globstar",
    "HISTCONTROL" and "pipefail" in bash's manual, each a line over its description; HTML's <dt> is in the section
    path, heading_lines), which names what the next line says and was quoted alone for "What does shopt -s globstar
    do?"."""
    line = line_of(text, start, end)
    return bool(line) and text[start:end].strip() == line and not any(c.isspace() for c in line) \
        and line[-1] not in ".!?"


# A manual page's synopsis: its usage lines ("git clean [-d] [-f] [-i] [-n] ...") share every word of "What does git
# clean do?" and describe nothing; quoted for it, and for "What does git gc do?", while the description beside them in
# the same passage answered (bench/docs g04, g19). Passed over unless the question asks for the usage itself. Only a
# section named "Synopsis": a README's "Usage" is prose.
SYNOPSIS = "synopsis"
ASKS_USAGE = re.compile(r"\b(?:syntax|synopsis|usage|options?|arguments?|flags?|switch(?:es)?|parameters?)\b",
                        re.IGNORECASE)


def last_heading(passage: Passage, start: int) -> str:
    """The last heading of the section path the text at `start` lies in ("-C, --directory=DIR", "SYNOPSIS")."""
    return passage.section_at(start).rsplit(" > ", 1)[-1].strip()


def in_synopsis(passage: Passage, start: int) -> bool:
    """Whether the text at `start` lies in a section named "Synopsis" (its path's last heading)."""
    return last_heading(passage, start).lower() == SYNOPSIS


# A deprecation note ("Deprecated since version 2.2: Will be removed in Flask 2.3. Use
# app.config["SEND_FILE_MAX_AGE_DEFAULT"] instead.", Sphinx's) says what to use instead, not what a thing is or does:
# "What does the SEND_FILE_MAX_AGE_DEFAULT setting control?" quoted "Use app.config[...] instead." over "The default
# value for max_age for send_file()." Its sentences are passed over unless the question asks about versions or what
# replaces it. Only deprecations: a "Changed in version 3.8: On macOS, the spawn start method is now the default."
# answers bench/pydocs' "Which multiprocessing start method is the default on macOS?" (passing all version notes
# over lost it, its answer-hit 0.293 -> 0.283).
VERSION_NOTE = re.compile(r"deprecated (?:since|in) (?:version|release) \S+", re.IGNORECASE)
ASKS_VERSION = re.compile(r"\b(?:versions?|deprecat\w*|instead|replac\w*|removed|obsolete|still|releases?)\b",
                          re.IGNORECASE)


def in_version_note(text: str, start: int) -> bool:
    """Whether the text at `start` lies in a paragraph that opens as a deprecation note (VERSION_NOTE)."""
    block = text.rfind("\n\n", 0, start)
    return VERSION_NOTE.match(text, block + 2 if block >= 0 else 0) is not None


# A question asking what happens when a value is not given ("Which compression level does gzip use if I don't give
# one?", "What is the default value of AllowOverride?") is answered by the sentence that says what the default is
# ("The default is 9."), which shares few of its words: a passage's sentences that speak of a default are preferred.
# Not "How do I give a field a default value?" nor "Why does a default argument keep its items?": those ask how or
# why, not what the default is. Measured on the documentation sets' [1] quotes (answer-hit, 359 answerable
# questions, 35 asking for a default): bench/newdocs 0.400 -> 0.413, bench/pydocs 0.283 -> 0.293, bench/docsfit
# 0.454 -> 0.462, bench/docs the same (4 quotes shorter or other, none gaining or losing); no ranking changes.
ASKS_DEFAULT = re.compile(r"\bdefault\b|\bif (?:i|you|we) (?:don't|do not|didn't|did not|never) \w+|"
                          r"\bwhen (?:i|you) (?:don't|do not) \w+|"
                          r"\bwithout (?:giving|setting|passing|choosing|saying)\b|"
                          r"\bleft (?:at|as) (?:zero|0|none|null|empty|blank)\b|\bleft (?:unset|empty|blank)\b",
                          re.IGNORECASE)
ASKS_HOW = re.compile(r"\b(?:how (?:do|can|could|should|would|to)|why)\b", re.IGNORECASE)
# "Which data formats can COPY read and write, and which one is the default?" asks two things: its quote is not
# narrowed to one of them
ASKS_TWO = re.compile(r"\band (?:which|what|how|when|where|why|who|is|does|do)\b", re.IGNORECASE)
SAYS_DEFAULT = re.compile(r"\bdefault(?:s|ed)?\b|\bis omitted\b|\bnot (?:given|specified|supplied|provided)\b|"
                          r"\bif no \w+ (?:is|are) (?:given|specified|supplied|provided|passed)\b", re.IGNORECASE)


def asks_default(question: str) -> bool:
    """Whether the question asks what a default is, or what happens when something is not given (ASKS_DEFAULT)."""
    question = question.replace("\u2019", "'")  # "don’t" as "don't"
    return ASKS_DEFAULT.search(question) is not None and ASKS_HOW.search(question) is None \
        and ASKS_TWO.search(question) is None


def quotable(passage: Passage, spans: list[tuple[int, int]], question: str) -> np.ndarray:
    """For each sentence span of `passage`, whether the reply should prefer to quote it: not a heading line, a lone
    term, a sentence that only points elsewhere, a synopsis's usage line (unless the question asks for usage) nor a
    deprecation note's (unless it asks about versions or a replacement),
    holding every symbol the question names that any of the passage's sentences holds, and, for a question asking
    what a default is, saying a default if any of them does. All True when none would."""
    headings = heading_lines(passage)
    text = passage.text
    usage = ASKS_USAGE.search(question) is not None
    versions = ASKS_VERSION.search(question) is not None
    keep = np.array([not is_heading(text, s, e, headings) and not is_term(text, s, e)
                     and not points_elsewhere(text[s:e]) and (usage or not in_synopsis(passage, s))
                     and (versions or not in_version_note(text, s)) for s, e in spans], dtype=bool)
    for symbol in symbols(question):
        # a sentence holds it, or sits in the section of an option that does ("-C, --directory=DIR" over "Change to
        # DIR before performing any operations.", in a passage joining several options: Passage.parts)
        held = np.array([holds(text[s:e], symbol) or (bool(passage.parts) and holds(last_heading(passage, s), symbol))
                         for s, e in spans], dtype=bool)
        if (keep & held).any():
            keep &= held
    if asks_default(question):  # after the symbols: the default of the option asked for, not its neighbour's
        default = np.array([SAYS_DEFAULT.search(text[s:e]) is not None for s, e in spans], dtype=bool)
        if (keep & default).any():
            keep &= default
    return keep if keep.any() else np.ones(len(spans), dtype=bool)
