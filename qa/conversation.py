"""Turn a follow-up question into the standalone query that is searched, using the conversation so far."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.language import FUNCTION_WORDS as LANGUAGE_WORDS
from qa.language import asked_in, fold
from qa.lexical import analyze

# Words that point back at something said before ("What did he say?", "When did that happen?").
REFERRING = frozenset(
    "he she it they him her his hers its their theirs them this that these those there then such "
    "he's she's it's they're".split()
)
OPENERS = re.compile(r"^\s*(and|but|also|so|what about|how about|and what about)\b", re.IGNORECASE)
# The same in the other languages whose questions qa.answer_type reads, in lower case, accents kept (folded, the verb
# "está" would be "esta", this); used when a question's function words say it is in that language
# (qa.language.asked_in). Left out, as they mostly do not point back: the expletive "il" ("y a-t-il"), "en" and
# "y", the articles "el", "la", "lo", the clitics "le" and "les", "este" (also "east"), the verb "sein" (to be).
REFERRING_IN: dict[str, frozenset[str]] = {
    "de": frozenset("er ihm ihn ihr ihre ihren ihrem ihrer seine seinen seinem seiner dieser diese diesem diesen "
                    "dort damals dabei davon darüber dafür daran darauf dazu deshalb".split()),
    "fr": frozenset("elle ils elles lui leur leurs son sa ses cela ça cet cette ces celui celle celles ceux "
                    "là-bas alors".split()),
    "es": frozenset("él ella ellos ellas su sus eso esto esa ese esos esas esta estos estas allí ahí "
                    "entonces".split()),
}
# Words that point back only where they stand for a whole noun phrase, at the end of the question ("Wann war das?",
# "Wie groß ist es?"), not before one ("das größte Land", "gibt es in Polen"); German "sie" (she, they) only in
# lower case after the first word (capitalised, it is the polite "you").
LAST_IN: dict[str, frozenset[str]] = {"de": frozenset({"das", "dies", "dieses", "es"})}
LOWER_IN: dict[str, frozenset[str]] = {"de": frozenset({"sie"})}
# French puts a pronoun subject after the verb in a question ("Qu'a-t-il dit ?"); with a named subject before it
# ("Quand Tesla est-il né ?", "Pourquoi l'oxygène est-il ...") or in "y a-t-il" (there is) it points nowhere.
INVERTED = re.compile(r"-(il|elle|ils|elles)$")
ARTICLES_FR = frozenset({"le", "la", "les", "un", "une", "des", "du", "au", "aux"})
# A follow-up's first word: "Und in Polen?", "Et alors ?", "¿Y en Brasil?" (Spanish "y" only after "¿" or in a
# question read as Spanish: "Y chromosome" is English).
OPENERS_IN: dict[str, frozenset[str]] = {"de": frozenset({"und", "aber", "auch"}),
                                         "fr": frozenset({"et", "mais", "aussi"}),
                                         "es": frozenset({"y", "pero", "también"})}
# Words that ask or bind rather than name: what a follow-up borrows from the turn it follows leaves them out.
FUNCTION_WORDS = REFERRING | frozenset(
    "a an the and or but if of at by for with about against between into through during before after above below "
    "to from up down in out on off over under again further once here when where why how all any both each few "
    "more most other some no nor not only own same so than too very what which who whom whose many much "
    "i me my we our you your can could would should shall will may might must "
    "am is are was were be been being have has had do does did doing tell explain please "
    "what's that's there's here's who's where's how's let's i'm you're we're i've you've we've they've i'd you'd "
    "he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll don't doesn't didn't isn't aren't wasn't "
    "weren't can't couldn't won't wouldn't shouldn't haven't hasn't hadn't".split()
)
# A word as a follow-up borrows it: code names keep their dots and dashes ("dns.lookup", "--soft", ".bz2").
TOKEN = re.compile(r"[\w.'’-]*\w")


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


# Words that ask about an aspect of something without naming it: a question of only these and function words ("How
# often?", "How long exactly?", "Why not?") is elliptical, and leans on the turn before (it was searched alone).
ASPECTS = frozenset("often long much many far old big large small exactly else instead again more less soon late "
                    "early usually frequently".split())


def is_follow_up(question: str) -> bool:
    """A question that leans on what came before: it refers back, opens with 'and ...', or names almost nothing."""
    words = re.findall(r"[\w']+", question.lower().replace("’", "'"))
    if bool(OPENERS.match(question)) or any(w in REFERRING for w in words) or len(analyze(question)) <= 1:
        return True
    if words and all(w in FUNCTION_WORDS or w in ASPECTS for w in words):
        return True
    languages = asked_in(question)
    return opens_in_other_language(question, languages) or any(refers_back_in(name, question) for name in languages)


def _words(question: str) -> list[str]:
    """Words with their case and accents, elisions split ("l'a-t-il" -> "l", "a-t-il")."""
    return re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", question.replace("’", "'"))


def opens_in_other_language(question: str, languages: list[str]) -> bool:
    """Whether a question opens with another language's "and", "but" or "also" (OPENERS_IN), whatever else its
    words say: "Und in Polen?" has no question word to tell its language by."""
    words = _words(question)
    first = words[0].lower() if words else ""
    if first == "y":
        return question.lstrip().startswith("¿") or "es" in languages
    return any(first in openers for openers in OPENERS_IN.values())


def refers_back_in(language: str, question: str) -> bool:
    """Whether a question in `language` (not English) has a word that points back ("Wie hat er ...", "Et qui est son
    conseiller ?", "¿Y a qué empresa se los compra?", "Wann war das?"). Spanish leaves the subject out ("¿Durante
    cuántos años sirvió?"): such a question is read alone."""
    words = _words(question)
    lowered = [w.lower() for w in words]
    if any(w in REFERRING_IN.get(language, ()) for w in lowered):
        return True
    if lowered and lowered[-1] in LAST_IN.get(language, ()):
        return True
    if any(w in LOWER_IN.get(language, ()) and words[i].islower() for i, w in enumerate(lowered) if i > 0):
        return True
    return language == "fr" and any(INVERTED.search(w) and _pronoun_subject(words, i) for i, w in enumerate(lowered))


def _pronoun_subject(words: list[str], at: int) -> bool:
    """Whether the French inverted verb words[at] ("a-t-il") has no subject named before it: no capitalised word
    after the first, no article, no elided article before a noun ("l'oxygène"), and not "y a-t-il"."""
    before = words[:at]
    if before and before[-1].lower() == "y":
        return False
    for i, word in enumerate(before):
        lower = word.lower()
        if (i > 0 and word[:1].isupper()) or lower in ARTICLES_FR or (lower == "l" and i + 1 < at):
            return False
    return True


def standalone_query(question: str, history: list[Turn]) -> str:
    """The question, followed by the words that name what it follows up when it leans on the conversation.

    What it follows up is the last user question that stood on its own, plus the follow-up asked right
    after it, if any; so a chain of follow-ups keeps its subject without growing without end. Only that turn's
    subject is borrowed (subject_words), not its question, nor what the follow-up puts something else in place of:
    "And what does --mixed do?" after "What does git reset --soft do?" is searched as "And what does --mixed do? git
    reset", not as a question that the passage answering the first turn answers best.
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
    subject = subject_words(" ".join(part for part in (anchor, last_follow_up) if part), question)
    return " ".join(part for part in (question, subject) if part)


# "And for light roast?" after "What grind setting should I use for dark roast beans?": the follow-up's phrase stands
# for the earlier one after the same preposition, which is not borrowed (it searched "... dark beans" and answered
# the dark roast's row again).
MIRRORED = re.compile(r"^\s*(?:and|but|what about|how about|and what about)?\s*(for|in|on|with|at|from|during|about|"
                      r"of|by|under|without)\s+(.*)", re.IGNORECASE)  # not "to": "And to unsubscribe?" is a verb
ARTICLES = frozenset({"a", "an", "the"})
ORDINAL = re.compile(r"\d*(?:st|nd|rd|th)|first|second|third|last|next|previous|other|same|latest|earlier|later")
MIRRORED_WORDS = 4   # at most this many words after the earlier preposition, ending its question
OPTION = re.compile(r"^--?[A-Za-z]")


def replaced(text: str, question: str) -> set[str]:
    """The words of `text` the follow-up `question` puts something else in place of (lower case): the phrase
    after the preposition its question opens with ("And for light roast?" drops "dark roast beans" of "... for dark
    roast beans?"), an option when it names another ("And what does --mixed do?" drops "--soft"), and the word
    before a word both share ("... light roast?" drops "dark" of "dark roast")."""
    words = TOKEN.findall(text)
    lower = [w.lower() for w in words]
    asked = [w.lower() for w in TOKEN.findall(question)]
    dropped: set[str] = set()
    if asked_in(question) not in ([], ["en"]) or asked_in(text) not in ([], ["en"]):
        return dropped  # its function words are English ones
    if (mirror := MIRRORED.match(question)) and not any(w in REFERRING for w in asked):  # "of its ...": kept
        preposition = mirror.group(1).lower()
        at = max((i for i, w in enumerate(lower) if w == preposition), default=-1)
        phrase: list[str] = []
        for word in lower[at + 1:] if at >= 0 else []:  # up to the next preposition ("for students at the gym")
            if word in ARTICLES:
                continue
            if word in FUNCTION_WORDS:
                break
            phrase.append(word)
        own = [w for w in TOKEN.findall(mirror.group(2).lower()) if w not in FUNCTION_WORDS]
        if len(own) == 1 and ORDINAL.fullmatch(own[0]) and phrase:
            phrase = phrase[:-1]  # "And in the second?" after "... in the first year?": the year stays
        if 0 < len(phrase) <= MIRRORED_WORDS:
            dropped |= set(phrase)
    if any(OPTION.match(w) for w in asked):
        dropped |= {w for w in lower if OPTION.match(w) and w not in asked}
    for i, word in enumerate(lower[1:], 1):
        if word in asked and word not in FUNCTION_WORDS and (before := lower[i - 1]) not in asked:
            j = asked.index(word)
            if j > 0 and asked[j - 1] not in FUNCTION_WORDS and before not in FUNCTION_WORDS:
                dropped.add(before)
    return dropped


def subject_words(text: str, question: str) -> str:
    """The words of `text` that name something, each once and in order: no question or function words, none that
    `question` has already or puts something else in place of (`replaced`; compared lower-cased, ’ read as ')."""
    def key(word: str) -> str:
        return word.lower().replace("’", "'")

    taken = {key(w) for w in TOKEN.findall(question)} | FUNCTION_WORDS | {key(w) for w in replaced(text, question)}
    # a question in another language leaves out that language's function words too ("Wer ist Franak Viacorka?"),
    # but not in a name ("Les Misérables", "Die Hard": capitalised after the first word)
    foreign = frozenset().union(*(LANGUAGE_WORDS[name] for name in asked_in(text) if name != "en"))
    kept: list[str] = []
    for position, word in enumerate(TOKEN.findall(text)):
        named = position > 0 and word[:1].isupper()
        if key(word) not in taken and (named or fold(word) not in foreign):
            taken.add(key(word))
            kept.append(word)
    return " ".join(kept)
