"""Expected answer types: a "when" question needs a time in the passage, a "how many" question a number."""
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
QUANTITY = re.compile(rf"(\d|%|\$|€|£|\b({_NUMBER_WORDS})\b)", re.IGNORECASE)

EXPECTATIONS = [
    (re.compile(r"^\W*(and |so |but )?(when\b|since when\b|what (year|date|day|month|time)\b|on what (day|date)\b|"
                r"in what year\b|at what time\b)", re.IGNORECASE), TIME),
    (re.compile(r"^\W*(and |so |but )?(how (many|much|old|long|far|big|large|often)\b|"
                r"what (percentage|percent|number|amount|share|proportion|age|price)\b)", re.IGNORECASE), QUANTITY),
]


def expected_type(question: str) -> re.Pattern[str] | None:
    """The pattern an answer to this question must contain, or None when any sentence may answer it."""
    return next((pattern for opener, pattern in EXPECTATIONS if opener.search(question)), None)


def has_answer_type(question: str, text: str) -> bool:
    """Whether `text` holds an expression of the type the question asks for that the question itself lacks."""
    pattern = expected_type(question)
    if pattern is None:
        return True
    asked = {m.group(0).lower() for m in pattern.finditer(question)}
    return any(m.group(0).lower() not in asked for m in pattern.finditer(text))
