"""Expected answer types: "when" needs a time, "how many" a number, "who" a name, "where" a place, a code digits."""
from __future__ import annotations

import re

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 "hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|third|quarter|several|few|"
                 "many|most|single|double|twice|once|all|no|none")

TIME = re.compile(
    rf"\b({_MONTHS}|{_DAYS}|(1[5-9]|20)\d\ds?|\d{{1,2}}(st|nd|rd|th)|yesterday|today|tomorrow|tonight|"
    r"(last|next|this|that|early|late|earlier|later) (week|month|year|day|night|morning|time|spring|summer|autumn|"
    rf"fall|winter|{_DAYS})|(\w+ )(years?|months?|weeks?|days?|hours?) (ago|later|earlier)|(from|at) the start|"
    r"centur(y|ies)|decades?|era)\b",
    re.IGNORECASE,
)
# How often or how long, also an answer to "when": a manual's "Empty the drip tray daily", "every 3 months", "within
# 14 days" (a manual's "When should the drip tray be emptied?" was read as lacking a time and declined)
TIMING = re.compile(
    r"\b(hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually|"
    r"every (other |\d+ |few |two |three |six )?(seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|"
    r"mornings?|evenings?|time|use)|(within|after|per|each) (\d+ |a |an |one |two |three |six )?"
    r"(seconds?|minutes?|hours?|days?|weeks?|months?|years?))\b",
    re.IGNORECASE,
)
WHEN = re.compile(f"{TIME.pattern}|{TIMING.pattern}", re.IGNORECASE)
# a place, or in technical documents where a file or page is: "/etc/rolo/rolo.conf", "~/.config", "C:\\Tools",
# "https://..." ("Where is the configuration file installed?" was read as lacking a place and declined)
PATH = r"(?<![\w/])(~?/[\w.@+-]+){2,}|\b[A-Z]:\\|\bhttps?://\S+|~/[\w.-]+"
# a count: a number word, or digits that do not go on a name ("T-72", "F-16", "x86", "MP3" name things, count none:
# "How many tanks did Belarus deliver?" was answered 0.68 with "... delivered T-72 tanks ..."; no figure of the seed,
# dev, docsfit or the SQuAD train sample changed)
QUANTITY = re.compile(rf"((?<![A-Za-z\d])(?<![A-Za-z]-)\d|%|\$|€|£|\b({_NUMBER_WORDS})\b)", re.IGNORECASE)
# a name: a capitalised word that does not open the text (approximate: no tagger ships offline)
NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][\w'’-]+")
DIGITS = re.compile(r"\d")
PLACE = re.compile(f"{NAME.pattern}|{PATH}")

# The same openers in German, French and Spanish, for questions asked in another language than the documents
# (e5, `--embedder e5`): the answer is looked for in the documents' own expressions (numbers, years, names).
_TIME_ABROAD = (r"wann\b|seit wann\b|in welchem jahr\b|an welchem tag\b|quand\b|en quelle ann[eé]e\b|"
                r"(a |en )?quelle date\b|cu[aá]ndo\b|en qu[eé] a[nñ]o\b|qu[eé] d[ií]a\b")
_QUANTITY_ABROAD = (r"wie (viele?|alt|lange|oft|gro(ß|ss))\b|combien\b|quel [aâ]ge\b|quel pourcentage\b|"
                    r"cu[aá]nt[oa]s?\b|qu[eé] porcentaje\b")
_NAME_ABROAD = (r"(wer|qui|qui[eé]n)\b(?!\s+(ist|war|sind|waren|est|[eé]tait|sont|es|era|son|fue)\s+"
                r"(?-i:[A-Z])[\w'’-]*(\s+(?-i:[A-Z])[\w'’-]*)*\s*\??$)|"
                r"wo\b|o[uù]\b|d[oó]nde\b")

EXPECTATIONS = [
    (re.compile(r"^\W*(and |so |but )?(when\b|since when\b|what (year|date|day|month|time)\b|on what (day|date)\b|"
                rf"in what year\b|at what time\b|{_TIME_ABROAD})", re.IGNORECASE), WHEN),
    (re.compile(r"^\W*(and |so |but )?(how (many|much|old|long|far|big|large|often)\b|"
                r"what (percentage|percent|number|amount|share|proportion|age|price)\b|"
                rf"{_QUANTITY_ABROAD})", re.IGNORECASE), QUANTITY),
    # "what is the door code?", "which phone number ...": digits, not words
    (re.compile(r"^\W*(and |so |but )?(what|which)\b.*\b(code|pin|password|phone|extension|zip|postcode)\b",
                re.IGNORECASE), DIGITS),
    # "Who is X?" asks what X is, not for a name; "Who did X?" asks for one
    (re.compile(r"^\W*(and |so |but )?(who\b(?!\s+(is|was|are|were)\s+(?-i:[A-Z])[\w'’-]*"
                r"(\s+(?-i:[A-Z])[\w'’-]*)*\s*\??$)|whom\b|whose\b|"
                r"(which|what) ((?!(do|does|did|is|are|was|were|can|could|will|would|should|may|might|must|have|has|"
                r"had)\b)[a-z]+ )?(person|people|man|woman|company|companies|country|countries|city|cities|team|"
                r"group)\b|what (is|was) the name\b)",
                re.IGNORECASE), NAME),
    (re.compile(r"^\W*(and |so |but )?(where\b|in (what|which) (country|city|place|state|region)\b)", re.IGNORECASE),
     PLACE),
    (re.compile(rf"^\W*({_NAME_ABROAD})", re.IGNORECASE), NAME),
]


def expected_type(question: str) -> re.Pattern[str] | None:
    """The pattern an answer to this question must contain, or None when any sentence may answer it."""
    return next((pattern for opener, pattern in EXPECTATIONS if opener.search(question)), None)


def has_answer_type(question: str, text: str) -> bool:
    """Whether `text` holds an expression of the type the question asks for that the question itself lacks."""
    return type_match(question, text) >= 0


def type_match(question: str, text: str, pattern: re.Pattern[str] | None | bool = True) -> int:
    """+1: the question expects a type and `text` holds one the question lacks; -1: it expects one and `text` lacks
    it; 0: the question expects no type. `pattern` may pass `expected_type(question)` in, computed once."""
    expected = expected_type(question) if pattern is True else pattern
    if not isinstance(expected, re.Pattern):
        return 0
    asked = {m.group(0).lower() for m in expected.finditer(question)}
    return 1 if any(m.group(0).lower() not in asked for m in expected.finditer(text)) else -1
